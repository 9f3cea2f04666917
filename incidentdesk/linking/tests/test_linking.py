"""Tags, links and merges: audited, shown on both incidents, refused with reasons when unsafe, nothing deleted."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import close_old_connections, connection

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.access import restrict
from incidentdesk.incidents.models import Incident, Status
from incidentdesk.linking import services
from incidentdesk.linking.models import IncidentLink
from incidentdesk.obligations.models import ObligationStatus
from incidentdesk.refusals import Refused

EARLY, LATE = datetime(2026, 11, 20, 8, tzinfo=UTC), datetime(2026, 11, 20, 9, tzinfo=UTC)
PERSONAL = {"published_externally": False, "personal_data": {"involved": True, "lost": ["confidentiality"]}}


@pytest.fixture
def pair(record):
    first = record(title="Chatbot leaked a ticket", detected_at=EARLY, facts=PERSONAL)
    second = record(title="Same leak, reported again", detected_at=LATE, facts=PERSONAL)
    return first, second


def test_a_tag_is_added_filtered_on_and_removed_with_an_event_each(record, manager, as_person):
    incident = record()
    record(title="Untagged")
    services.add_tag(incident=incident, name="  Vendor-X ", by=manager)
    page = as_person("manager").get("/incidents/", {"tag": "vendor-x"})
    assert [i.reference for i in page.context["page"].object_list] == [incident.reference]
    assert services.remove_tag(incident=incident, name="vendor-x", by=manager)
    actions = list(AuditEvent.objects.filter(incident_ref=incident.reference).values_list("action", flat=True))
    assert actions[-2:] == ["incident.tagged", "incident.untagged"]


@pytest.mark.parametrize("name", ["", "   ", "<script>", "x" * 41])
def test_a_bad_tag_is_refused_and_nothing_stored(record, manager, name):
    incident = record()
    before = table_counts()
    with pytest.raises(Refused, match="tag: "):
        services.add_tag(incident=incident, name=name, by=manager)
    assert table_counts() == before


def test_the_same_tag_twice_is_refused_in_words(record, manager):
    incident = record()
    services.add_tag(incident=incident, name="phishing", by=manager)
    with pytest.raises(Refused, match="already tagged"):
        services.add_tag(incident=incident, name="PHISHING", by=manager)


def test_a_link_shows_on_both_workspaces(pair, people, as_person):
    first, second = pair
    services.link(source=second, target=first, kind="related", by=people["manager"])
    client = as_person("manager")
    assert first.reference in client.get(f"/incidents/{second.reference}/").content.decode()
    assert second.reference in client.get(f"/incidents/{first.reference}/").content.decode()


def test_a_link_to_a_restricted_incident_is_not_shown_to_those_not_named(pair, people, as_person):
    first, second = pair
    services.link(source=second, target=first, kind="duplicate", by=people["manager"])
    restrict(incident=first, restricted=True, people=[people["manager"]], by=people["manager"])
    page = as_person("responder").get(f"/incidents/{second.reference}/").content.decode()
    assert first.reference not in page
    assert IncidentLink.objects.visible_to(people["responder"]).count() == 0


def test_merging_keeps_the_duplicate_closed_settled_and_pointing_to_the_other(pair, people, as_person):
    first, second = pair
    pending = second.obligations.filter(status=ObligationStatus.PENDING).count()
    assert pending > 0
    services.merge(duplicate=second, into=first, reason="The same leaked ticket", by=people["manager"])
    second.refresh_from_db()
    assert second.status == Status.CLOSED
    assert Incident.objects.filter(pk=second.pk).exists()
    assert not second.obligations.filter(status=ObligationStatus.PENDING).exists()
    assert all("Merged into " + first.reference in o.settled_reason for o in second.obligations.filter(
        settled_reason__startswith="Merged"))
    page = as_person("manager").get(f"/incidents/{second.reference}/").content.decode()
    assert f"Merged into <a href=\"/incidents/{first.reference}/\">{first.reference}</a>" in page
    assert second.reference in as_person("manager").get(f"/incidents/{first.reference}/").content.decode()
    assert AuditEvent.objects.filter(action="incident.merged", incident_ref=first.reference).exists()


def _refused(duplicate, into, by, words):
    before = table_counts()
    with pytest.raises(Refused, match=words):
        services.merge(duplicate=duplicate, into=into, by=by, reason="same")
    assert table_counts() == before


def test_merging_the_first_detected_into_a_later_one_is_refused(pair, people):
    first, second = pair
    _refused(first, second, people["manager"], "clocks started earlier: merge")


def test_merging_a_duplicate_with_a_notification_sent_is_refused(pair, people):
    from incidentdesk.notifications.services import record_notification

    first, second = pair
    record_notification(incident=second, recipient="Belgian DPA", sent_at=LATE, by=people["manager"])
    _refused(second, first, people["manager"], "notification was already sent")


def test_merging_a_restricted_duplicate_into_an_open_incident_is_refused(pair, people):
    first, second = pair
    restrict(incident=second, restricted=True, people=[people["manager"]], by=people["manager"])
    _refused(second, first, people["manager"], "is restricted")


def test_merging_twice_is_refused(pair, record, people):
    first, second = pair
    services.merge(duplicate=second, into=first, by=people["manager"], reason="same")
    third = record(title="Third", detected_at=EARLY)
    _refused(second, third, people["manager"], "closed")


def test_the_web_merge_form_refuses_in_words(pair, as_person):
    first, second = pair
    response = as_person("manager").post(f"/incidents/{first.reference}/merge/",
                                         {"into": second.reference, "reason": "same"}, follow=True)
    assert "clocks started earlier" in response.content.decode()
    first.refresh_from_db()
    assert first.status != Status.CLOSED


def test_the_api_merges_and_lists_the_link(pair, client, people):
    from incidentdesk.accounts.tokens import create_token

    first, second = pair
    token = create_token(user=people["manager"], name="t", scopes=["read", "write"], by=None)[1]
    auth = {"Authorization": f"Bearer {token}"}
    answer = client.post(f"/api/incidents/{second.reference}/merge", {"into": first.reference, "reason": "same"},
                         content_type="application/json", headers=auth)
    assert answer.status_code == 200, answer.content
    assert answer.json() == [{"other": first.reference, "kind": "duplicate", "direction": "to", "merged": True,
                              "note": "same", "at": answer.json()[0]["at"]}]


def test_two_people_merging_at_once_end_with_one_merge(transactional_register):
    """A into B and B into A at the same moment (after B's detection was corrected): one wins, one is refused."""
    from django.contrib.auth import get_user_model

    from incidentdesk.incidents.services import record_incident
    from incidentdesk.organisation.services import save_profile

    save_profile(by=None, name="Test BV", country="BE", time_zone="Europe/Brussels")
    user = get_user_model().objects.create_superuser("boss", "b@example.org", "a-long-test-password")
    same = datetime(2026, 11, 20, 8, tzinfo=UTC)
    a, b = (record_incident(title=t, description="x", detected_at=same, by=user,
                            now=datetime(2026, 11, 21, tzinfo=UTC)) for t in ("A", "B"))
    outcomes, barrier = [], threading.Barrier(2)

    def work(duplicate, into):
        try:
            barrier.wait()
            services.merge(duplicate=duplicate, into=into, by=user, reason="same")
            outcomes.append("merged")
        except Refused as exc:
            outcomes.append(f"refused: {exc}")
        except Exception as exc:  # a deadlock or integrity error would land here and fail the test
            outcomes.append(f"error: {exc!r}")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=pair) for pair in ((a, b), (b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.split(":")[0] for o in outcomes) == ["merged", "refused"], outcomes
    assert IncidentLink.objects.filter(merged=True).count() == 1
    assert Incident.objects.filter(status=Status.CLOSED).count() == 1


@pytest.mark.parametrize("exercise_is", ["duplicate", "into"])
def test_a_real_incident_and_an_exercise_are_never_merged(pair, people, exercise_is):
    first, second = pair
    Incident.objects.filter(pk=(second if exercise_is == "duplicate" else first).pk).update(is_exercise=True)
    first.refresh_from_db()
    second.refresh_from_db()
    _refused(second, first, people["manager"], "is an exercise and .* is a real incident: neither can be merged")


def test_a_real_incident_is_never_a_duplicate_of_an_exercise_but_may_be_related(pair, people):
    first, second = pair
    Incident.objects.filter(pk=first.pk).update(is_exercise=True)
    first.refresh_from_db()
    before = table_counts()
    with pytest.raises(Refused, match=f"{first.reference} is an exercise and {second.reference} is a real incident"):
        services.link(source=second, target=first, kind="duplicate", by=people["manager"])
    assert table_counts() == before
    assert not IncidentLink.objects.exists()
    services.link(source=second, target=first, kind="related", by=people["manager"])
