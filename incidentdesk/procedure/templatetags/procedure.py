"""``{{ text|procedure_links }}``: procedure references in a text as links to the procedure page."""

from django import template

from incidentdesk.procedure.references import linked, readable

register = template.Library()


@register.filter
def procedure_links(text):
    """Every "seed procedure §N" in ``text`` as a link to that section of the procedure page."""
    return linked("" if text is None else text)


@register.filter
def procedure_words(text):
    """Every "seed procedure §N" in ``text`` in words, without a link (for attributes and plain text)."""
    return readable("" if text is None else text)
