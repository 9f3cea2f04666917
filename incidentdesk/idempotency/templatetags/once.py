"""``{% once_token %}``: a hidden one-time token, so sending a create form twice creates one thing."""

import secrets

from django import template
from django.utils.html import format_html

from incidentdesk.idempotency.web import FIELD

register = template.Library()


@register.simple_tag
def once_token() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, secrets.token_urlsafe(18))
