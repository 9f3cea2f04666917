"""Template filters that show stored values in the vocabulary's words (categories, regimes, fact values)."""

from django import template

from incidentdesk.assessment import vocabulary

register = template.Library()


@register.filter
def category_label(value) -> str:
    """An incident category as a person reads it: "bias_discrimination" → "Bias or discrimination"."""
    return vocabulary.choice_label("categories", value)


@register.filter
def regime_label(value) -> str:
    """A regime's short name ("ai_act" → "EU AI Act"), the register filter's words, else its rule file's title."""
    from incidentdesk.assessment.rulebook import default_rulebook
    from incidentdesk.incidents.filters import REGIME_CHOICES

    names = dict(REGIME_CHOICES)
    if value in names:
        return names[value]
    found = default_rulebook().regimes.get(value)
    return found.meta.title if found else vocabulary.choice_label("", value)


@register.filter
def fact_value(value, path: str) -> str:
    """A fact's value in words: ``{{ value|fact_value:"personal_data.recipient" }}``."""
    return vocabulary.show(path, value)


@register.filter
def fact_label(path: str) -> str:
    """A fact's label in a sentence: ``clock starts at the {{ o.clock_start_event|fact_label }}``."""
    text = vocabulary.label(path)
    return text[:1].lower() + text[1:]
