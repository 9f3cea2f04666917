"""Drafts of notifications: write from the facts, edit (as new versions), export, mark as sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.documents.markdown import to_html
from incidentdesk.documents.services import FORMATS, draft_export
from incidentdesk.refusals import Refused
from incidentdesk.web import post_action, refuse_on_form, require, workspace_of

from . import drafts, services
from .forms import AcknowledgementForm, DraftAssignForm, EditDraftForm, NewDraftForm, SendForm
from .models import Notification, NotificationDraft


def _draft(request, reference: str, pk: int) -> NotificationDraft:
    """A draft of an incident this person may open, through the access policy (views, send and exports)."""
    incident = workspace_of(request, reference)
    draft = NotificationDraft.objects.visible_to(request.user).filter(incident=incident, pk=pk).first()
    if draft is None:
        raise Http404("No such draft.")
    return draft


@login_required
@require_POST
def new(request, reference: str):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    # The service checks kind, language and obligation, so that the page, the API and the CLI refuse alike.
    try:
        draft = services.create_draft(incident=incident, kind=request.POST.get("kind", ""),
                                      rule_id=request.POST.get("rule_id", "").strip(),
                                      language=request.POST.get("language", ""), by=request.user)
    except services.DraftRefused as exc:  # an unknown kind, language or obligation: a bad request, said so
        reason = str(exc)
        return render(request, "notifications/refused.html",
                      {"incident": incident, "reason": reason[:1].upper() + reason[1:]}, status=exc.status)
    except Refused as exc:  # e.g. a closed incident: its page says so
        messages.error(request, f"Nothing was saved. {exc}")
        return redirect("incident-workspace", incident.reference)
    return redirect("draft", incident.reference, draft.pk)


@login_required
def draft_page(request, reference: str, pk: int):
    draft = _draft(request, reference, pk)
    form = EditDraftForm(request.POST or None, initial={"subject": draft.subject, "body": draft.body})
    if request.method == "POST":
        require(request, Capability.EDIT)
        if form.is_valid():
            try:
                new = services.edit_draft(draft=draft, by=request.user, **form.cleaned_data)
            except Refused as exc:  # a sent draft, or a closed incident
                refuse_on_form(form, exc)
            else:
                messages.success(request, f"Saved as version {new.version}.")
                return redirect("draft", reference, new.pk)
    versions = NotificationDraft.objects.visible_to(request.user).filter(incident=draft.incident, kind=draft.kind,
                                                                        rule_id=draft.rule_id)
    obligation = draft.incident.obligations.filter(rule_id=draft.rule_id).first() if draft.rule_id else None
    send_form = SendForm(initial={"recipient": _recipient(obligation),
                                  "sent_at": timezone.localtime().replace(second=0, microsecond=0)})
    last_sent = draft.last_sent()
    return render(request, "notifications/draft.html", {
        "draft": draft, "incident": draft.incident, "form": form, "send_form": send_form, "versions": versions,
        "preview": to_html(draft.body), "latest": versions.order_by("-version").first(),
        "fill_markers": drafts.fill_markers(draft.body), "last_sent": last_sent,
        "changes": drafts.changes(last_sent.body, draft.body) if last_sent else [],
        "language_form": NewDraftForm(initial={"kind": draft.kind, "rule_id": draft.rule_id,
                                               "language": draft.language})},
        status=400 if form.errors else 200)


def _recipient(obligation) -> str:
    """Who to put on the form: the organisation's own authority where the profile names it."""
    from incidentdesk.organisation.models import Organisation

    if obligation is None:
        return ""
    org = Organisation.objects.filter(pk=1).first()
    if obligation.rule_id == "GDPR-33-1-SA" and org and org.supervisory_authority:
        return org.supervisory_authority
    # Art 73 reports, the provider's (AIA-73-*) and the deployer's own when the provider cannot be reached
    # (AIA-26-5-DEPLOYER-73-*), go to the market surveillance authority.
    if obligation.regime == "ai_act" and "-73" in obligation.rule_id and org and org.ai_act_authority:
        return org.ai_act_authority
    return obligation.recipient


@login_required
def export(request, reference: str, pk: int, fmt: str):
    draft = _draft(request, reference, pk)
    if fmt not in FORMATS:
        raise Http404("Export as pdf or docx.")
    response = HttpResponse(draft_export(draft=draft, fmt=fmt, by=request.user, via="web"), content_type=FORMATS[fmt])
    response["Content-Disposition"] = (f'attachment; filename="{draft.incident.reference}-{draft.kind}'
                                       f'-v{draft.version}.{fmt}"')
    return response


@login_required
@require_POST
def send(request, reference: str, pk: int):
    draft = _draft(request, reference, pk)
    require(request, Capability.EDIT)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            services.send_draft(draft=draft, by=request.user, **form.cleaned_data)
        except (services.DraftRefused, ValueError) as exc:
            messages.error(request, f"Nothing was recorded. {exc}")
            return redirect("draft", reference, pk)
        messages.success(request, "Recorded as sent; the obligation is done.")
        return redirect("incident-workspace", draft.incident.reference)
    messages.error(request, "Nothing was recorded. " + " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("draft", reference, pk)


@login_required
@require_POST
def acknowledge(request, reference: str, pk: int):
    """Record the recipient's acknowledgement of a notification (the provider's, for AI Act Art 26(5))."""
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    notification = Notification.objects.visible_to(request.user).filter(incident=incident, pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    form = AcknowledgementForm(request.POST, prefix=f"ack{pk}")
    if not form.is_valid():
        messages.error(request, "Nothing was recorded. " + " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("incident-workspace", reference)
    try:
        services.record_acknowledgement(notification=notification, by=request.user, **form.cleaned_data)
    except Refused as exc:
        messages.error(request, f"Nothing was recorded. {exc}")
    else:
        messages.success(request, f"Recorded: {notification.recipient} acknowledged the notification.")
    return redirect("incident-workspace", reference)


@login_required
@require_POST
def assign(request, reference: str, pk: int):
    def act(incident, data):
        services.assign_review(draft=_draft(request, reference, pk), assignee=data["assignee"],
                               due_at=data["due_at"], by=request.user)

    return post_action(request, reference, Capability.EDIT, DraftAssignForm, act, "Assignment saved.")
