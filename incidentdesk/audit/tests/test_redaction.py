"""A sealed event that names an incident the reader may not see is read redacted; the row stays as written
(decision 195)."""

from conftest import NOW


def test_a_link_to_a_restricted_incident_since_deleted_stays_unnamed(people, record):
    from incidentdesk.audit.models import AuditEvent
    from incidentdesk.audit.redaction import HIDDEN_WORDS
    from incidentdesk.incidents.models import DeletedIncident
    from incidentdesk.linking import services as linking

    visible, gone = record(), record()
    linking.link(source=visible, target=gone, kind="related", by=people["manager"])
    reference = gone.reference
    tombstone = DeletedIncident.objects.create(reference=reference, restricted=True, deleted_at=NOW)
    tombstone.named.add(people["manager"])
    gone.delete()

    def read(user):
        return " ".join(e.data for e in AuditEvent.objects.visible_to(user).filter(incident_ref=visible.reference))

    assert reference not in read(people["auditor"])
    assert HIDDEN_WORDS in read(people["auditor"])
    assert reference in read(people["manager"])
    sealed = AuditEvent.objects.filter(incident_ref=visible.reference, action="incident.linked").get()
    assert reference in sealed.data
    assert not getattr(sealed, "redacted", False)


def test_a_similar_reference_is_not_touched():
    from incidentdesk.audit.redaction import pattern, redact

    hidden = pattern(["INC-2026-002"])
    assert redact('{"other": "INC-2026-0021", "x": "INC-2026-002"}', hidden) == (
        '{"other": "INC-2026-0021", "x": "an incident you cannot see"}')
    assert redact("INC-2026-002", None) == "INC-2026-002"
