"""Shared web plumbing for every app's views: role checks, the one way to fetch an incident, small forms.

Views stay thin: they parse a form, call a service and report. Who may see an incident is decided
by the access policy (``Incident.objects.visible_to``), never here; a refusal from any service is a
``Refused`` and is shown to the person beside the form, with nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.incidents.models import Incident
from incidentdesk.procedure.references import readable
from incidentdesk.refusals import Refused


def require(request: HttpRequest, capability: Capability) -> None:
    """403 unless the person's role grants ``capability``."""
    if not can(request.user, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability.value.replace('_', ' ')}).")


def visible(request: HttpRequest, reference: str) -> Incident:
    """The incident if this person may see it; 404 otherwise, so a restricted incident's existence stays private."""
    incident = Incident.objects.visible_to(request.user).filter(reference=reference.strip().upper()).first()
    if incident is None:
        raise Http404(f"No incident {reference} that you can see.")
    return incident


def workspace_of(request: HttpRequest, reference: str) -> Incident:
    """An incident whose workspace this person may open: reporters follow their reports elsewhere (status only)."""
    require(request, Capability.VIEW_WORKSPACE)
    return visible(request, reference)


def refuse_on_form(form: Any, exc: Exception) -> None:
    """Put a service's refusal next to its field; otherwise at the top of the form.

    The field is the one the refusal names (``exc.field``), or the text before ": " when it is a field's name or
    its label (the facts' errors name a fact by its vocabulary label, as the form's label does).
    """
    text = readable(str(exc))  # "seed §6 step 3" in words
    named = str(getattr(exc, "field", "") or "").replace(".", "__")
    if named in form.fields:
        form.add_error(named, text)
        return
    field, sep, message = text.partition(": ")
    by_label = {str(f.label): name for name, f in form.fields.items() if f.label}
    field = field.replace(".", "__")
    if sep and field in form.fields:
        form.add_error(field, message)
    elif sep and field in by_label:
        form.add_error(by_label[field], message)
    else:
        form.add_error(None, text)


def form_problems(form: Any) -> str:
    """A form's errors as one sentence, labelled with the field's label (not its name)."""
    return "; ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
                     for f, e in form.errors.items())


def post_action(request: HttpRequest, reference: str, capability: Capability, form_class: type,
                act: Callable[[Incident, dict[str, Any]], Any], done: str) -> HttpResponse:
    """Shared shape of the workspace's small forms: check, parse, call the service, report.

    A refusal from the service is shown as a message and nothing is stored. A form carrying a one-time
    token (``{% once_token %}``) that was already sent does nothing again (``idempotency.web``).
    """
    return submitted_once(_post_action)(request, reference, capability, form_class, act, done)


def _post_action(request: HttpRequest, reference: str, capability: Capability, form_class: type,
                 act: Callable[[Incident, dict[str, Any]], Any], done: str) -> HttpResponse:
    incident = workspace_of(request, reference)
    require(request, capability)
    form = form_class(request.POST, request.FILES or None) if request.FILES else form_class(request.POST)
    if form.is_valid():
        try:
            act(incident, form.cleaned_data)
        except Refused as exc:
            text = readable(str(exc))
            messages.error(request, f"Nothing was saved. {text[:1].upper()}{text[1:]}")
        else:
            messages.success(request, done)
    else:
        messages.error(request, f"Nothing was saved. {form_problems(form)}")
    return redirect("incident-workspace", incident.reference)
