"""One incident, one truth: a restricted incident's reference is found nowhere by a person not named on it.

The world: an unrestricted incident and a restricted one (promoted from the triage queue, linked to an
inventory tool, with an accepted lesson in the change log, running clocks and an overdue corrective
action). The viewer (and the auditor, for the audit log) are not named on the restricted incident.
"""

import io
import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from conftest import NOW

SECRET_TITLE = "Zebra quartz leak"


@pytest.fixture
def world(people, organisation):
    from incidentdesk.capa import services as capa
    from incidentdesk.incidents import access
    from incidentdesk.incidents.services import record_incident
    from incidentdesk.intake import services as intake
    from incidentdesk.inventory.services import save_tool
    from incidentdesk.lessons import services as lessons

    manager = people["manager"]
    tool = save_tool(by=manager, name="ChatGPT Team", vendor="OpenAI", owner="IT")
    facts = {"published_externally": False, "personal_data": {"involved": True}}
    open_ = record_incident(title="Chatbot gave a wrong answer", description="It invented a refund policy.",
                            detected_at=NOW, by=manager, now=NOW, tools=["ChatGPT Team"], facts=facts)
    item, _ = intake.report(title=SECRET_TITLE, details="Customer files went to a public model.", now=NOW)
    secret = intake.promote(item=item, by=manager, now=NOW, facts=facts)
    from incidentdesk.incidents.services import update_incident

    update_incident(incident=secret, by=manager, changes={"tools": ["ChatGPT Team"]})
    lesson = lessons.propose(incident=secret, target="policy", text="No client files in chatbots", by=manager)
    lessons.decide(lesson=lesson, accept=True, by=manager, summary="Section 4 added")
    capa.plan(incident=secret, description="Block uploads", assignee=manager, due_on=date(2026, 11, 23), by=manager)
    access.restrict(incident=secret, restricted=True, people=[], by=manager)
    return {"tool": tool, "open": open_, "secret": secret, "item": item}


def named(text: str, incident) -> bool:
    return bool(re.search(rf"\b{re.escape(incident.reference)}\b", text)) or incident.title in text


def api_client(client, user, scopes=("read", "write", "intake")):
    from incidentdesk.accounts.tokens import allowed_scopes, create_token

    allowed = [s for s in scopes if s in allowed_scopes(user)]  # a token never does more than its owner
    _, token = create_token(user=user, name="test", scopes=allowed, by=None)
    return lambda method, url, **kw: getattr(client, method)(url, HTTP_AUTHORIZATION=f"Bearer {token}", **kw)


def xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)


def test_the_world_is_what_it_claims(world, as_person):
    """The manager, named on it, does see the restricted incident on every page (so the test below means something)."""
    client = as_person("manager")
    secret = world["secret"]
    for url in ("/incidents/", "/changes/", "/triage/", f"/inventory/{world['tool'].pk}/", "/"):
        assert named(client.get(url).content.decode(), secret), url


def test_a_viewer_not_named_finds_the_reference_nowhere(world, as_person, client, people):
    from incidentdesk.reminders.calendar import new_feed

    secret, viewer = world["secret"], people["viewer"]
    web = as_person("viewer")
    pages = {
        "register": web.get("/incidents/"),
        "search title": web.get("/incidents/", {"q": "Zebra"}),
        "csv": web.get("/incidents/export.csv"),
        "dashboard": web.get("/"),
        "per-tool chart": web.get("/dashboard/charts/per-tool.svg"),
        "per-month chart": web.get("/dashboard/charts/per-month.svg"),
        "change log": web.get("/changes/"),
        "triage": web.get("/triage/"),
        "inventory": web.get("/inventory/"),
        "tool page": web.get(f"/inventory/{world['tool'].pk}/"),
        "calendar": web.get(f"/calendar/{new_feed(viewer)}.ics"),
        "register with exercises": web.get("/incidents/", {"exercises": "include"}),
        "exercises": web.get("/exercises/"),
        "readiness": web.get("/readiness/"),
    }
    texts = {name: (b"".join(r.streaming_content) if r.streaming else r.content).decode() for name, r in pages.items()}
    texts["xlsx"] = xlsx_text(web.get("/incidents/export.xlsx").content)
    call = api_client(client, viewer)
    texts["api list"] = call("get", "/api/incidents").content.decode()
    texts["api list search"] = call("get", "/api/incidents", data={"q": secret.reference}).content.decode()
    for name, response in pages.items():
        assert response.status_code == 200, name
    # Searching for its reference finds nothing (the page only echoes what the viewer typed).
    assert web.get("/incidents/", {"q": secret.reference}).context["rows"] == []
    leaks = [name for name, text in texts.items() if named(text, secret)]
    assert not leaks, f"{secret.reference} is named to a viewer not named on it in: {', '.join(leaks)}"
    assert named(texts["register"], world["open"]), "the unrestricted incident should be listed"
    # Reading it gives the same answer as an incident that does not exist.
    assert call("get", f"/api/incidents/{secret.reference}").status_code == 404
    assert call("get", f"/api/incidents/{secret.reference}/obligations").status_code == 404
    assert web.get(f"/incidents/{secret.reference}/").status_code == 404


def test_an_auditor_not_named_finds_it_nowhere_in_the_audit_log(world, as_person):
    secret = world["secret"]
    auditor = as_person("auditor")
    response = auditor.get("/audit/")
    assert response.status_code == 200
    assert not named(response.content.decode(), secret)
    assert list(auditor.get("/audit/", {"incident": secret.reference}).context["page"]) == []


def test_change_log_leaves_out_lines_from_incidents_the_person_cannot_see(world, as_person):
    response = as_person("viewer").get("/changes/")
    assert list(response.context["changes"]) == []
    assert len(as_person("manager").get("/changes/").context["changes"]) == 1


def test_triage_recently_decided_leaves_out_items_promoted_to_a_hidden_incident(world, as_person):
    decided = as_person("viewer").get("/triage/").context["decided"]
    assert world["item"].pk not in [i.pk for i in decided]
    assert world["item"].pk in [i.pk for i in as_person("manager").get("/triage/").context["decided"]]


def test_inventory_counts_only_visible_incidents(world, as_person):
    def count(name):
        tools = as_person(name).get("/inventory/").context["tools"]
        return {t.pk: t.incident_count for t in tools}[world["tool"].pk]

    assert count("viewer") == 1
    assert count("manager") == 2


def test_dashboard_figures_come_from_visible_rows_only(world, people, time_machine):
    from incidentdesk.dashboard import services

    # A week after NOW: the action due on 23 November is overdue, and the 12-month window holds the incidents.
    time_machine.move_to(NOW + timedelta(days=7), tick=False)
    now = timezone.now()
    seen, all_ = services.build(user=people["viewer"], now=now), services.build(user=people["manager"], now=now)
    assert sum(seen.open_by_severity.values()) == sum(all_.open_by_severity.values()) - 1
    assert seen.overdue < all_.overdue
    assert {o.incident_id for o in seen.overdue_clocks} == {world["open"].pk}
    assert [a.incident_id for a in all_.overdue_actions] == [world["secret"].pk]
    assert seen.overdue_actions == []
    assert sum(n for _, n in seen.per_tool) == 1
    assert sum(n for _, n in all_.per_tool) == 2


@pytest.mark.parametrize("persona", ["reporter", "viewer", "auditor"])
def test_promoting_or_dismissing_a_triage_item_needs_the_triage_capability(organisation, as_person, persona):
    from incidentdesk.intake import services as intake
    from incidentdesk.intake.models import TriageItem, TriageStatus

    item, _ = intake.report(title="Odd answers", details="The bot swore at me.")
    client = as_person(persona)
    assert client.post(f"/triage/{item.pk}/promote/").status_code == 403
    assert client.post(f"/triage/{item.pk}/dismiss/", {"reason": "spam"}).status_code == 403
    assert TriageItem.objects.get(pk=item.pk).status == TriageStatus.OPEN


@pytest.mark.parametrize("persona", ["manager", "responder", "administrator"])
def test_triage_roles_may_promote(organisation, as_person, persona):
    from incidentdesk.intake import services as intake

    item, _ = intake.report(title="Odd answers", details="The bot swore at me.")
    response = as_person(persona).post(f"/triage/{item.pk}/promote/")
    assert response.status_code == 302
    assert "/incidents/INC-" in response["Location"]


def test_a_triage_item_of_a_hidden_incident_cannot_be_acted_on(world, as_person):
    assert as_person("responder").post(f"/triage/{world['item'].pk}/dismiss/", {"reason": "x"}).status_code == 404


def test_escalation_to_a_management_contact_does_not_name_a_restricted_incident(world, people, settings):
    from incidentdesk.contacts.models import Contact
    from incidentdesk.reminders import services, tasks
    from incidentdesk.reminders.models import Reminder, ReminderKind

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Contact.objects.create(kind="management", name="Board", email="board@example.org",
                           last_verified_on=date(2026, 1, 1))
    people["manager"].email = "manager@example.org"
    people["manager"].save()
    people["administrator"].email = "admin@example.org"  # an administrator not named on it
    people["administrator"].save()
    secret = world["secret"]
    clock = secret.obligations.filter(due_at__isnull=False).order_by("due_at").first()
    reminder = Reminder.objects.create(obligation=clock, kind=ReminderKind.OVERDUE,
                                       due_at=clock.due_at + timedelta(hours=1))
    assert [u.pk for u in services.recipients(reminder)] == [people["manager"].pk]
    mail.outbox.clear()
    tasks.deliver.call(reminder.pk)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"manager@example.org", "board@example.org"}
    assert named(by_address["manager@example.org"].body, secret)
    board = by_address["board@example.org"]
    assert not named(board.subject + board.body, secret)
    assert "restricted incident" in board.body
    assert clock.action in board.body


def test_escalation_names_an_unrestricted_incident(world, settings):
    from incidentdesk.reminders import services
    from incidentdesk.reminders.models import Reminder, ReminderKind

    clock = world["open"].obligations.filter(due_at__isnull=False).first()
    reminder = Reminder(obligation=clock, kind=ReminderKind.OVERDUE, due_at=clock.due_at)
    assert named(services.message(reminder, outsider=True).body, world["open"])


def test_admin_shows_only_visible_rows_and_locks_closed_incidents(world, client, django_user_model):
    from django.contrib import admin

    from incidentdesk.admin_policy import PolicyAdmin
    from incidentdesk.incidents.models import Incident
    from incidentdesk.lessons.models import Lesson
    from incidentdesk.obligations.models import Obligation

    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "a-long-test-password")
    client.force_login(boss)
    secret = world["secret"]
    for url in ("/admin/incidents/incident/", "/admin/obligations/obligation/", "/admin/audit/auditevent/"):
        response = client.get(url)
        assert response.status_code == 200
        assert not named(response.content.decode(), secret), url
    assert client.get(f"/admin/incidents/incident/{secret.pk}/change/").status_code == 302  # "does not exist"
    assert isinstance(admin.site._registry[Obligation], PolicyAdmin)
    assert isinstance(admin.site._registry[Incident], PolicyAdmin)

    class LessonAdmin(PolicyAdmin, admin.ModelAdmin):
        pass

    lesson_admin = LessonAdmin(Lesson, admin.site)
    request = type("R", (), {"user": boss})()
    lesson = world["open"].lessons.create(target="policy", text="x")
    assert lesson_admin.has_change_permission(request, lesson)
    assert lesson_admin.has_delete_permission(request, lesson)
    Incident.objects.filter(pk=world["open"].pk).update(status="closed")
    assert not lesson_admin.has_change_permission(request, lesson)
    assert not lesson_admin.has_delete_permission(request, lesson)
    assert list(lesson_admin.get_queryset(request)) == [lesson]  # the hidden incident's lesson is left out


def test_a_reporter_reads_its_report_but_not_its_clocks_through_the_api(organisation, people, client):
    call = api_client(client, people["reporter"])
    body = {"title": "Bot leaked a file", "description": "x", "detected_at": "2026-11-20T08:00:00Z",
            "facts": {"personal_data": {"involved": True}}}
    created = call("post", "/api/incidents", data=body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["obligations"] == []
    reference = created.json()["reference"]
    assert call("get", f"/api/incidents/{reference}").json()["obligations"] == []
    from incidentdesk.incidents.models import Incident
    from incidentdesk.incidents.services import classify

    classify(incident=Incident.objects.get(reference=reference), level=3, by=people["manager"],
             reasoning="Handlers' deliberation: the reporter may be exaggerating")
    read = call("get", f"/api/incidents/{reference}").json()
    assert read["status"] == "detected"
    assert read["severity_reasoning"] == "" and read["severity_reasons"] == []  # noqa: PT018
    for child in ("obligations", "containment", "notifications", "drafts", "rca", "lessons", "evidence"):
        assert call("get", f"/api/incidents/{reference}/{child}").status_code == 403, child


def test_a_reporter_sees_its_reports_in_the_register_but_not_their_clocks(organisation, people, as_person):
    from incidentdesk.incidents.services import record_incident

    own = record_incident(title="Bot leaked a file", description="x", detected_at=NOW, by=people["reporter"],
                          now=NOW, facts={"personal_data": {"involved": True}})
    assert own.obligations.filter(status="pending").exists()
    rows = as_person("reporter").get("/incidents/").context["rows"]
    assert rows == [(own, None)]


def test_every_admin_of_incidents_and_what_hangs_off_them_follows_the_policy(client, db):
    from django.contrib import admin

    from incidentdesk.admin_policy import PolicyAdmin, enforce, is_scoped

    client.get("/login/")  # loads the URL configuration, which applies the policy to the admin
    enforce(admin.site)  # idempotent
    scoped = [m for m in admin.site._registry if is_scoped(m)]
    assert {m._meta.label for m in scoped} >= {"incidents.Incident", "obligations.Obligation", "audit.AuditEvent"}
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, PolicyAdmin) or not is_scoped(model), model._meta.label
        for inline in model_admin.inlines:
            assert issubclass(inline, PolicyAdmin) or not is_scoped(inline.model), inline


@pytest.mark.parametrize("how", ["link", "merge"])
def test_a_link_or_merge_to_a_restricted_incident_does_not_name_it(world, people, as_person, how):
    """Events written under a visible incident (linked to / merged into the restricted one) are shown without
    its reference, in the audit log's diff and raw record, the workspace activity and the report's history."""
    from incidentdesk.incidents.services import record_incident
    from incidentdesk.linking import services as linking

    secret, manager = world["secret"], people["manager"]
    visible = record_incident(title="Same leak, seen again", description="A second report of it.",
                              detected_at=NOW, by=manager, now=NOW)
    if how == "link":
        linking.link(source=visible, target=secret, kind="related", by=manager)
    else:
        linking.merge(duplicate=visible, into=secret, by=manager, reason="one leak")
    auditor = as_person("auditor")
    texts = {"audit log": auditor.get("/audit/").content.decode(),
             "audit log of the visible one": auditor.get("/audit/", {"incident": visible.reference}).content.decode()}
    viewer = as_person("viewer")
    texts["workspace"] = viewer.get(f"/incidents/{visible.reference}/").content.decode()
    texts["report"] = viewer.get(f"/incidents/{visible.reference}/report/").content.decode()
    for name, text in texts.items():
        assert visible.reference in text, name
    leaks = [name for name, text in texts.items() if named(text, secret)]
    assert not leaks, f"{secret.reference} is named through the {how} in: {', '.join(leaks)}"
    assert "an incident you cannot see" in texts["audit log of the visible one"]
    # The manager may see both: the record names it to them; the sealed row itself is as it was written.
    from incidentdesk.audit.models import AuditEvent

    events = AuditEvent.objects.visible_to(manager).filter(incident_ref=visible.reference)
    assert any(named(e.data, secret) for e in events)
    assert any(named(e.data, secret) for e in AuditEvent.objects.filter(incident_ref=visible.reference))
