from django import template
from django.utils.safestring import mark_safe

from incidentdesk.documents.markdown import to_html

register = template.Library()


@register.filter
def comment_html(text: str) -> str:
    """A comment's Markdown as HTML, sanitised by the one allowlist (``documents.markdown``)."""
    return mark_safe(to_html(text))  # noqa: S308 - nh3 has cleaned it
