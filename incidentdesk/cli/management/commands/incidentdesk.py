"""``incidentdesk …``: the command line. Every sub-command is thin and calls the same services as the web app."""

from __future__ import annotations

import json
import os
import sys
from contextvars import ContextVar
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_typer.management import TyperCommand, command, group, initialize

from incidentdesk.accounts import services as people
from incidentdesk.accounts import tokens
from incidentdesk.accounts.models import Role
from incidentdesk.accounts.permissions import Capability, can, role_of
from incidentdesk.assessment import assess as assess_facts
from incidentdesk.assessment import vocabulary
from incidentdesk.assessment.facts import IncidentFacts
from incidentdesk.assessment.rulebook import RuleFileError, default_rulebook
from incidentdesk.assignment import person_named
from incidentdesk.audit import checkpoints as audit_checkpoints
from incidentdesk.audit import services as audit
from incidentdesk.audit.keys import KeyProblem
from incidentdesk.breaches import services as breaches
from incidentdesk.cli import demo as demo_data
from incidentdesk.cli import documents as document_words
from incidentdesk.cli.output import LEVEL_NAMES, countdown, incident_detail, incident_summary, law_change_text, local
from incidentdesk.cli.parsing import parse_assignments, parse_day, parse_time, tri
from incidentdesk.cli.people import assign_owner, assign_task
from incidentdesk.containment.services import contain
from incidentdesk.documents.services import FORMATS, report_export
from incidentdesk.governance import services as governance
from incidentdesk.governance.models import DocumentKind
from incidentdesk.incidents import exports as register_export
from incidentdesk.incidents import lifecycle, savedviews, section8
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.facts import explain
from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.register import filter_register, next_deadlines
from incidentdesk.linking import services as linking
from incidentdesk.mywork.services import my_work as my_work_of
from incidentdesk.notifications import services as notifications
from incidentdesk.obligations import lawchange as law_change
from incidentdesk.obligations import services as obligations
from incidentdesk.obligations.store import open_clocks
from incidentdesk.organisation import services as organisation
from incidentdesk.organisation.models import Organisation
from incidentdesk.procedure.references import readable
from incidentdesk.refusals import Forbidden, Refused
from incidentdesk.times import local as zoned

Json = Annotated[bool, typer.Option("--json", help="Machine-readable output")]

#: ``incidentdesk --as USER …`` for this run; otherwise the environment variable below.
ACTING_AS: ContextVar[str | None] = ContextVar("incidentdesk_acting_as", default=None)
USER_VARIABLE = "INCIDENTDESK_USER"
DOCUMENT_KINDS = ", ".join(DocumentKind.values)


def reader():
    """The person reading, if one is named (``--as`` or ``INCIDENTDESK_USER``): reads then follow the one access
    policy, as in the web app (a restricted incident stays hidden from someone not named on it).

    With no one named, the command is the server's operator, who holds the database itself, and reads the
    whole register (as ``psql`` would); the README says so.
    """
    if not (ACTING_AS.get() or os.environ.get(USER_VARIABLE, "")).strip():
        return None
    return operator(Capability.VIEW_WORKSPACE)


def _readable(user=None):
    return Incident.objects.visible_to(user) if user is not None else Incident.objects.all()


def operator(capability: Capability | str = Capability.EDIT):
    """The person at the keyboard, who must be allowed ``capability``: every change is made by a named person.

    The person is ``--as USER`` (before the command) or ``INCIDENTDESK_USER``. No person, an unknown or
    inactive one, or a role that does not allow the change is a refusal: the command stops before storing
    anything. Only ``init`` and ``person add`` before anyone can sign in, ``demo`` and ``remind`` act as
    the system.
    """
    username = (ACTING_AS.get() or os.environ.get(USER_VARIABLE, "")).strip()
    if not username:
        raise Forbidden("Say who you are: put --as USERNAME before the command (incidentdesk --as ana record …) "
                        f"or set {USER_VARIABLE}. Changes are never made anonymously; nothing was stored.")
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise Forbidden(f"{username!r} is not an active person who can sign in (see: incidentdesk person list); "
                        "nothing was stored.")
    if not can(user, capability):
        raise Forbidden(f"{username} is {role_of(user)}, a role that does not allow this "
                        f"({Capability(capability).value.replace('_', ' ')}); nothing was stored.")
    return user


def nobody_can_sign_in() -> bool:
    """True on a fresh install: the first profile and the first administrator are set up by the system."""
    return not get_user_model().objects.filter(is_active=True).exists()


class Command(TyperCommand):
    help = "IncidentDesk: record, classify and report AI incidents. Run a sub-command with --help for details."

    @initialize(invoke_without_command=False)
    def main(
        self,
        as_user: Annotated[str | None, typer.Option(
            "--as", metavar="USER", help=f"Act as this person (default: ${USER_VARIABLE}); changes name them")] = None,
    ):
        """Who is acting: ``incidentdesk --as ana record …``."""
        ACTING_AS.set(as_user)

    def execute(self, *args, **options):
        """The one place a service's refusal becomes a message and exit code 1 (nothing was stored)."""
        try:
            return super().execute(*args, **options)
        except Refused as exc:
            raise CommandError(str(exc), returncode=1) from exc

    def emit(self, data, as_json: bool, text: str) -> None:
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) if as_json else text)

    @command()
    def init(
        self,
        name: Annotated[str, typer.Option(prompt="Organisation name")],
        country: Annotated[str, typer.Option(prompt="Country (ISO code, e.g. BE)")],
        time_zone: Annotated[str, typer.Option(prompt="Time zone (e.g. Europe/Brussels)")],
        supervisory_authority: Annotated[str, typer.Option(help="GDPR supervisory authority")] = "",
        ai_act_role: Annotated[str, typer.Option(help="provider, deployer, both or none")] = "deployer",
        gdpr_role: Annotated[str, typer.Option(help="controller, processor or both")] = "controller",
        nis2: Annotated[bool, typer.Option(help="NIS2 essential or important entity")] = False,
        dora: Annotated[bool, typer.Option(help="DORA financial entity")] = False,
        sb53: Annotated[bool, typer.Option(help="Frontier developer under California SB 53")] = False,
        raise_act: Annotated[bool, typer.Option("--raise/--no-raise", help="Frontier developer, NY RAISE")] = False,
        gpai_systemic: Annotated[bool, typer.Option(help="Provider of a GPAI model with systemic risk")] = False,
        retention_years: Annotated[int, typer.Option(help="Register retention in years (seed §8: at least 5)")] = 5,
        retention_reason: Annotated[str, typer.Option(help="Why, if retention is under 5 years (required then)")] = "",
    ):
        """Create the database and the organisation profile (run once; run again, --as an administrator, to change it).

        Before anyone can sign in, the system sets the profile up; afterwards only a person whose role may
        manage the organisation changes it.
        """
        call_command("migrate", verbosity=0)
        by = None if nobody_can_sign_in() else operator(Capability.MANAGE_ORGANISATION)
        org = organisation.save_profile(
            by=by, name=name, country=country, time_zone=time_zone,
            supervisory_authority=supervisory_authority, ai_act_role=ai_act_role, gdpr_role=gdpr_role,
            nis2_entity=nis2, dora_financial_entity=dora, sb53_frontier_developer=sb53,
            raise_frontier_developer=raise_act, gpai_systemic_risk_provider=gpai_systemic,
            retention_years=retention_years, retention_reason=retention_reason)
        self.stdout.write(f"Organisation profile saved: {org.name} ({org.country}, {org.time_zone}). "
                          "Create a login with: incidentdesk createsuperuser")

    @command()
    def demo(self):
        """Load demo data: the seed procedure's examples and well-known public AI incidents."""
        call_command("migrate", verbosity=0)
        created, username, password = demo_data.load()
        self.stdout.write(f"Demo data: {created} incident(s) added." if created else "Demo data already loaded.")
        self.stdout.write(f"Demo login: {username} / {password}  (administrator)")
        self.stdout.write("Other roles, same password: " + ", ".join(f"{name} ({role.label.split(' (')[0].lower()})"
                                                                   for name, role in demo_data.PEOPLE))

    @command()
    def record(
        self,
        title: Annotated[str | None, typer.Option(help="What happened, in a few words")] = None,
        description: Annotated[str | None, typer.Option(help="What happened")] = None,
        detected_at: Annotated[str, typer.Option(help="When detected (ISO; organisation time if no offset)")] = "now",
        occurred_at: Annotated[str | None, typer.Option(help="When it happened, if different")] = None,
        aware_at: Annotated[str | None, typer.Option(help="When awareness (GDPR/AI Act) was reached")] = None,
        tool: Annotated[list[str] | None, typer.Option(help="AI tool involved (repeatable)")] = None,
        category: Annotated[list[str] | None, typer.Option(help="Category (repeatable), see docs/facts.md")] = None,
        source: Annotated[str, typer.Option(help="Detection source")] = "own_observation",
        personal_data: Annotated[str | None, typer.Option(help="yes, no or unknown")] = None,
        published: Annotated[str | None, typer.Option(help="Published externally? yes, no or unknown")] = None,
        facts_file: Annotated[Path | None, typer.Option("--facts", help="JSON file with more facts")] = None,
        as_json: Json = False,
    ):
        """Record an incident (step 1: detect and record). Prompts for what is missing when run interactively."""
        by = operator(Capability.RECORD)
        interactive = sys.stdin.isatty()
        if title is None:
            title = typer.prompt("What happened (title)") if interactive else ""
        if description is None:
            description = typer.prompt("Describe it", default=title) if interactive else title
        if personal_data is None and interactive:
            personal_data = typer.prompt(f"{vocabulary.label('personal_data.involved')} (yes/no/unknown)",
                                         default="unknown")
        if published is None and interactive:
            published = typer.prompt(f"{vocabulary.label('published_externally')} (yes/no/unknown)",
                                     default="unknown")
        facts = json.loads(facts_file.read_text()) if facts_file else {}
        facts.setdefault("personal_data", {})
        if personal_data is not None:
            facts["personal_data"]["involved"] = tri(personal_data, field="personal_data")
        if published is not None:
            facts["published_externally"] = tri(published, field="published")
        incident = incidents.record_incident(
            title=title or "", description=description or "", by=by, detection_source=source,
            detected_at=parse_time(detected_at, field="detected_at"),
            occurred_at=parse_time(occurred_at, field="occurred_at"),
            aware_at=parse_time(aware_at, field="aware_at"), tools=tool or [], categories=category or [],
            facts=facts)
        due = next_deadlines([incident.pk]).get(incident.pk)
        self.emit(incident_summary(incident, due), as_json,
                  f"Recorded {incident.reference}: level {incident.severity_level} "
                  f"({LEVEL_NAMES[incident.severity_level]}, provisional). Next deadline: {local(due)}.\n"
                  f"See the clocks with: incidentdesk show {incident.reference}")

    @command(name="list")
    def list_incidents(
        self,
        status: Annotated[str | None, typer.Option()] = None,
        severity: Annotated[int | None, typer.Option(help="Minimum level")] = None,
        search: Annotated[str | None, typer.Option("--search", "-q")] = None,
        limit: Annotated[int, typer.Option()] = 50,
        as_json: Json = False,
    ):
        """List the register, newest first."""
        rows = list(filter_register(_readable(reader()).prefetch_related("tools"),
                                    {"status": status, "severity_min": severity, "q": search})[:limit])
        due = next_deadlines([i.pk for i in rows])
        data = [incident_summary(i, due.get(i.pk)) for i in rows]
        lines = [f"{i.reference}  L{i.severity_level}{'?' if i.provisional else ' '} {i.status:<13} "
                 f"{local(i.detected_at)}  next: {local(due.get(i.pk)):<32} {i.title}" for i in rows]
        self.emit(data, as_json, "\n".join(lines) or "The register is empty.")

    @command()
    def register(
        self,
        view: Annotated[str | None, typer.Option(help="A saved view by name, e.g. \"My open incidents\"")] = None,
        owner: Annotated[str | None, typer.Option(help="A username, me or nobody")] = None,
        tool: Annotated[str | None, typer.Option(help="Part of a tool's name")] = None,
        tag: Annotated[str | None, typer.Option()] = None,
        status: Annotated[str | None, typer.Option(help="open, or a status")] = None,
        limit: Annotated[int, typer.Option()] = 50,
        as_json: Json = False,
    ):
        """The register as the web shows it to you, through a saved view and/or filters (needs --as)."""
        by = operator(Capability.VIEW_REGISTER)
        params = dict(savedviews.find(by, view).params) if view else {}
        params |= {k: v for k, v in {"owner": owner, "tool": tool, "tag": tag, "status": status}.items() if v}
        rows = list(filter_register(Incident.objects.visible_to(by).prefetch_related("tools"), params, user=by)
                    [:limit])
        due = next_deadlines([i.pk for i in rows], by)
        lines = [f"{i.reference}  L{i.severity_level}{'?' if i.provisional else ' '} {i.status:<13} "
                 f"{local(i.detected_at)}  next: {local(due.get(i.pk)):<32} {i.title}" for i in rows]
        heading = f"{view}: " if view else ""
        self.emit([incident_summary(i, due.get(i.pk)) for i in rows], as_json,
                  "\n".join(lines) or f"{heading}no incidents match.")

    @command()
    def views(self, as_json: Json = False):
        """The register views you have: built-in, your own, and those shared with everyone (needs --as)."""
        by = operator(Capability.VIEW_REGISTER)
        found = savedviews.views_for(by)
        self.emit([{"name": v.name, "filters": v.params, "shared": v.shared, "built_in": v.built_in} for v in found],
                  as_json, "\n".join(f"{v.name}{' (shared)' if v.shared else ''}: "
                                     f"{', '.join(f'{k}={x}' for k, x in v.params.items())}" for v in found))

    @command()
    def tag(self, reference: str, name: str,
            remove: Annotated[bool, typer.Option("--remove", help="Remove the tag instead")] = False):
        """Tag an incident (or remove a tag with --remove)."""
        by = operator(Capability.EDIT)
        incident = self._get(reference, by)
        if remove:
            done = linking.remove_tag(incident=incident, name=name, by=by)
            self.stdout.write(f"Removed the tag from {incident.reference}." if done else
                              f"{incident.reference} had no such tag; nothing changed.")
        else:
            linking.add_tag(incident=incident, name=name, by=by)
            self.stdout.write(f"Tagged {incident.reference}.")

    @command()
    def link(self, reference: str, other: str,
             kind: Annotated[str, typer.Option(help="duplicate (of the other) or related")] = "related",
             remove: Annotated[bool, typer.Option("--remove", help="Remove the link instead")] = False):
        """Link an incident to another: a duplicate of it, or related to it (shown on both)."""
        by = operator(Capability.EDIT)
        incident, target = self._get(reference, by), self._get(other, by)
        if remove:
            done = linking.unlink(source=incident, target=target, by=by)
            self.stdout.write("Link removed." if done else "They were not linked; nothing changed.")
        else:
            linking.link(source=incident, target=target, kind=kind, by=by)
            self.stdout.write(f"Linked {incident.reference} to {target.reference}.")

    @command()
    def merge(self, duplicate: str, into: str,
              reason: Annotated[str, typer.Option(help="Why they are the same incident")] = ""):
        """Merge a duplicate into another incident: it is closed, points there, and nothing is deleted."""
        by = operator(Capability.CLASSIFY)
        source, target = self._get(duplicate, by), self._get(into, by)
        linking.merge(duplicate=source, into=target, reason=reason, by=by)
        self.stdout.write(f"Merged {source.reference} into {target.reference}; {source.reference} is closed "
                          "and its open clocks were settled with that reason.")

    @command()
    def show(self, reference: str, as_json: Json = False):
        """Show one incident: facts, severity with reasons, obligations and history."""
        incident = self._get(reference, reader())
        data = incident_detail(incident)
        now = timezone.now()
        lines = [f"{incident.reference} — {incident.title}", f"Status: {incident.status}",
                 f"Detected: {local(incident.detected_at)}",
                 f"Severity: level {incident.severity_level} ({LEVEL_NAMES[incident.severity_level]})"
                 + (" provisional" if incident.provisional else f", classified {local(incident.classified_at)}")]
        lines += [f"  - {r}" for r in incident.severity_reasons]
        from incidentdesk.retention.services import active_hold

        hold = active_hold(incident, now)
        data["legal_hold"] = None if hold is None else {"reason": hold.reason, "until": hold.until,
                                                        "placed_by": hold.placed_by_name}
        if hold is not None:
            kept = f"until {hold.until}" if hold.until else "until released"
            lines.append(f"Legal hold: {hold.reason} (kept {kept}; placed by {hold.placed_by_name}); "
                         "it cannot be deleted")
        lines.append("Obligations:")
        order = {"overdue": 0, "pending": 1, "may_apply": 2, "done": 3, "not_required": 4}
        rows = sorted(incident.obligations.select_related("snapshot"),
                      key=lambda o: (order[o.shown_status(now)], o.due_at or now))
        for o in rows:
            shown = o.shown_status(now)
            when = ""
            if shown in ("pending", "overdue", "may_apply"):
                when = f" — due {local(o.due_at)} ({self._when(o, now)})" if o.due_at else f" — {o.deadline}"
            lines.append(f"  [{shown}] {o.rule_id}: {o.action} — {o.citation}{when}")
            if o.deadline.startswith("immediately") and shown in ("pending", "overdue", "may_apply"):
                lines.append(f"      the law: {o.deadline}, with no number of hours; once the duty has started the due "
                             "time is our internal target, not the law; legal latest: "
                             + (local(o.legal_latest_at) if o.legal_latest_at else "none beyond 'immediately'"))
            if o.our_reading and shown != "not_required":
                lines.append(f"      our reading: {o.our_reading}")
            if shown in ("not_required", "may_apply"):
                lines.append(f"      why: {o.reasons[-1] if shown == 'not_required' else o.reasons[0]}")
        derived = section8.texts(incident)  # seed §8 texts, written from the step records
        for label, key in (("Actions taken", "actions_taken"), ("Root-cause analysis outcome", "rca_outcome"),
                           ("Changes to policy, inventory or procedure", "resulting_changes")):
            lines.append(f"{label}:")
            lines += [f"  {line}" for line in derived[key].splitlines()] or ["  none yet"]
        self.emit(data, as_json, "\n".join(lines))

    @command()
    def update(
        self,
        reference: str,
        set_: Annotated[list[str], typer.Option("--set", help="name=value, e.g. harm.death=false (repeatable)")],
        as_json: Json = False,
    ):
        """Change facts or fields; severity and obligations are recomputed and the change is logged."""
        by = operator(Capability.EDIT)
        incident = self._get(reference, by)
        incidents.update_incident(incident=incident, by=by, changes=parse_assignments(set_))
        self.emit(incident_summary(incident), as_json,
                  f"Updated {incident.reference}: level {incident.severity_level}.")

    @command()
    def classify(
        self,
        reference: str,
        level: Annotated[int, typer.Option(help="1 Minor, 2 Moderate, 3 Major, 4 Serious")],
        reason: Annotated[str, typer.Option(help="Written reasoning (required)")],
        as_json: Json = False,
    ):
        """Record the definitive classification (seed §6 step 3), or escalate / downgrade with a reason."""
        by = operator(Capability.CLASSIFY)
        incident = self._get(reference, by)
        incidents.classify(incident=incident, level=level, reasoning=reason, by=by)
        self.emit(incident_summary(incident), as_json,
                  f"{incident.reference} classified at level {level} ({LEVEL_NAMES[level]}).")

    @command()
    def decide(
        self,
        reference: str,
        notify: Annotated[bool, typer.Option("--notify/--no-notify", help="Notify the supervisory authority")],
        communicate: Annotated[bool, typer.Option("--communicate/--no-communicate", help="Tell data subjects")],
        reason: Annotated[str, typer.Option(help="Written reasons (required)")],
    ):
        """Record a person's GDPR Art 33/34 decision beside the recommendation."""
        by = operator(Capability.CLASSIFY)
        incident = self._get(reference, by)
        breaches.decide_breach(incident=incident, notify_authority=notify, communicate_subjects=communicate,
                               reasons=reason, by=by)
        self.stdout.write(f"Decision recorded for {incident.reference}.")

    @command()
    def action(
        self,
        reference: str,
        description: Annotated[str, typer.Option(help="What was done (required for --kind other)")] = "",
        kind: Annotated[str, typer.Option(help="stop_operation, revoke_access, correct_content, isolate_data, "
                                               "preserve_evidence, rollback_model, redirect_traffic, fallback, "
                                               "isolate_system, disable_feature, contact_provider, other")] = "other",
        result: Annotated[str, typer.Option(help="effective (harm stopped), partial, not_effective, pending")
                          ] = "pending",
        taken_by: Annotated[str | None, typer.Option(help="Who did it (default: the person recording it)")] = None,
        at: Annotated[str, typer.Option(help="When (ISO)")] = "now",
    ):
        """Record a containment action (step 2): what was done, by whom, when and with what result."""
        by = operator(Capability.EDIT)
        incident = self._get(reference, by)
        contain(incident=incident, kind=kind, description=description, result=result,
                taken_at=parse_time(at, field="at"), taken_by=taken_by or audit.actor_name(by), by=by)
        self.stdout.write(f"Containment action recorded for {incident.reference}.")

    @command()
    def notify(
        self,
        reference: str,
        recipient: Annotated[str, typer.Option(help="To whom")],
        obligation: Annotated[str | None, typer.Option(help="Rule id this notification answers")] = None,
        channel: Annotated[str, typer.Option(help="email, portal, phone, letter, meeting, other")] = "email",
        sent_at: Annotated[str, typer.Option(help="When sent (ISO)")] = "now",
        ref: Annotated[str, typer.Option("--reference", help="Reference returned by the recipient")] = "",
    ):
        """Record a notification sent; if it answers an obligation, that obligation is done."""
        by = operator(Capability.EDIT)
        incident = self._get(reference, by)
        notifications.record_notification(incident=incident, recipient=recipient, rule_id=obligation,
                                          channel=channel, sent_at=parse_time(sent_at, field="sent_at"),
                                          reference=ref, by=by)
        self.stdout.write(f"Notification recorded for {incident.reference}.")

    @command()
    def acknowledge(
        self,
        reference: str,
        how: Annotated[str, typer.Option(help="Who confirmed, and how (e.g. 'email from the provider, ticket 44')")],
        obligation: Annotated[str, typer.Option(help="The obligation the notification met")] = (
            "AIA-26-5-INFORM-PROVIDER"),
        at: Annotated[str, typer.Option(help="When the recipient confirmed (ISO)")] = "now",
    ):
        """Record the recipient's acknowledgement of a notification (AI Act Art 26(5): the provider's)."""
        by = operator(Capability.EDIT)
        incident = self._get(reference, by)
        notification = notifications.notification_for(incident, obligation)
        notifications.record_acknowledgement(notification=notification, at=parse_time(at, field="at"), how=how,
                                             by=by)
        self.stdout.write(f"Acknowledgement by {notification.recipient} recorded for {incident.reference}.")

    @command()
    def settle(
        self,
        reference: str,
        rule_id: Annotated[str, typer.Argument(help="The obligation's rule id, e.g. PROC-4-L2-CORRECT")],
        reason: Annotated[str, typer.Option(help="Why it is settled, e.g. 'not applicable because …' (required)")],
        at: Annotated[str, typer.Option(help="When it was settled (ISO; organisation time without an offset)")] = "now",
    ):
        """Settle an obligation by hand with a reason (it counts as done; the reason goes to the audit log)."""
        by = operator(Capability.CLASSIFY)
        incident = self._get(reference, by)
        obligation = obligations.obligation_of(incident, rule_id)
        obligations.settle(obligation=obligation, reason=reason, at=parse_time(at, field="at"), by=by)
        self.stdout.write(f"{obligation.rule_id} settled by hand for {incident.reference}: {obligation.settled_reason}")

    @command()
    def status(
        self,
        reference: str,
        to: Annotated[str, typer.Option(help="contained, classified, notified, investigating, resolved, closed")],
        reason: Annotated[str, typer.Option(help="Required to reopen")] = "",
    ):
        """Move an incident through its lifecycle; a refusal lists what is missing."""
        by = operator(Capability.EDIT)
        incident = self._get(reference, by)
        lifecycle.transition(incident=incident, to=to, by=by, reason=reason)
        self.stdout.write(f"{incident.reference} is now {incident.status}.")

    @command()
    def report(
        self,
        reference: str,
        output: Annotated[Path, typer.Option(help="File to write: .pdf or .docx")],
    ):
        """Write the incident report for an auditor (facts, clocks, notifications, RCA, actions, evidence hashes)."""
        by = operator(Capability.EXPORT)
        incident = self._get(reference, by)
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError("--output must end in .pdf or .docx")
        # The same service as the web and the API: the same text, times in the organisation's zone, one audit event.
        output.write_bytes(report_export(incident=incident, fmt=fmt, by=by, via="cli"))
        self.stderr.write(f"Wrote {output}.")

    @command(name="management-review")
    def management_review(
        self,
        first: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD; default: a year ago)")] = None,
        last: Annotated[str | None, typer.Option("--to", help="Last day, included (YYYY-MM-DD; today)")] = None,
        format_: Annotated[str, typer.Option("--format", help="pdf or docx")] = "pdf",
        output: Annotated[Path, typer.Option("--output", "-o", help="File to write")] = ...,
    ):
        """Write the management review pack (ISO/IEC 42001 clause 9.3) for a period, as the acting person sees it."""
        from incidentdesk.reviews import services as reviews

        by = operator(Capability.EXPORT)
        period = reviews.period(parse_day(first, "--from"), parse_day(last, "--to"))
        output.write_bytes(reviews.export(user=by, period=period, fmt=format_, via="cli"))
        self.stderr.write(f"Wrote {output}: the management review for {period.words()}.")

    @command()
    def reevaluate(
        self,
        references: Annotated[list[str] | None, typer.Argument(
            help="Incidents to re-evaluate (with --preview: only these are shown)")] = None,
        preview: Annotated[bool, typer.Option(
            "--preview", help="Show which open incidents' clocks the current rule files would change; store nothing")
        ] = False,
        apply: Annotated[bool, typer.Option(
            "--apply", help="Apply the current rule files to the incidents named, or to every pending one")] = False,
        as_json: Json = False,
    ):
        """A law change: preview what the edited rule files would change (--preview), then apply it (--apply)."""
        if preview and apply:
            raise CommandError("Choose --preview (look first) or --apply (change), not both")
        if preview:
            person = operator(Capability.CLASSIFY) if reader() is not None else None
            shown = law_change.preview(person)
            if references:
                wanted = {r.strip().upper() for r in references}
                shown.incidents = [i for i in shown.incidents if i.reference in wanted]
            self.emit(shown.as_dict(), as_json, law_change_text(shown))
            return
        if not (apply or references):
            raise CommandError("Name the incidents to re-evaluate, or use --preview to see what the current rule "
                               "files would change and --apply to apply them to every pending incident")
        by = operator(Capability.CLASSIFY)
        done = law_change.apply(by=by, references=references or None)
        if not done:
            self.stdout.write("No open incident is pending a law change; nothing was changed.")
            return
        self.emit({"reevaluated": done, "rule_versions": default_rulebook().versions()}, as_json,
                  f"Re-evaluated {', '.join(done)} with the current rule files (each change is in the audit log). "
                  "Where a rule file changed, the procedure's legal sections are to be reviewed: see the change log.")

    @command()
    def clocks(
        self,
        within: Annotated[int | None, typer.Option(help="Only clocks due within this many hours")] = None,
        as_json: Json = False,
    ):
        """What is due, soonest first (overdue first)."""
        now = timezone.now()
        clocks = open_clocks(now, timedelta(hours=within) if within is not None else None)
        if (person := reader()) is not None:
            clocks = clocks.filter(incident__in=_readable(person))
        rows = list(clocks[:500])
        data = [{"incident": o.incident.reference, "rule_id": o.rule_id, "action": o.action,
                 "citation": o.citation, "due_at": o.due_at.isoformat(), "status": o.shown_status(now),
                 "legal_latest": o.legal_latest_at.isoformat() if o.legal_latest_at else None} for o in rows]
        lines = [f"{local(o.due_at)}  {self._when(o, now):<26} {o.incident.reference}  {o.rule_id}: "
                 f"{o.action} ({o.citation})" for o in rows]
        self.emit(data, as_json, "\n".join(lines) or "No open clocks.")

    @command()
    def assess(
        self,
        facts_file: Annotated[Path, typer.Argument(help="JSON facts, see docs/facts.md")],
        now: Annotated[str | None, typer.Option(help="Evaluate as of this time (ISO, default: now)")] = None,
        as_json: Json = False,
    ):
        """What-if: assess one incident's facts and store nothing."""
        try:
            raw = facts_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {facts_file}: {exc.strerror}") from exc
        try:
            facts = IncidentFacts.model_validate_json(raw)
            at = parse_time(now, field="now") or timezone.now()
            facts.check_not_future(at)
        except ValueError as exc:
            detail = explain(exc) if hasattr(exc, "errors") else str(exc)
            raise CommandError(f"{facts_file}: {detail}") from exc
        try:
            result = assess_facts(facts, now=at)
        except RuleFileError as exc:
            raise CommandError(str(exc)) from exc
        s = result.severity
        lines = [f"Severity: level {s.level} ({s.name})"] + [f"  - {readable(r)}" for r in s.reasons]
        lines.append("Obligations:")
        for o in result.obligations:
            lines.append(f"  [{o.status}] {o.rule_id}: {o.action} — {readable(o.citation)}"
                         + (f" — due {local(o.due_at)}" if o.due_at else "")
                         + (" (our internal target, not the law)" if o.target_is_internal else "")
                         + (f"; legal latest {local(o.legal_latest)}"
                            if o.duty and o.legal_latest else ""))
        g = result.gdpr
        lines.append(f"GDPR: {g.reasons[0]}" + (" (provisional: the worst case while facts are missing)"
                                                  if g.provisional else ""))
        lines += [f"  - {r}" for r in g.reasons[1:]]
        if g.score is not None:
            lines.append(f"  ENISA score (an input, not the decision): {g.score} ({g.band})")
        unknown = vocabulary.describe_all(result.unknown, [tool.name for tool in facts.tools])
        lines.append("Still unknown: " + ("; ".join(unknown) if unknown else "nothing"))
        self.emit(result.as_dict(), as_json, "\n".join(lines))

    @command()
    def assign(
        self,
        reference: str,
        owner: Annotated[str | None, typer.Option(
            help="Make this person the incident's owner (username or full name; '-' for no one)")] = None,
        task: Annotated[str | None, typer.Option(
            help="The task to (re)assign: containment, clock, action, lesson or draft")] = None,
        key: Annotated[str | None, typer.Option(
            "--id", help="Which one: its number (a clock: its rule id, e.g. GDPR-33-1-SA)")] = None,
        to: Annotated[str | None, typer.Option(help="Who does it (username or full name; '-' for no one)")] = None,
        due: Annotated[str | None, typer.Option(
            help="By when (ISO; organisation time without an offset). A clock's due time is the law's")] = None,
    ):
        """Give an incident to its owner (--owner), or a task to a person (--task … --id … --to …)."""
        if (owner is None) == (task is None):
            raise CommandError("say either --owner NAME, or --task KIND --id ID --to NAME")
        if owner is not None:
            by = operator(Capability.CLASSIFY)
            incident = self._get(reference, by)
            self.stdout.write(assign_owner(incident=incident, person=_named(owner), by=by))
            return
        if not key or to is None:
            raise CommandError("a task needs --id (which one) and --to (who; '-' for no one)")
        by = operator(Capability.EDIT)
        incident = self._get(reference, by)
        when = parse_time(due, field="due") if due else None
        self.stdout.write(assign_task(incident=incident, task=task, key=key, person=_named(to), by=by, due=when,
                                      due_on=timezone.localtime(when).date() if when else None))

    @command(name="my-work")
    def my_work(self, as_json: Json = False):
        """What is mine to do across incidents: tasks (overdue first) and the incidents I own."""
        by = operator(Capability.VIEW_WORKSPACE)
        mine = my_work_of(by, timezone.now())

        def line(item) -> str:
            due = f"{local(item.due_at)}, {countdown(item.due_at, mine.now)}" if item.due_at else "no due time"
            return f"  {item.incident_ref}  {item.kind}: {item.title}  [{due}]"

        text = "\n".join(["Assigned to me:", *([line(i) for i in mine.tasks] or ["  nothing"]),
                          "Incidents I own:", *([line(i) for i in mine.owned] or ["  none"])])
        data = {"tasks": [_work_json(i, mine) for i in mine.tasks], "owned": [_work_json(i, mine) for i in mine.owned]}
        self.emit(data, as_json, text)

    @command()
    def schema(self):
        """Print the JSON Schema of the facts that ``assess`` reads (docs/facts.md)."""
        self.stdout.write(json.dumps(IncidentFacts.model_json_schema(), indent=2, ensure_ascii=False))

    @group(help="People and their roles (administrator, incident_manager, responder, viewer, auditor, reporter)")
    def person(self):
        pass

    @person.command(name="add")
    def person_add(
        self,
        username: Annotated[str, typer.Argument()],
        role: Annotated[str, typer.Option(help="One of: " + ", ".join(Role.values))],
        email: Annotated[str, typer.Option()] = "",
        password: Annotated[str | None, typer.Option(help="Asked for when not given")] = None,
    ):
        """Add a login with a role (--as an administrator; the very first administrator is added by the system)."""
        fresh = nobody_can_sign_in()
        if fresh and role != Role.ADMINISTRATOR:
            raise CommandError("Nobody can sign in yet: the first person must be an administrator "
                               "(--role administrator), who then adds the others.")
        by = None if fresh else operator(Capability.MANAGE_ORGANISATION)
        password = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            validate_password(password)
            people.add_person(username=username, password=password, role=role, email=email, by=by)
        except ValidationError as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"Added {username} as {role}.")

    @person.command(name="role")
    def person_role(self, username: Annotated[str, typer.Argument()], role: Annotated[str, typer.Argument()]):
        """Change a person's role (logged; --as an administrator)."""
        by = operator(Capability.MANAGE_ORGANISATION)
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no person {username!r}")
        people.set_role(user=user, role=role, by=by)
        self.stdout.write(f"{username} is now {role}.")

    @person.command(name="list")
    def person_list(self, as_json: Json = False):
        """Everyone who can sign in, with their role."""
        rows = [{"username": u.get_username(), "role": role_of(u), "active": u.is_active}
                for u in get_user_model().objects.order_by("username")]
        self.emit(rows, as_json, "\n".join(f"{r['username']:<20} {r['role']}" for r in rows) or "Nobody yet.")

    @group(help="Retention (seed §8): incidents past the retention period, legal holds, two-person deletion")
    def retention(self):
        pass

    @retention.command(name="list")
    def retention_list(self, as_json: Json = False):
        """Closed incidents past the retention period, with any legal hold or proposed deletion."""
        from incidentdesk.retention import services as keep

        rows = []
        for incident in keep.past_retention().filter(pk__in=_readable(reader()).values("pk")):
            hold, proposal = keep.active_hold(incident), keep.open_proposal(incident)
            rows.append({"reference": incident.reference, "detected_at": incident.detected_at,
                         "title": incident.title, "legal_hold": hold.reason if hold else None,
                         "proposed_by": proposal.proposed_by_name if proposal else None})
        text = "\n".join(f"{r['reference']}  {local(r['detected_at'])}  {r['title']}"
                         + (f"  [legal hold: {r['legal_hold']}]" if r["legal_hold"] else "")
                         + (f"  [deletion proposed by {r['proposed_by']}]" if r["proposed_by"] else "") for r in rows)
        self.emit(rows, as_json, (text + f"\n{len(rows)} incident(s) past retention; delete one with "
                                  "'retention propose' and, by another administrator, 'retention confirm'.")
                  if rows else "No closed incident is past the retention period.")

    @retention.command(name="propose")
    def retention_propose(
        self, reference: Annotated[str, typer.Argument(help="The incident, e.g. INC-2020-001")],
        reason: Annotated[str, typer.Option(help="Why (recorded in the audit log)")] = "Retention period ended",
    ):
        """Propose deleting an incident past the retention period; another administrator confirms it."""
        from incidentdesk.retention import services as keep

        by = operator(Capability.RETAIN)
        keep.propose_deletion(incident=self._get(reference, by), reason=reason, by=by)
        self.stdout.write(f"Deletion of {reference.upper()} proposed; another administrator confirms it with: "
                          f"incidentdesk --as THEM retention confirm {reference.upper()}")

    @retention.command(name="confirm")
    def retention_confirm(
        self, reference: Annotated[str, typer.Argument(help="The incident whose deletion another person proposed")],
        yes: Annotated[bool, typer.Option("--yes", help="Do not ask to confirm")] = False,
    ):
        """Confirm a deletion another person proposed (an administrator): the incident and its evidence files go."""
        from incidentdesk.retention import services as keep

        by = operator(Capability.MANAGE_ORGANISATION)
        incident = self._get(reference, by)
        if not yes and not typer.confirm(f"Delete {incident.reference} and its evidence files?"):
            raise CommandError("nothing deleted")
        keep.confirm_deletion(incident=incident, by=by)
        self.stdout.write(f"Deleted {incident.reference}; the audit log records the deletion and its evidence hashes.")

    @retention.command(name="withdraw")
    def retention_withdraw(self, reference: Annotated[str, typer.Argument(help="The incident")]):
        """Withdraw a proposed deletion."""
        from incidentdesk.retention import services as keep

        by = operator(Capability.RETAIN)
        keep.withdraw_deletion(incident=self._get(reference, by), by=by)
        self.stdout.write(f"Proposed deletion of {reference.upper()} withdrawn.")

    @retention.command(name="hold")
    def retention_hold(
        self, reference: Annotated[str, typer.Argument(help="The incident")],
        reason: Annotated[str, typer.Option(help="The claim, statutory obligation or investigation (required)")],
        until: Annotated[str | None, typer.Option(help="Keep at least until this day (YYYY-MM-DD)")] = None,
    ):
        """Place a legal hold: the incident cannot be deleted while it is in force."""
        from datetime import date

        from incidentdesk.retention import services as keep

        by = operator(Capability.RETAIN)
        try:
            day = date.fromisoformat(until) if until else None
        except ValueError as exc:
            raise CommandError(f"--until: {until!r} is not a day such as 2031-12-31; nothing was stored") from exc
        hold = keep.place_hold(incident=self._get(reference, by), reason=reason, until=day, by=by)
        self.stdout.write(f"Legal hold {hold.pk} placed on {hold.incident.reference}"
                          + (f" until {hold.until}." if hold.until else " until released."))

    @retention.command(name="release")
    def retention_release(
        self, reference: Annotated[str, typer.Argument(help="The incident")],
        reason: Annotated[str, typer.Option(help="Why the incident no longer needs to be kept (required)")],
    ):
        """Release the legal hold in force on an incident."""
        from incidentdesk.retention import services as keep

        by = operator(Capability.RETAIN)
        incident = self._get(reference, by)
        hold = keep.active_hold(incident)
        if hold is None:
            raise CommandError(f"{incident.reference} has no legal hold in force; nothing was changed")
        keep.release_hold(hold=hold, reason=reason, by=by)
        self.stdout.write(f"Legal hold on {incident.reference} released.")

    @command()
    def redact(
        self, reference: Annotated[str, typer.Argument(help="The incident")],
        passage: Annotated[str, typer.Option(help="The exact words to redact (case ignored)")],
        reason: Annotated[str, typer.Option(help="Why (e.g. not necessary for handling the incident)")],
    ):
        """Replace a passage (a name, an address) by [redacted] in every free text of an incident; the original
        is kept only as a SHA-256 in the audit log."""
        from incidentdesk.retention import redaction

        by = operator(Capability.RETAIN)
        done = redaction.redact(incident=self._get(reference, by), passage=passage, reason=reason, by=by)
        for item in done:
            self.stdout.write(f"{item.kind}: {item.label}: {item.occurrences} occurrence(s) redacted")

    @command(name="subject-access")
    def subject_access(
        self, person: Annotated[str, typer.Argument(help="A name or an e-mail address")], as_json: Json = False,
    ):
        """Every incident whose texts mention a person (GDPR Art 15); the search is recorded in the audit log."""
        from incidentdesk.retention import subjects

        by = operator(Capability.RETAIN)
        rows = [{"reference": m.incident.reference, "title": m.incident.title, "places": m.places}
                for m in subjects.search(term=person, by=by)]
        self.emit(rows, as_json, "\n".join(f"{r['reference']}  {r['title']}  ({'; '.join(r['places'])})"
                                           for r in rows) or "No incident mentions this person.")

    @group(help="Briefings and training (procedure §9): who is not briefed, record a briefing, record tool access")
    def briefing(self):
        pass

    @briefing.command(name="list")
    def briefing_list(self, as_json: Json = False):
        """Who has access to a tool that requires a briefing without the current procedure version's."""
        from incidentdesk.briefings import services as briefings

        rows = [u.__dict__ for u in briefings.unbriefed(zoned(timezone.now()).date())]
        version = briefings.current_version()
        self.emit({"current_version": version, "unbriefed": rows}, as_json, "\n".join(
            f"{r['name']}  ({', '.join(r['tools'])}; last briefed on {r['last_version'] or 'nothing yet'})"
            for r in rows) or f"Everyone with access to a tool that requires it is briefed on version {version}.")

    @briefing.command(name="record")
    def briefing_record(
        self, person: Annotated[str, typer.Argument(help="Who was briefed or trained")],
        given_by: Annotated[str, typer.Option(help="Who gave it")],
        given_on: Annotated[str, typer.Option(help="When (YYYY-MM-DD)")] = "today",
        email: Annotated[str, typer.Option(help="Their e-mail address")] = "",
        training: Annotated[str, typer.Option(help="A training on this subject (default: the procedure briefing)")]
        = "",
        version: Annotated[str, typer.Option(help="Procedure version (default: the current one)")] = "",
    ):
        """Record a briefing on the incident procedure, or with --training a training."""
        from datetime import date

        from incidentdesk.briefings import services as briefings

        by = operator(Capability.MANAGE_INVENTORY)
        try:
            day = zoned(timezone.now()).date() if given_on == "today" else date.fromisoformat(given_on)
        except ValueError as exc:
            raise CommandError(f"--given-on: {given_on!r} is not a day such as 2026-11-20; nothing was stored") from exc
        made = briefings.record_briefing(person_name=person, person_email=email, given_on=day, given_by=given_by,
                                         kind="training" if training else "procedure", subject=training,
                                         procedure_version=version, by=by)
        self.stdout.write(f"Recorded: {made}.")

    @briefing.command(name="access")
    def briefing_access(
        self, person: Annotated[str, typer.Argument(help="Who has access")],
        tool: Annotated[str, typer.Option(help="The AI tool's name, as in the inventory")],
        since: Annotated[str, typer.Option(help="Since when (YYYY-MM-DD)")] = "today",
        email: Annotated[str, typer.Option(help="Their e-mail address")] = "",
    ):
        """Record that a person (staff, contractor, successor) has access to a tool."""
        from datetime import date

        from incidentdesk.briefings import services as briefings
        from incidentdesk.inventory.models import AITool

        by = operator(Capability.MANAGE_INVENTORY)
        found = AITool.objects.filter(name__iexact=tool.strip()).first()
        if found is None:
            raise CommandError(f"--tool: no tool {tool!r} in the inventory; nothing was stored")
        try:
            day = zoned(timezone.now()).date() if since == "today" else date.fromisoformat(since)
        except ValueError as exc:
            raise CommandError(f"--since: {since!r} is not a day such as 2026-11-20; nothing was stored") from exc
        briefings.grant_access(tool=found, person_name=person, person_email=email, since=day, by=by)
        self.stdout.write(f"{person} has access to {found.name} since {day}.")

    @command()
    def remind(
        self,
        loop: Annotated[int, typer.Option(help="Repeat every this many seconds (0: one pass)")] = 0,
    ):
        """Plan reminders (50%, 80%, due, overdue escalation, yearly reviews), claim due ones, enqueue them.

        Each pass also puts back in the queue the tasks a worker that died left running (older than
        INCIDENTDESK_TASK_TIMEOUT_SECONDS) and forgets idempotency keys older than 24 hours. Runs as the system.
        """
        import time as clock

        from incidentdesk.idempotency.services import purge
        from incidentdesk.reminders.runner import tick

        while True:
            claimed = tick()
            purge()
            self._anchor_audit_log()
            self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {claimed} reminder(s) handed to the worker.")
            if not loop:
                return
            clock.sleep(loop)

    def _anchor_audit_log(self) -> None:
        """Each scheduler pass checkpoints the audit chain's head outside the database (only if it moved).

        A folder that cannot be written is reported, not fatal: reminders must keep going out.
        """
        try:
            audit.head_checkpoint()
        except OSError as exc:
            self.stderr.write(f"Could not write the audit checkpoint in {audit_checkpoints.folder()}: {exc.strerror}.")

    @group(help="Personal API tokens (shown once, stored hashed)")
    def token(self):
        pass

    @token.command(name="create")
    def token_create(
        self,
        username: Annotated[str, typer.Argument()],
        name: Annotated[str, typer.Option(help="What it is for")],
        scope: Annotated[list[str], typer.Option(help="read, write or intake; repeat for several")],
    ):
        """Create a token for a person; it is printed once (--as that person, or as an administrator)."""
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no person {username!r}")
        by = operator(Capability.VIEW_REGISTER if _same(user) else Capability.MANAGE_ORGANISATION)
        _, text = tokens.create_token(user=user, name=name, scopes=scope, by=by)
        self.stdout.write(text)
        self.stderr.write("Copy it now: it is stored hashed and will not be shown again.")

    @group(help="The audit trail: verify it, checkpoint its head outside the database, rotate its key")
    def audit(self):
        pass

    @audit.command()
    def verify(
        self,
        as_json: Json = False,
        checkpoint: Annotated[list[Path] | None, typer.Option(
            help="Also check this checkpoint file (e.g. an auditor's copy); repeat for several")] = None,
        expect: Annotated[list[str] | None, typer.Option(
            metavar="EVENT:FINGERPRINT", help="Also check the fingerprint an incident report printed for an event, "
            "e.g. 1234:3f9a1c2b7d0e11aa (spaces allowed)")] = None,
    ):
        """Verify the chain and every checkpoint (the folder's and any given); name the first bad event and why."""
        try:
            result = audit.verify(checkpoint_files=checkpoint or (), expected=[_fingerprint(e) for e in expect or ()])
        except KeyProblem as exc:
            raise CommandError(str(exc)) from exc
        latest = result.latest
        data = {"ok": result.ok, "events": result.events, "first_broken": result.first_broken,
                "problem": result.problem, "other_problems": result.notes, "checkpoints": result.checkpoints,
                "latest_checkpoint": json.loads(latest.line()) if latest else None,
                "seconds": round(result.seconds, 3)}
        if as_json:
            self.stdout.write(json.dumps(data))
        elif result.ok:
            against = (f"; it matches {result.checkpoints} checkpoint(s), the latest of event #{latest.seq} made "
                       f"{latest.at}" if latest else "; there is no checkpoint to compare it with yet")
            self.stdout.write(f"Audit chain intact: {result.events} events verified in {result.seconds:.2f} s"
                              f"{against}.")
        if not result.ok:
            where = f" at event #{result.first_broken}" if result.first_broken else ""
            others = "".join(f"\n- {note}" for note in result.notes)
            raise CommandError(f"Audit chain broken{where}: {result.problem}"
                               + (f"\nAlso found:{others}" if others else ""))

    @audit.command(name="checkpoint")
    def audit_checkpoint(self):
        """Write a signed checkpoint of the chain's head to the checkpoint folder and print it (copy it elsewhere)."""
        try:
            made = audit.head_checkpoint()
        except KeyProblem as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(made.line())
        self.stderr.write(f"Checkpoint of event #{made.seq} (fingerprint {made.fingerprint}) kept in "
                          f"{audit_checkpoints.folder() / audit_checkpoints.FILE_NAME}.")

    @audit.command(name="rotate-key")
    def rotate_key(self):
        """Make a new audit key that signs from now on; old keys stay in the ring to verify (an administrator)."""
        by = operator(Capability.MANAGE_ORGANISATION)
        try:
            old, new = audit.rotate_key(by=by)
        except KeyProblem as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"The audit key {new} signs new events from now on; {old} stays in the key ring to verify "
                          f"earlier events. Copy the key ring to where you keep its backup.")

    @command()
    def export(
        self,
        format_: Annotated[str, typer.Option("--format", help="csv, json or xlsx")] = "csv",
        output: Annotated[Path | None, typer.Option(help="File to write (default: standard output)")] = None,
        pseudonymised: Annotated[bool, typer.Option(
            "--pseudonymised", help="Names, e-mail addresses and phone numbers replaced by pseudonyms "
            "(for readers outside the organisation)")] = False,
    ):
        """Export the whole register with the fields of seed procedure §8."""
        from incidentdesk.retention.pseudonyms import Pseudonymiser

        if format_ not in ("csv", "json", "xlsx"):
            raise CommandError("--format: choose csv, json or xlsx")
        by = reader()
        cells = Pseudonymiser() if pseudonymised else register_export.unchanged
        filters = {"pseudonymised": "yes"} if pseudonymised else {}
        if format_ == "xlsx":
            if not output:
                raise CommandError("--format xlsx needs --output FILE (a workbook is not text)")
            with output.open("wb") as binary:
                count = register_export.write_xlsx(binary, _readable(by).order_by("year", "number"), cells=cells)
            register_export.record_export(by=by, fmt=format_, rows=count, filters=filters, via="cli")
            self.stderr.write(f"Exported {count} incident(s) to {output}.")
            return
        stream = output.open("w", encoding="utf-8", newline="") if output else self.stdout
        try:
            count = register_export.write(stream, format_, _readable(by).order_by("year", "number"), cells=cells)
        finally:
            if output:
                stream.close()
        register_export.record_export(by=by, fmt=format_, rows=count, filters=filters, via="cli")
        if output:
            self.stderr.write(f"Exported {count} incident(s) to {output}.")

    @command()
    def routing(
        self,
        reference: Annotated[str, typer.Argument(help="The incident, e.g. INC-2026-001")],
        action: Annotated[str | None, typer.Argument(help="acknowledge: record that TEAM acknowledged")] = None,
        team: Annotated[str | None, typer.Argument(help="privacy, it_security, legal_team, hr, management")] = None,
        note: Annotated[str, typer.Option(help="How the team acknowledged (by phone, who)")] = "",
        as_json: Json = False,
    ):
        """Who inside was told (playbook step 3); with 'acknowledge TEAM', record the team's acknowledgement."""
        from incidentdesk.routing import panel as routing_panel
        from incidentdesk.routing import services as routing
        from incidentdesk.routing.models import AckChannel, Notice
        from incidentdesk.routing.text import lines

        by = reader() if action is None else operator(Capability.EDIT)
        incident = self._get(reference, by)
        if action is not None:
            if action != "acknowledge" or not team:
                raise CommandError("Say: incidentdesk routing INC-… acknowledge TEAM (e.g. privacy, hr)")
            notice = Notice.objects.visible_to(by).filter(incident=incident, team=team).first()
            if notice is None:
                raise Refused(f"{team}: that team was not told of {incident.reference}; nothing was stored.")
            routing.acknowledge(notice=notice, by=by, via=AckChannel.CLI, note=note)
        now = timezone.now()
        rows = routing_panel.rows(incident, by, now)
        data = [{"team": r.team, "state": r.state, "reason": r.reason, "because": r.because,
                 "steps": [{"to": s.recipient_name, "sent_at": s.sent_at, "ack_due_at": s.ack_due_at}
                           for s in (r.notice.steps.all() if r.notice else [])],
                 "acknowledged_at": r.notice.acknowledged_at if r.notice else None} for r in rows]
        self.emit(data, as_json, "\n".join(lines(incident.reference, rows, now)))

    @command()
    def readiness(
        self,
        as_json: Json = False,
        fail_under: Annotated[int, typer.Option(help="Exit with code 2 when the score is below this (0-100), for "
                                                      "monitoring; 0 (the default): always exit 0")] = 0,
    ):
        """Are we ready? The readiness score and each gap with where to fix it (the same as /readiness/)."""
        from django.conf import settings as django_settings

        from incidentdesk.preparedness.readiness import assess

        result = assess()
        lines = [f"Readiness: {result.score}% ({len(result.gaps)} gap(s) of {len(result.items)} items)"]
        lines += [f"  {'ready' if i.ready else 'GAP  '}  {i.title}: {i.detail}"
                  + (f" → {django_settings.BASE_URL}{i.fix_url}" if i.fix_url and not i.ready else "")
                  for i in result.items]
        self.emit(result.as_json(), as_json, "\n".join(lines))
        if result.score < fail_under:
            raise CommandError(f"readiness {result.score}% is below {fail_under}%", returncode=2)

    @command(name="backup-done")
    def backup_done(
        self,
        at: Annotated[str, typer.Option(help="When the backup was taken, ISO 8601 with offset (default: now)")] = "",
        note: Annotated[str, typer.Option(help="Where it went, or which tool made it")] = "",
    ):
        """Record that a backup of the database and the evidence was made (run it from the backup job)."""
        from incidentdesk.preparedness import services as preparedness

        taken_at = parse_time(at, field="--at") or timezone.now()
        row = preparedness.record_backup(taken_at=taken_at, note=note, by=reader())
        self.stdout.write(f"Backup of {local(row.taken_at)} recorded.")

    @group(help="Tabletop exercises: start one from a scenario, reveal its injects, end it")
    def exercise(self):
        pass

    @exercise.command(name="start")
    def exercise_start(self, scenario: Annotated[str, typer.Argument(help="A scenario key (exercise scenarios)")]):
        """Start an exercise (--as an incident manager or administrator): its incident is flagged EXERCISE."""
        from incidentdesk.preparedness import services as preparedness

        row = preparedness.start(scenario=scenario, by=operator(Capability.CLASSIFY))
        self.stdout.write(f"Exercise started as {row.incident.reference}: {row.title}.")

    @exercise.command(name="scenarios")
    def exercise_scenarios(self, as_json: Json = False):
        """The scenario library."""
        from incidentdesk.preparedness.scenarios import library

        rows = [{"key": s.key, "level": s.level, "title": s.title, "injects": [i.key for i in s.injects]}
                for s in library().values()]
        self.emit(rows, as_json, "\n".join(f"{r['key']:<22} level {r['level']}  {r['title']}" for r in rows))

    @exercise.command(name="reveal")
    def exercise_reveal(self, reference: Annotated[str, typer.Argument()],
                        inject: Annotated[str, typer.Argument(help="The inject's key")]):
        """Reveal an inject: its facts change, and the clocks and severity with them."""
        from incidentdesk.preparedness import services as preparedness

        by = operator(Capability.CLASSIFY)
        row = preparedness.reveal(exercise=preparedness.exercise_of(self._get(reference, by)), inject=inject, by=by)
        self.stdout.write(f"Revealed {row.inject} at {local(row.revealed_at)}.")

    @exercise.command(name="end")
    def exercise_end(self, reference: Annotated[str, typer.Argument()]):
        """End the exercise: it then counts as the yearly tabletop."""
        from incidentdesk.preparedness import services as preparedness

        by = operator(Capability.CLASSIFY)
        preparedness.end(exercise=preparedness.exercise_of(self._get(reference, by)), by=by)
        self.stdout.write(f"Exercise {reference.upper()} ended; it counts as this year's tabletop.")

    @staticmethod
    def _when(obligation, now) -> str:
        if obligation.status == "may_apply":
            return f"may apply; if so {countdown(obligation.due_at, now)}"
        return countdown(obligation.due_at, now)

    @group(help="Governance documents: the policy, the procedure, the usage policy and the tool inventory")
    def documents(self):
        pass

    @documents.command(name="list")
    def documents_list(self, as_json: Json = False):
        """The document register: the version in force, the one being written, proposed new drafts."""
        operator(Capability.VIEW_REGISTER)
        data, text = document_words.listing()
        self.emit(data, as_json, text)

    @documents.command(name="show")
    def documents_show(self, kind: Annotated[str, typer.Argument(help=DOCUMENT_KINDS)],
                       number: Annotated[int | None, typer.Option(
                           "--version-number", help="Version number (default: in force)")] = None,
                       as_json: Json = False):
        """A version with its document-control block (seed §1) and its text."""
        operator(Capability.VIEW_REGISTER)
        data, text = document_words.show(kind, number)
        self.emit(data, as_json, text)

    @documents.command(name="generate")
    def documents_generate(self, kind: Annotated[str, typer.Argument(help=DOCUMENT_KINDS)]):
        """Write the draft from what IncidentDesk knows (rule files, inventory, contacts, people)."""
        version = governance.generate_draft(kind, by=operator(Capability.MANAGE_DOCUMENTS))
        self.stdout.write(f"{version} is a draft: {version.change_notes}")

    @documents.command(name="diff")
    def documents_diff(self, kind: Annotated[str, typer.Argument(help=DOCUMENT_KINDS)],
                       number: Annotated[int, typer.Argument(help="Version number")], as_json: Json = False):
        """What a version changes against the version in force, section by section."""
        operator(Capability.VIEW_REGISTER)
        data, text = document_words.difference(kind, number)
        self.emit(data, as_json, text)

    @documents.command(name="submit")
    def documents_submit(self, kind: Annotated[str, typer.Argument(help=DOCUMENT_KINDS)],
                         number: Annotated[int, typer.Argument(help="Version number")]):
        """Send a draft for approval."""
        done = governance.submit(governance.version_of(kind, number), by=operator(Capability.MANAGE_DOCUMENTS))
        self.stdout.write(f"{done} is in review.")

    @documents.command(name="approve")
    def documents_approve(self, kind: Annotated[str, typer.Argument(help=DOCUMENT_KINDS)],
                          number: Annotated[int, typer.Argument(help="Version number")],
                          effective: Annotated[str | None, typer.Option(help="In force from (YYYY-MM-DD; today)")]
                          = None):
        """Approve a version in review; it comes into force on its effective date."""
        by = operator(Capability.MANAGE_DOCUMENTS)
        try:
            on = date.fromisoformat(effective) if effective else None
        except ValueError as exc:
            raise CommandError(f"--effective {effective!r}: give a date such as 2027-01-01") from exc
        done = governance.approve(governance.version_of(kind, number), by=by, effective_on=on)
        self.stdout.write(f"{done} approved: {done.get_status_display().lower()} from {done.effective_on}.")

    @documents.command(name="publish")
    def documents_publish(self, kind: Annotated[str, typer.Argument(help=DOCUMENT_KINDS)],
                          undo: Annotated[bool, typer.Option("--unpublish", help="Take it off")] = False):
        """Publish the approved document at its public address (or take it off with --unpublish)."""
        by = operator(Capability.MANAGE_DOCUMENTS)
        doc = governance.document(kind)
        if undo:
            governance.unpublish(doc, by=by)
            self.stdout.write(f"The {doc} is no longer public.")
            return
        governance.publish(doc, by=by)
        self.stdout.write(f"The {doc} is public at {settings.BASE_URL}/public/documents/{kind}/")

    @staticmethod
    def _get(reference: str, by=None) -> Incident:
        """The incident; for a change, only one the acting person may see (a restricted one stays private)."""
        incident = incidents.get_incident(reference)
        if by is not None and not Incident.objects.visible_to(by).filter(pk=incident.pk).exists():
            raise incidents.IncidentNotFound(f"no incident {reference!r} that {by.get_username()} can see")
        return incident


def _named(name: str):
    """A person named on the command line; '-' (or an empty name) is no one."""
    return None if name.strip() in ("", "-") else person_named(name)


def _work_json(item, mine) -> dict:
    return {"kind": item.kind, "title": item.title, "url": item.url, "due_at": item.due_at,
            "overdue": mine.overdue(item), "incident": item.incident_ref, "object_type": item.object_type,
            "object_id": str(item.object_id)}


def _fingerprint(text: str) -> tuple[int, str]:
    """``1234:3f9a 1c2b …`` (as an incident report prints it) as (event number, seal prefix)."""
    seq, _, seal = text.partition(":")
    seal = "".join(seal.split()).lower().rstrip("…")
    if not seq.strip().lstrip("#").isdigit() or len(seal) < 8 or any(c not in "0123456789abcdef" for c in seal):
        raise CommandError(f"--expect {text!r}: give the event number and at least 8 characters of its fingerprint, "
                           "e.g. 1234:3f9a1c2b7d0e11aa")
    return int(seq.strip().lstrip("#")), seal


def _same(user) -> bool:
    """True if ``user`` is the person named by --as or INCIDENTDESK_USER."""
    return user.get_username() == (ACTING_AS.get() or os.environ.get(USER_VARIABLE, "")).strip()


__all__ = ["Command", "Organisation"]
