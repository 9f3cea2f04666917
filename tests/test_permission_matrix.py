"""Every route, every role, two incidents: the permission matrix, checked against the whole URL configuration.

The test walks ``django.urls.get_resolver()`` (every pattern, recursively, by name) and the OpenAPI
document (every path × method), and fails for any route that is not in ``WEB`` or ``API`` below. Adding
a route means adding one line here, saying what each role gets.

Each row gives, for the roles in ``ROLES`` order (administrator, incident manager, responder, viewer,
auditor, reporter, anonymous), the expected outcome on an unrestricted incident and, where the route
names an incident (or a row of one), on a restricted incident the person is NOT named on:

- ``ok``: allowed (2xx or 3xx; for a POST sent without a valid form, anything but a refusal);
- ``403``: forbidden (the role may not do this);
- ``404``: hidden (the incident, or row, is not there for this person);
- ``401``: the API asks for a token; ``login``: a redirect to a sign-in page.

POST routes are sent an empty (or minimal) form: the test checks the permission outcome, not success.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("administrator", "incident_manager", "responder", "viewer", "auditor", "reporter", "anonymous")


@dataclass(frozen=True)
class Row:
    method: str
    unrestricted: str
    restricted: str | None = None  # None: the route names no incident, the same outcome applies
    data: dict | None = None


def row(method: str, unrestricted: str, restricted: str | None = None, data: dict | None = None) -> Row:
    return Row(method, unrestricted, restricted, data)


# Common shapes (roles in ROLES order).
ALL = "ok ok ok ok ok ok ok"
SIGNED_IN = "ok ok ok ok ok ok login"
READERS = "ok ok ok ok ok 403 login"           # view register / workspace: not the reporter
EDITORS = "ok ok ok 403 403 403 login"          # edit
MANAGERS = "ok ok 403 403 403 403 login"        # classify, restrict, inventory, contacts
HIDDEN = "404 404 404 404 404 403 login"        # restricted, not named: as if it did not exist (reporter: no workspace)
ADMIN = "login login login login login login login"  # the Django admin: staff only; these personas are not staff

WEB: dict[str, Row] = {
    "dashboard": row("get", SIGNED_IN),  # the reporter is redirected to its reports
    "dashboard-chart": row("get", "ok ok ok ok ok 404 login"),
    "login": row("get", ALL),
    "logout": row("post", ALL),
    "account": row("get", SIGNED_IN),
    "token-revoke": row("post", SIGNED_IN),
    "password-change": row("get", SIGNED_IN),  # one's own password; the change itself is tested in accounts
    "register": row("get", SIGNED_IN),
    "procedure": row("get", SIGNED_IN),
    "register-export": row("get", READERS),
    "register-view-save": row("post", READERS),
    "register-view-delete": row("post", READERS),
    "incident-record": row("get", "ok ok ok 403 403 ok login"),
    "incident-record-preview": row("post", "ok ok ok 403 403 ok login"),
    "incident-workspace": row("get", "ok ok ok ok ok 404 login", "404 404 404 404 404 404 login"),
    "incident-edit": row("get", EDITORS, HIDDEN),
    "incident-classify": row("post", MANAGERS, HIDDEN),
    "incident-decide": row("post", MANAGERS, HIDDEN),
    "incident-restrict": row("post", MANAGERS, HIDDEN),
    "incident-transition": row("post", EDITORS, HIDDEN),
    "incident-tag-add": row("post", EDITORS, HIDDEN),
    "incident-tag-remove": row("post", EDITORS, HIDDEN),
    "incident-link-add": row("post", EDITORS, HIDDEN),
    "incident-link-remove": row("post", EDITORS, HIDDEN),
    "incident-merge": row("post", MANAGERS, HIDDEN),
    "incident-report": row("get", READERS, HIDDEN),
    "incident-report-page": row("get", READERS, HIDDEN),
    "breach-register": row("get", READERS),  # every breach the person may see (restricted ones only if named)
    "breach-register-export": row("get", READERS),
    "breach-informed-add": row("post", EDITORS, HIDDEN),
    "containment-add": row("post", EDITORS, HIDDEN),
    # Issue 13, people and tasks: the owner is chosen by those who run incidents; tasks are (re)assigned by
    # those who edit; viewers and auditors read who does what, and change nothing.
    "incident-owner": row("post", MANAGERS, HIDDEN),
    "my-work": row("get", READERS),  # one's own tasks, through the access policy; the reporter has none
    "containment-assign": row("post", EDITORS, HIDDEN),
    "containment-result": row("post", EDITORS, HIDDEN),
    "obligation-assign": row("post", EDITORS, HIDDEN),
    "capa-assign": row("post", EDITORS, HIDDEN),
    "lesson-assign": row("post", EDITORS, HIDDEN),
    "draft-assign": row("post", EDITORS, HIDDEN),
    # Comments: written by those who work on incidents (not viewers, not auditors: an auditor examines the
    # record and must not become part of it); a mention is marked read by whoever it names.
    "comment-add": row("post", EDITORS, HIDDEN),
    "comment-edit": row("post", EDITORS, HIDDEN),  # the service then refuses anyone but the author, with a message
    "comment-read": row("post", READERS, HIDDEN),
    "evidence-upload": row("post", EDITORS, HIDDEN),
    "evidence-verify": row("post", READERS, HIDDEN),
    "evidence-download": row("get", READERS, HIDDEN),
    "draft-new": row("post", EDITORS, HIDDEN, data={"kind": "gdpr_33"}),
    "draft": row("get", READERS, HIDDEN),
    "draft-send": row("post", EDITORS, HIDDEN),
    "draft-export": row("get", READERS, HIDDEN),
    "notification-acknowledge": row("post", EDITORS, HIDDEN),
    "routing-acknowledge": row("post", EDITORS, HIDDEN),
    # Public: the signed, single-use link in a contact's e-mail is the credential; a link this server did not
    # sign (here: any other token) is not found for everyone, signed in or not.
    "routing-ack-link": row("get", "404 404 404 404 404 404 404"),
    "rca-save": row("post", EDITORS, HIDDEN),
    "capa-plan": row("post", EDITORS, HIDDEN),
    "capa-step": row("post", EDITORS, HIDDEN),
    "lesson-propose": row("post", EDITORS, HIDDEN),
    "lesson-decide": row("post", MANAGERS, HIDDEN),
    "obligation-settle": row("post", MANAGERS, HIDDEN),
    "law-change": row("get", MANAGERS),
    "law-change-apply": row("post", MANAGERS),
    "contacts": row("get", READERS),
    "contact-add": row("get", MANAGERS),
    "contact-edit": row("get", MANAGERS),
    "change-log": row("get", READERS),
    "triage": row("get", READERS),
    "triage-promote": row("post", EDITORS, "404 404 404 403 403 403 login"),
    "triage-dismiss": row("post", EDITORS, "404 404 404 403 403 403 login"),
    "triage-merge": row("post", EDITORS, "404 404 404 403 403 403 login"),
    "report": row("get", ALL),
    "report-follow": row("get", ALL),
    "calendar-feed": row("get", "ok ok ok ok ok ok 404"),  # the token is the credential; anonymous has none
    "calendar-new": row("post", SIGNED_IN),
    "calendar-remove": row("post", SIGNED_IN),
    "reminder-preferences": row("post", SIGNED_IN),
    "inventory": row("get", READERS),
    "tool-add": row("get", MANAGERS),
    "tool-detail": row("get", READERS),
    "tool-edit": row("get", MANAGERS),
    "organisation": row("get", READERS),
    "documents": row("get", READERS),
    "document": row("get", READERS),
    "document-version": row("get", READERS),
    "document-export": row("get", READERS),
    "document-generate": row("post", MANAGERS),
    "document-draft": row("post", MANAGERS),
    "document-settings": row("post", MANAGERS),
    "document-publish": row("post", MANAGERS),
    "document-edit": row("get", MANAGERS),
    "document-submit": row("post", MANAGERS),
    "document-return": row("post", MANAGERS),
    "document-approve": row("post", MANAGERS),
    "document-public": row("get", ALL),  # no sign-in: a published document is public
    "audit-log": row("get", "ok 403 403 403 ok 403 login"),
    "audit-checkpoint": row("get", "ok 403 403 403 ok 403 login"),
    "management-review": row("get", READERS),  # figures over what the person may see
    "management-review-export": row("get", READERS),
    "reviews": row("get", READERS),
    "review-no-change": row("post", MANAGERS),  # manage documents
    "retention": row("get", "ok ok 403 403 ok 403 login"),  # those who keep the register, and the auditor
    "legal-hold-place": row("post", MANAGERS, HIDDEN),
    "legal-hold-release": row("post", MANAGERS, HIDDEN),
    "deletion-propose": row("post", MANAGERS, HIDDEN),
    "deletion-confirm": row("post", "ok 403 403 403 403 403 login", HIDDEN),  # the second person: an administrator
    "deletion-withdraw": row("post", MANAGERS, HIDDEN),
    "incident-redact": row("get", MANAGERS, HIDDEN),
    "subject-access": row("get", MANAGERS),
    "subject-access-export": row("get", MANAGERS),
    "briefings": row("get", READERS),
    "briefing-record": row("post", MANAGERS),
    "tool-access-add": row("post", MANAGERS),
    "tool-access-end": row("post", MANAGERS),
    # Exercises and readiness (issue 15): running an exercise is for those who classify (decision 163).
    "exercises": row("get", READERS),
    "exercise-start": row("post", MANAGERS),
    "exercise-reveal": row("post", MANAGERS, HIDDEN),
    "exercise-end": row("post", MANAGERS, HIDDEN),
    "exercise-report-page": row("get", READERS, HIDDEN),
    "exercise-report": row("get", READERS, HIDDEN),
    "readiness": row("get", READERS),
    "readiness-test-reminder": row("post", READERS),
    # The API's own pages (its operations are in API below).
    "api:openapi-json": row("get", ALL),
    "api:openapi-view": row("get", ALL),
    "api:api-root": row("get", "404 404 404 404 404 404 404"),
    "api:no-such-path": row("get", "404 404 404 404 404 404 404"),  # any other path under /api/: a 404 problem
    # The Django admin.
    "admin:index": row("get", ADMIN),
    "admin:login": row("get", ALL),
    "admin:logout": row("post", ALL),
    "admin:password_change": row("get", ADMIN),
    "admin:password_change_done": row("get", ADMIN),
    "admin:autocomplete": row("get", ADMIN),
    "admin:jsi18n": row("get", ADMIN),
    "admin:view_on_site": row("get", ADMIN),
    "admin:app_list": row("get", ADMIN),
    "admin/(?P<url>.*)$": row("get", ADMIN),
}


def admin_model(label: str, restricted: bool = False) -> dict[str, Row]:
    """The five named admin pages of one model, plus its unnamed object URL (which redirects to the change page)."""
    app, model = label.split("_", 1) if not label.startswith("django_tasks") else ("django_tasks_database",
                                                                                  label.rsplit("_", 1)[1])
    r = ADMIN if restricted else None
    rows = {f"admin:{label}_{page}": row("get", ADMIN, r) for page in ("changelist", "add", "history", "change")}
    rows[f"admin:{label}_delete"] = row("post", ADMIN, r)
    rows[f"admin/{app}/{model}/<path:object_id>/"] = row("get", ADMIN, r)
    return rows


for _label in ("auth_group", "auth_user", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog",
               "organisation_organisation", "inventory_aitool", "intake_alertsource",
               "django_tasks_database_dbtaskresult"):
    WEB |= admin_model(_label)
for _label in ("audit_auditevent", "incidents_incident", "obligations_obligation"):
    WEB |= admin_model(_label, restricted=True)
WEB["admin:auth_user_password_change"] = row("get", ADMIN)

# The API, by OpenAPI operation: "METHOD /api/path". Tokens carry read, write and intake scopes.
API_ALL = "ok ok ok ok ok ok 401"
API_READERS = "ok ok ok ok ok 404 401"           # the reporter sees only its own reports
API_CHILDREN = "ok ok ok ok ok 404 401"          # what hangs off an incident: not for the reporter
API_EDITORS = "ok ok ok 403 403 404 401"
API_MANAGERS = "ok ok 403 403 403 404 401"
API_HIDDEN = "404 404 404 404 404 404 401"
API_STEP_READ = "ok ok ok ok ok 403 401"
API_STEP_EDIT = "ok ok ok 403 403 403 401"
API_STEP_MANAGE = "ok ok 403 403 403 403 401"
API_STEP_HIDDEN = "404 404 404 404 404 403 401"
CONTACT = {"kind": "management", "name": "Board", "last_verified_on": "2026-11-01"}
WHEN = "2026-11-20T09:00:00Z"
API: dict[str, Row] = {
    "GET /api/incidents": row("get", API_ALL),
    "POST /api/incidents": row("post", "ok ok ok 403 403 ok 401",
                               data={"title": "x", "description": "x", "detected_at": WHEN}),
    "GET /api/incidents/{reference}": row("get", API_READERS, API_HIDDEN),
    "PATCH /api/incidents/{reference}/facts": row("patch", API_EDITORS, API_HIDDEN,
                                                  data={"changes": {"affected_parties": "One client"}}),
    "POST /api/incidents/{reference}/classify": row("post", API_MANAGERS, API_HIDDEN,
                                                    data={"level": 2, "reasoning": "x"}),
    "POST /api/incidents/{reference}/transition": row("post", API_EDITORS, API_HIDDEN, data={"to": "contained"}),
    "GET /api/incidents/{reference}/obligations": row("get", API_CHILDREN, API_HIDDEN),
    "POST /api/incidents/{reference}/obligations/{rule_id}/settle": row("post", API_MANAGERS, API_HIDDEN,
                                                                        data={"reason": "x"}),
    "GET /api/incidents/{reference}/notifications": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/notifications": row("post", API_STEP_EDIT, API_STEP_HIDDEN,
                                                         data={"recipient": "x", "sent_at": WHEN}),
    "POST /api/incidents/{reference}/notifications/{notification_id}/acknowledgement": row(
        "post", API_STEP_EDIT, API_STEP_HIDDEN, data={"at": WHEN, "how": "x"}),
    # The workspace's steps (one router per app): capability first (403), then the incident (404).
    "GET /api/incidents/{reference}/containment": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "PUT /api/incidents/{reference}/owner": row("put", API_MANAGERS, API_HIDDEN, data={"owner": "m-owner"}),
    "GET /api/my-work": row("get", API_STEP_READ),
    "GET /api/incidents/{reference}/comments": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/comments": row("post", API_STEP_EDIT, API_STEP_HIDDEN, data={"body": "x"}),
    # only its author corrects a comment (the matrix's comment was written by someone else: 403 for everyone)
    "PUT /api/incidents/{reference}/comments/{comment_id}": row("put", "403 403 403 403 403 403 401", API_STEP_HIDDEN,
                                                                data={"body": "y"}),
    "POST /api/incidents/{reference}/comments/{comment_id}/read": row("post", API_STEP_READ, API_STEP_HIDDEN),
    "PUT /api/incidents/{reference}/containment/{containment_id}/assignee": row(
        "put", API_STEP_EDIT, API_STEP_HIDDEN, data={"assignee": "m-owner", "due_at": WHEN}),
    "PUT /api/incidents/{reference}/containment/{containment_id}/result": row(
        "put", API_STEP_EDIT, API_STEP_HIDDEN, data={"result": "partial"}),
    "PUT /api/incidents/{reference}/obligations/{rule_id}/assignee": row(
        "put", API_STEP_EDIT, API_STEP_HIDDEN, data={"assignee": "m-owner"}),
    "PUT /api/incidents/{reference}/corrective-actions/{action_id}/assignee": row(
        "put", API_STEP_EDIT, API_STEP_HIDDEN, data={"assignee": "m-owner"}),
    "PUT /api/incidents/{reference}/lessons/{lesson_id}/assignee": row(
        "put", API_STEP_EDIT, API_STEP_HIDDEN, data={"assignee": "m-owner"}),
    "PUT /api/incidents/{reference}/drafts/{draft_id}/assignee": row(
        "put", API_STEP_EDIT, API_STEP_HIDDEN, data={"assignee": "m-owner"}),
    "POST /api/incidents/{reference}/containment": row("post", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"kind": "other", "description": "x", "taken_at": WHEN, "taken_by": "x"}),
    "GET /api/incidents/{reference}/evidence": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/evidence": row("post", API_STEP_EDIT, API_STEP_HIDDEN),
    "GET /api/incidents/{reference}/evidence/{evidence_id}/file": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/evidence/verify": row("post", API_STEP_READ, API_STEP_HIDDEN),
    "GET /api/incidents/{reference}/gdpr-decision": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/gdpr-decision": row("post", API_STEP_MANAGE, API_STEP_HIDDEN,
        data={"notify_authority": False, "communicate_subjects": False, "reasons": "x"}),
    "GET /api/incidents/{reference}/subject-communications": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/subject-communications": row("post", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"recipients": "x", "channel": "email", "informed_at": WHEN, "informed_by": "x"}),
    "GET /api/breaches": row("get", API_STEP_READ),
    "GET /api/incidents/{reference}/drafts": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/drafts": row("post", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"kind": "gdpr_33"}),
    "GET /api/incidents/{reference}/drafts/{draft_id}": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "PUT /api/incidents/{reference}/drafts/{draft_id}": row("put", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"subject": "x", "body": "x"}),
    "POST /api/incidents/{reference}/drafts/{draft_id}/send": row("post", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"recipient": "x", "channel": "email", "sent_at": WHEN}),
    "GET /api/incidents/{reference}/drafts/{draft_id}/export/{fmt}": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "GET /api/incidents/{reference}/report/{fmt}": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "GET /api/incidents/{reference}/rca": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "PUT /api/incidents/{reference}/rca": row("put", API_STEP_EDIT, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/rca/complete": row("post", API_STEP_EDIT, API_STEP_HIDDEN),
    "GET /api/incidents/{reference}/corrective-actions": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/corrective-actions": row("post", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"description": "x", "assignee": "m-owner", "due_on": "2026-12-31"}),
    "POST /api/incidents/{reference}/corrective-actions/{action_id}/implemented": row(
        "post", API_STEP_EDIT, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/corrective-actions/{action_id}/verification": row(
        "post", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"effective": True, "result": "x"}),
    "POST /api/incidents/{reference}/corrective-actions/{action_id}/acceptance": row(
        "post", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"reason": "x"}),
    "GET /api/incidents/{reference}/lessons": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "GET /api/incidents/{reference}/routing": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/routing/{notice_id}/acknowledge": row("post", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"note": "x"}),
    "POST /api/incidents/{reference}/lessons": row("post", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"target": "policy", "text": "x"}),
    "POST /api/incidents/{reference}/lessons/{lesson_id}/decision": row("post", API_STEP_MANAGE, API_STEP_HIDDEN,
        data={"accept": False, "reason": "x"}),
    "GET /api/changes": row("get", API_STEP_READ),
    "GET /api/contacts": row("get", API_STEP_READ),
    "POST /api/contacts": row("post", API_STEP_MANAGE,
        data=CONTACT),
    "PUT /api/contacts/{contact_id}": row("put", API_STEP_MANAGE,
        data=CONTACT),
    "POST /api/contacts/{contact_id}/verified": row("post", API_STEP_MANAGE),
    "GET /api/inventory": row("get", API_STEP_READ),
    "POST /api/inventory": row("post", "ok ok 403 403 403 403 401", data={"name": "Another tool"}),
    "GET /api/inventory/{tool_id}": row("get", API_STEP_READ),
    "POST /api/assess": row("post", API_ALL, data={}),
    "GET /api/law-change": row("get", API_STEP_MANAGE),
    "POST /api/law-change/apply": row("post", API_STEP_MANAGE, data={"references": [" "]}),
    # sending alerts is triage work: a viewer's, auditor's or reporter's token cannot carry the intake scope
    "POST /api/intake/alerts": row("post", "ok ok ok 403 403 403 401", data={"title": "x"}),
    "GET /api/audit/checkpoint": row("get", "ok 403 403 403 ok 403 401"),
    "GET /api/documents": row("get", API_STEP_READ),
    "GET /api/documents/{kind}": row("get", API_STEP_READ),
    "GET /api/documents/{kind}/versions/{number}": row("get", API_STEP_READ),
    "GET /api/documents/{kind}/versions/{number}/diff": row("get", API_STEP_READ),
    "POST /api/documents/{kind}/generate": row("post", API_STEP_MANAGE),
    "POST /api/documents/{kind}/draft": row("post", API_STEP_MANAGE),
    "PATCH /api/documents/{kind}/versions/{number}": row("patch", API_STEP_MANAGE, data={"change_notes": "x"}),
    "POST /api/documents/{kind}/versions/{number}/submit": row("post", API_STEP_MANAGE),
    "POST /api/documents/{kind}/versions/{number}/return": row("post", API_STEP_MANAGE, data={"reason": "x"}),
    "POST /api/documents/{kind}/versions/{number}/approve": row("post", API_STEP_MANAGE, data={}),
    "POST /api/documents/{kind}/publish": row("post", API_STEP_MANAGE),
    "POST /api/documents/{kind}/unpublish": row("post", API_STEP_MANAGE),
    "GET /api/management-review": row("get", API_STEP_READ),
    "GET /api/management-review/{fmt}": row("get", API_STEP_READ),
    "GET /api/reviews": row("get", API_STEP_READ),
    "POST /api/reviews/{review_id}/no-change": row("post", API_STEP_MANAGE, data={"reason": " "}),
    "GET /api/retention": row("get", "ok ok 403 403 ok 403 401"),
    "GET /api/incidents/{reference}/legal-holds": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/legal-holds": row("post", API_STEP_MANAGE, API_STEP_HIDDEN, data={"reason": "x"}),
    "POST /api/incidents/{reference}/legal-holds/{hold_id}/release": row("post", API_STEP_MANAGE, API_STEP_HIDDEN,
                                                                        data={"reason": "x"}),
    "POST /api/incidents/{reference}/deletion": row("post", API_STEP_MANAGE, API_STEP_HIDDEN, data={"reason": "x"}),
    "POST /api/incidents/{reference}/deletion/confirm": row("post", "ok 403 403 403 403 403 401", API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/deletion/withdraw": row("post", API_STEP_MANAGE, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/redactions": row("post", API_STEP_MANAGE, API_STEP_HIDDEN,
                                                      data={"passage": "no such words", "reason": "x"}),
    "GET /api/subject-access": row("get", "ok ok 403 403 403 403 401"),
    "GET /api/briefings": row("get", API_STEP_READ),
    "POST /api/briefings": row("post", API_STEP_MANAGE, data={"person_name": "x", "given_on": "2026-11-01",
                                                              "given_by": "x"}),
    # tool 0 does not exist: those who may get past the permission check to a plain 404
    "POST /api/briefings/access": row("post", "404 404 403 403 403 403 401", data={"tool_id": 0, "person_name": "x",
                                                                     "since": "2026-11-01"}),
    "GET /api/exercises/scenarios": row("get", API_STEP_READ),
    "POST /api/exercises": row("post", API_STEP_MANAGE, data={"scenario": "level2-publication"}),
    "GET /api/incidents/{reference}/exercise": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/exercise/reveal": row("post", API_STEP_MANAGE, API_STEP_HIDDEN,
        data={"inject": "newsletter"}),
    "POST /api/incidents/{reference}/exercise/end": row("post", API_STEP_MANAGE, API_STEP_HIDDEN),
    "GET /api/readiness": row("get", API_STEP_READ),
    "GET /api/saved-views": row("get", API_STEP_READ),
    "POST /api/saved-views": row("post", API_STEP_EDIT, data={"name": "x", "filters": {"owner": "me"}}),
    # no such view of theirs: those who may delete get past the permission check to a plain 404
    "DELETE /api/saved-views/{view_id}": row("delete", "404 404 404 403 403 403 401"),
    "GET /api/incidents/{reference}/tags": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/tags": row("post", API_STEP_EDIT, API_STEP_HIDDEN, data={"name": "matrix"}),
    "DELETE /api/incidents/{reference}/tags/{tag}": row("delete", API_STEP_EDIT, API_STEP_HIDDEN),
    "GET /api/incidents/{reference}/links": row("get", API_STEP_READ, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/links": row("post", API_STEP_EDIT, API_STEP_HIDDEN,
        data={"other": "INC-2026-001", "kind": "related"}),  # itself: refused (422), after the permission check
    "DELETE /api/incidents/{reference}/links/{other}": row("delete", API_STEP_EDIT, API_STEP_HIDDEN),
    "POST /api/incidents/{reference}/merge": row("post", API_STEP_MANAGE, API_STEP_HIDDEN,
        data={"into": "INC-2026-001", "reason": "x"}),  # itself: refused (409), after the permission check
}



def _without_write_scope(spec: Row) -> Row:
    """A viewer's or auditor's token carries no write scope (a token never does more than its owner), so their
    writes are refused (403) before any incident is looked up: on a restricted incident too, the same answer
    as on an unrestricted one, which says nothing about whether it exists."""
    roles = spec.unrestricted.split()
    if spec.method == "get" or spec.restricted is None or roles[ROLES.index("viewer")] != "403":
        return spec
    hidden = spec.restricted.split()
    for role in ("viewer", "auditor"):
        hidden[ROLES.index(role)] = "403"
    return Row(spec.method, spec.unrestricted, " ".join(hidden), spec.data)


API = {key: _without_write_scope(spec) for key, spec in API.items()}

# --- the routes, as they are -------------------------------------------------------------------

def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), route
            else:
                yield route, route


@functools.cache
def url_routes() -> dict[str, str]:
    """Every route of the URL configuration: its key in ``WEB`` (the name, or the pattern when unnamed) → pattern."""
    return dict(_walk(get_resolver().url_patterns))


HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}


def api_operations(client) -> set[str]:
    """Every operation of the OpenAPI document the API serves, as "METHOD /path"."""
    schema = client.get("/api/openapi.json").json()
    return {f"{method.upper()} {path}" for path, methods in schema["paths"].items()
            for method in methods if method in HTTP_METHODS}


API_OPERATION_ROUTES = re.compile(r"^api:(?!openapi-json$|openapi-view$|api-root$)")


def test_every_route_is_in_the_matrix():
    routes = url_routes()
    missing = [f"{key} ({pattern})" for key, pattern in routes.items()
               if key not in WEB and not API_OPERATION_ROUTES.match(key)]
    assert not missing, ("Routes with no line in the permission matrix (tests/test_permission_matrix.py, WEB): "
                         + "; ".join(missing) + ". Add one line each saying what every role gets.")
    gone = sorted(set(WEB) - set(routes))
    assert not gone, f"Lines in WEB for routes that no longer exist: {', '.join(gone)}"


def test_every_api_operation_is_in_the_matrix(db, client):
    operations = api_operations(client)
    missing = sorted(operations - set(API))
    assert not missing, ("API operations with no line in the permission matrix (tests/test_permission_matrix.py, "
                         "API): " + "; ".join(missing) + ". Add one line each saying what every role gets.")
    gone = sorted(set(API) - operations)
    assert not gone, f"Lines in API for operations that no longer exist: {', '.join(gone)}"


# --- one world for the whole module ------------------------------------------------------------

@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """People (one per role), an unrestricted and a restricted incident with one of everything, built once
    and rolled back at the end; each test runs inside its own savepoint (the ``db`` fixture)."""
    from django.db import transaction
    from django.test import override_settings
    from django.utils.functional import empty

    from incidentdesk.evidence.models import evidence_storage

    settings = override_settings(EVIDENCE_DIR=tmp_path_factory.mktemp("evidence"),
                                 PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock():
        settings.enable()
        evidence_storage._wrapped = empty
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            evidence_storage._wrapped = empty
            settings.disable()


def _procedure_in_force(owner) -> None:
    """Version 1 of the incident procedure, in force and published (governance routes name it)."""
    from django.utils import timezone

    from incidentdesk.governance.models import Document, DocumentVersion

    doc = Document.objects.create(kind="incident_procedure", published_at=timezone.now())
    DocumentVersion.objects.create(document=doc, number=1, status="in_force", body="## 1. Purpose\nx\n",
                                   effective_on=date(2026, 1, 1), author=owner)


def _build() -> dict:
    from django.conf import settings as django_settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from incidentdesk.accounts.services import set_role
    from incidentdesk.accounts.tokens import allowed_scopes, create_token
    from incidentdesk.capa import services as capa
    from incidentdesk.comments.services import add_comment
    from incidentdesk.contacts.models import Contact
    from incidentdesk.containment.services import contain
    from incidentdesk.evidence import services as evidence
    from incidentdesk.incidents import access
    from incidentdesk.incidents.services import record_incident
    from incidentdesk.intake import services as intake
    from incidentdesk.intake.models import AlertSource
    from incidentdesk.inventory.services import save_tool
    from incidentdesk.investigation.services import save_analysis
    from incidentdesk.lessons import services as lessons
    from incidentdesk.notifications import services as notifications
    from incidentdesk.organisation.services import save_profile
    from incidentdesk.preparedness import services as exercises
    from incidentdesk.reminders.calendar import new_feed
    from incidentdesk.retention import services as retention

    save_profile(by=None, name="Test BV", country="BE", time_zone="Europe/Brussels",
                 supervisory_authority="Belgian DPA", ai_act_role="deployer")
    users, tokens, feeds, sessions = {}, {}, {}, {}
    for role in ROLES[:-1]:
        user = get_user_model().objects.create_user(f"m-{role}", f"{role}@example.org")
        set_role(user=user, role=role, by=None)
        users[role] = user
        # every scope the role may hold (a token never does more than its owner: a viewer has no write token)
        tokens[role] = create_token(user=user, name="matrix", scopes=allowed_scopes(user), by=None)
        feeds[role] = new_feed(user)
        signed_in = Client()
        signed_in.force_login(user)  # once: each test reuses the session (rolled back with its savepoint)
        sessions[role] = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    owner = get_user_model().objects.create_user("m-owner")  # names the restricted incident; none of the above
    set_role(user=owner, role="incident_manager", by=None)
    tool = save_tool(by=owner, name="ChatGPT Team")
    AlertSource.objects.create(slug="matrix", name="Matrix")
    facts = {"published_externally": False, "personal_data": {"involved": True}}
    detected = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    objects = {}
    for kind in ("unrestricted", "restricted"):
        incident = record_incident(title=f"{kind} incident", description="x", detected_at=detected, by=owner,
                                   tools=["ChatGPT Team"], facts=facts)
        item, follow = intake.report(title=f"{kind} report", details="x")
        if kind == "restricted":
            intake.promote(item=item, by=owner)
            item.refresh_from_db()
            incident = item.incident
        objects[kind] = {
            "incident": incident, "item": item, "follow": follow,
            "evidence": evidence.add_evidence(incident=incident, stream=io.BytesIO(b"log line\n"), name="a.log",
                                              by=owner),
            "draft": notifications.create_draft(incident=incident, kind="gdpr_33", by=owner),
            "notification": notifications.record_notification(incident=incident, recipient="x", sent_at=detected,
                                                              by=owner),
            "capa": capa.plan(incident=incident, description="x", assignee=owner, due_on=date(2026, 12, 31), by=owner),
            "lesson": lessons.propose(incident=incident, target="policy", text="x", by=owner),
            "rca": save_analysis(incident=incident, by=owner, why="x"),
            "obligation": incident.obligations.first(),
            "containment": contain(incident=incident, kind="other", description="x", taken_at=detected,
                                   taken_by="x", by=owner),
            "comment": add_comment(incident=incident, body="x", by=owner).comment,
            "hold": retention.place_hold(incident=incident, reason="x", by=owner),
        }
        if kind == "restricted":
            access.restrict(incident=incident, restricted=True, people=[], by=owner)
        objects[kind]["exercise"] = exercises.start(scenario="level2-publication", by=owner)
        if kind == "restricted":
            access.restrict(incident=objects[kind]["exercise"].incident, restricted=True, people=[], by=owner)
    contact = Contact.objects.create(kind="management", name="Board", last_verified_on=date(2026, 1, 1))
    from incidentdesk.briefings.services import grant_access
    from incidentdesk.governance.services import document
    from incidentdesk.reviews.cycle import open_review

    _procedure_in_force(owner)
    review = open_review(document("incident_procedure"), reason="annual", due_on=date(2026, 12, 31), by=None)
    access = grant_access(tool=tool, person_name="x", since=date(2026, 1, 1), by=owner)
    return {"users": users, "tokens": tokens, "feeds": feeds, "sessions": sessions, "tool": tool, "contact": contact,
            "review": review, "access": access, **objects}


# --- requesting every route ----------------------------------------------------------------------

def _arguments(world: dict, key: str, role: str, kind: str) -> dict:
    """Concrete values for a route's parameters, on the unrestricted or the restricted incident."""
    o = world[kind]
    pk = {"evidence-download": o["evidence"].pk, "draft": o["draft"].pk, "draft-send": o["draft"].pk,
          "draft-export": o["draft"].pk, "capa-step": o["capa"].pk, "lesson-decide": o["lesson"].pk,
          "triage-promote": o["item"].pk, "triage-dismiss": o["item"].pk, "triage-merge": o["item"].pk, "contact-edit": world["contact"].pk,
          "tool-detail": world["tool"].pk, "tool-edit": world["tool"].pk,
          "notification-acknowledge": o["notification"].pk, "review-no-change": world["review"].pk,
          "routing-acknowledge": o["incident"].internal_notices.order_by("pk").first().pk,
          "containment-assign": o["containment"].pk,
          "containment-result": o["containment"].pk, "capa-assign": o["capa"].pk, "lesson-assign": o["lesson"].pk,
          "draft-assign": o["draft"].pk, "comment-edit": o["comment"].pk, "comment-read": o["comment"].pk,
          "legal-hold-release": o["hold"].pk, "tool-access-end": world["access"].pk,
          "token-revoke": world["tokens"][role][0].pk if role != "anonymous" else 1,
          "register-view-delete": 1}
    model_object = {"incidents": o["incident"].pk, "obligations": o["obligation"].pk, "audit": 1}
    app = key.split(":")[-1].split("_")[0].removeprefix("admin/").split("/")[0]
    return {
        "reference": o["exercise"].incident.reference if "exercise" in key else o["incident"].reference,
        "pk": pk.get(key), "fmt": {"register-export": "csv", "breach-register-export": "csv",
                                   "subject-access-export": "csv"}.get(key, "docx"),
        "name": "per-tool", "token": world["feeds"].get(role, "no-such-token") if key == "calendar-feed"
        else o["follow"], "object_id": model_object.get(app, 1), "id": 1, "content_type_id": 1, "app_label":
        "incidents", "tool_id": world["tool"].pk, "rule_id": o["obligation"].rule_id,
        "draft_id": o["draft"].pk, "evidence_id": o["evidence"].pk, "action_id": o["capa"].pk,
        "lesson_id": o["lesson"].pk, "contact_id": world["contact"].pk, "notification_id": o["notification"].pk,
        "review_id": world["review"].pk,
        "kind": "incident_procedure", "number": 1,
        "notice_id": o["incident"].internal_notices.order_by("pk").first().pk,
        "containment_id": o["containment"].pk, "comment_id": o["comment"].pk,
        "hold_id": o["hold"].pk,
        "tag": "matrix", "other": o["incident"].reference, "view_id": 999999,
    }


def _url(pattern: str, values: dict) -> str:
    if pattern.startswith("admin/^"):  # the app list's regular expression
        return "/admin/incidents/"
    if pattern.endswith("(?P<url>.*)$"):
        return "/admin/no-such-page/"
    def value(match) -> str:
        name = match.group(1) or match.group(2)
        if values.get(name) is None:
            pytest.fail(f"No value for <{name}> in {pattern}: say which object it is in _arguments "
                        "(tests/test_permission_matrix.py)")
        return str(values[name])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", value, pattern)


def _outcome(response, method: str) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status == 302 and "login" in location and "next=" in location:
        return "login"
    if status in (401, 403, 404):
        return str(status)
    if status >= 500:
        return f"error {status}"
    if method == "get" and status >= 400:
        return f"failed {status}"
    return "ok"


def _check(response, expected: str, method: str, where: str) -> None:
    got = _outcome(response, method)
    assert got == expected, f"{where}: expected {expected}, got {got} (HTTP {response.status_code})"


WEB_CASES = [(key, role) for key in WEB for role in ROLES]
API_CASES = [(key, role) for key in API for role in ROLES]


@pytest.mark.parametrize(("key", "role"), WEB_CASES, ids=[f"{k}-{r}" for k, r in WEB_CASES])
def test_web_route(world, db, client, key, role):
    pattern = url_routes().get(key)
    if pattern is None:
        pytest.skip(f"{key} is not in the URL configuration (test_every_route_is_in_the_matrix says so)")
    spec = WEB[key]
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
    for kind, outcomes in (("unrestricted", spec.unrestricted), ("restricted", spec.restricted)):
        if outcomes is None:
            continue
        expected = outcomes.split()[ROLES.index(role)]
        url = _url(pattern, _arguments(world, key, role, kind))
        response = getattr(client, spec.method)(url, spec.data or {})
        _check(response, expected, spec.method, f"{role} {spec.method.upper()} {url} ({key}, {kind} incident)")


@pytest.mark.parametrize(("key", "role"), API_CASES, ids=[f"{k}-{r}" for k, r in API_CASES])
def test_api_operation(world, db, client, key, role):
    import json

    spec = API[key]
    method, path = key.split(" ", 1)
    headers = {} if role == "anonymous" else {"HTTP_AUTHORIZATION": f"Bearer {world['tokens'][role][1]}"}
    for kind, outcomes in (("unrestricted", spec.unrestricted), ("restricted", spec.restricted)):
        if outcomes is None:
            continue
        expected = outcomes.split()[ROLES.index(role)]
        url = _url(path.lstrip("/"), _arguments(world, key, role, kind))
        if key == "POST /api/intake/alerts":
            url += "?source=matrix"
        if key == "GET /api/subject-access":
            url += "?person=nobody"
        if method == "GET":
            response = client.get(url, **headers)
        elif key == "POST /api/incidents/{reference}/evidence":  # multipart, as a file upload is sent
            upload = SimpleUploadedFile("a.log", b"log line\n", content_type="text/plain")
            response = client.post(url, {"file": upload}, **headers)
        else:
            response = getattr(client, method.lower())(url, json.dumps(spec.data or {}),
                                                       content_type="application/json", **headers)
        _check(response, expected, method.lower(), f"{role} {key} ({kind} incident)")
