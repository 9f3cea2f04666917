"""``{{ hours|duration }}``: a duration in words (``incidentdesk.durations.in_words``), a builtin in every template."""

from django import template

from incidentdesk.durations import in_words

register = template.Library()


@register.filter
def duration(value):
    """A number of hours or a timedelta as "40 days" or "3 h 20 min"; "—" when there is none."""
    return in_words(value) or "—"
