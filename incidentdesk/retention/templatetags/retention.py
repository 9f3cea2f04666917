"""``{% load retention %}{% legal_hold_badge incident %}``: the legal hold shown wherever an incident appears
(register row, workspace header, report), from one include so every place says the same."""

from django import template
from django.utils import timezone

from incidentdesk.retention import services

register = template.Library()


@register.inclusion_tag("retention/_hold_badge.html")
def legal_hold_badge(incident):
    return {"hold": services.active_hold(incident, timezone.now()) if incident is not None else None}
