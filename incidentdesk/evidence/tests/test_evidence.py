"""Evidence keeps its SHA-256 from upload to export, refuses wrong types and oversize files, never overwrites."""

import hashlib
import io

import pytest

from conftest import table_counts
from incidentdesk.evidence import services
from incidentdesk.evidence.models import CustodyEvent

pytestmark = pytest.mark.usefixtures("evidence_dir")  # conftest.py: evidence in a folder per test


LOG = b"2026-11-20T09:00 user: what is the refund policy?\n2026-11-20T09:00 bot: 90 days, no questions\n"


def test_the_hash_recorded_at_upload_matches_the_downloaded_file(as_person, record):
    incident = record()
    client = as_person("responder")
    upload = io.BytesIO(LOG)
    upload.name = "chat.log"
    client.post(f"/incidents/{incident.reference}/evidence/", {"evidence-file": upload, "evidence-description": "Chat export"})
    evidence = incident.evidence.get()
    assert evidence.sha256 == hashlib.sha256(LOG).hexdigest()
    response = client.get(f"/incidents/{incident.reference}/evidence/{evidence.pk}/")
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == evidence.sha256 == response["X-Content-SHA256"]
    assert services.verify_evidence(evidence)
    assert [c.action for c in evidence.custody.all()] == [CustodyEvent.Action.ADDED, CustodyEvent.Action.VIEWED]


def test_a_file_whose_content_does_not_match_its_type_is_refused(record, manager):
    incident = record()
    before = table_counts()
    with pytest.raises(services.EvidenceRefused, match="not a .png file"):
        services.add_evidence(incident=incident, stream=io.BytesIO(b"MZ\x90\x00 windows exe"), name="shot.png",
                              by=manager)
    with pytest.raises(services.EvidenceRefused, match="is not accepted"):
        services.add_evidence(incident=incident, stream=io.BytesIO(b"#!/bin/sh"), name="run.sh", by=manager)
    assert table_counts() == before


def test_an_oversize_file_is_refused(record, manager, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    incident = record()
    with pytest.raises(services.EvidenceRefused, match="larger than the limit"):
        services.add_evidence(incident=incident, stream=io.BytesIO(b"x" * 1001), name="big.log", by=manager)


def test_a_correction_supersedes_and_the_original_stays(record, manager):
    incident = record()
    first = services.add_evidence(incident=incident, stream=io.BytesIO(LOG), name="chat.log", by=manager)
    second = services.add_evidence(incident=incident, stream=io.BytesIO(LOG + b"more\n"), name="chat.log",
                                   by=manager, supersedes=first)
    first.refresh_from_db()
    assert not first.current
    assert second.current
    assert services.verify_evidence(first)
    assert first.file.name != second.file.name
    with pytest.raises(services.EvidenceRefused, match="only the current version"):
        services.add_evidence(incident=incident, stream=io.BytesIO(LOG), name="chat.log", by=manager,
                              supersedes=first)


def test_a_file_changed_on_disk_fails_verification(record, manager):
    evidence = services.add_evidence(incident=record(), stream=io.BytesIO(LOG), name="chat.log", by=manager)
    path = evidence.file.path
    import os

    os.chmod(path, 0o600)
    with open(path, "ab") as handle:
        handle.write(b"tampered")
    assert not services.verify_evidence(evidence)


def test_an_upload_is_stored_in_the_configured_evidence_folder(record, manager, evidence_dir):
    """The field names its storage by a function (so migrations hold no folder); files still go to
    ``settings.EVIDENCE_DIR``, read when the storage is first used."""
    incident = record()
    evidence = services.add_evidence(incident=incident, stream=io.BytesIO(LOG), name="chat.log", by=manager)
    on_disk = evidence_dir / evidence.file.name
    assert on_disk.read_bytes() == LOG
    assert evidence.file.path == str(on_disk)
