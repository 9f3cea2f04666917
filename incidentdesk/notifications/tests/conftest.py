"""Fixtures of the draft tests: the two cases of issue 12 (the HR screening case, the level-2 publication case)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from conftest import NOW

from .drafts_cases import CONTACT, HR_DESCRIPTION, HR_PARTIES


@pytest.fixture
def frozen_now():
    """Drafts are dated, and judged late, from the clock: write them at the test's NOW, never today."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def profile(organisation, manager):
    from incidentdesk.organisation.services import save_profile

    return save_profile(by=manager, contact_point=CONTACT, supervisory_authority="Gegevensbeschermingsautoriteit (GBA)")


@pytest.fixture
def hr_case(record, manager, profile):
    """Issue 12: an HR screening model rejected about 120 applicants aged over 50; a deployer in Belgium; level 3."""
    from incidentdesk.accounts.services import set_role
    from incidentdesk.capa.services import plan
    from incidentdesk.containment.services import contain

    incident = record(
        title="HR screening model rejected applicants over 50", description=HR_DESCRIPTION,
        detected_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC), tools=["ScreenAI"], categories=["bias_discrimination"],
        affected_parties=HR_PARTIES,
        facts={"automated_decision_without_human_review": True, "published_externally": False,
               "harm": {"algorithmic_discrimination": True},
               "personal_data": {"involved": True, "data_categories": ["biographical", "professional"],
                                 "data_subjects": 120}})
    contain(incident=incident, kind="stop_operation", taken_at=datetime(2026, 11, 20, 10, 30, tzinfo=UTC),
            taken_by="Head of HR", by=manager, description="Screening switched off; recruiters review every CV.",
            now=NOW)
    set_role(user=manager, role="incident_manager", by=None)
    plan(incident=incident, description="Re-test the model for age bias before any further use.",
         assignee=manager, due_on=date(2026, 12, 15), by=manager)
    assert incident.severity_level == 3
    return incident


@pytest.fixture
def publication_case(record, profile):
    """A level-2 case: a blog post drafted with an AI tool stated an unsupported figure and was published."""
    incident = record(
        title="Unsupported adoption figure in a published blog post",
        description="A blog post drafted with ChatGPT stated an adoption figure that no source supports.",
        detected_at=datetime(2026, 11, 21, 14, 0, tzinfo=UTC), tools=["ChatGPT"],
        categories=["misinformation_hallucination"], affected_parties="Readers of the blog",
        facts={"published_externally": True, "caught_in_review": False, "personal_data": {"involved": False}})
    assert incident.severity_level == 2
    return incident
