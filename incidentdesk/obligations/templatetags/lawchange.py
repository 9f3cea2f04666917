"""``{% law_change_banner %}``: on the dashboard, tell those who may re-evaluate that the rule files changed."""

from django import template

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.obligations import lawchange

register = template.Library()

#: Above this many pending incidents the banner counts them without working out each one's changes.
DETAIL_LIMIT = 100


@register.inclusion_tag("obligations/_law_change_banner.html", takes_context=True)
def law_change_banner(context) -> dict:
    """Nothing unless the person may re-evaluate and an open incident they may see is pending a law change."""
    user = context["request"].user
    if not can(user, Capability.CLASSIFY):
        return {"pending": 0}
    pending = lawchange.pending_count(user)
    if not pending or pending > DETAIL_LIMIT:
        return {"pending": pending}
    preview = lawchange.preview(user)
    return {"pending": pending, "would_change": len(preview.would_change), "changed_on": preview.changed_on,
            "detailed": True}


@register.inclusion_tag("obligations/_law_change_note.html", takes_context=True)
def law_change_note(context, incident) -> dict:
    """In the workspace's clocks: this open incident's clocks were computed with earlier rule versions."""
    user = context["request"].user
    pending = lawchange.is_pending(incident)  # the workspace already decided that this person may see it
    return {"pending": pending, "reference": incident.reference, "may_apply": can(user, Capability.CLASSIFY)}
