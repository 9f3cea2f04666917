"""ENISA score and the Art 33/34 recommendation, each case naming its source."""

import pytest
from pydantic import ValidationError

from incidentdesk.assessment.gdpr import UnknownDataCategory, recommend
from incidentdesk.assessment.rulebook import default_rulebook
from incidentdesk.refusals import Refused

from .facts import make

ENISA = default_rulebook().enisa


def gdpr(**personal_data):
    return recommend(make(personal_data={"involved": True} | personal_data), ENISA)


CASES = [
    # (source, personal data facts, score, band, notify, communicate)
    ("ENISA: sensitive data, identifiable, public -> very high; Art 33(1) + 34(1)",
     dict(lost=["confidentiality"], data_categories=["health"], identifiability="maximum", recipient="public",
          malicious=False), 4.5, "very high", True, True),
    ("ENISA: contact data to a trusted recipient -> low; Art 33(1) 'unlikely to result in a risk'",
     dict(lost=["confidentiality"], data_categories=["contact"], identifiability="maximum", recipient="trusted",
          malicious=False, data_subjects=3), 1.25, "low", False, False),
    ("ENISA: financial data, untrusted recipient -> high",
     dict(lost=["confidentiality"], data_categories=["financial"], identifiability="maximum",
          recipient="untrusted", malicious=False), 3.5, "high", True, True),
    ("Art 34(3)(a): encrypted, key safe -> unintelligible, no communication",
     dict(lost=["confidentiality"], data_categories=["health"], encrypted=True, key_compromised=False,
          identifiability="maximum", recipient="untrusted", malicious=False), 1.0, "low", False, False),
    ("ENISA CB: malicious theft adds 0.5",
     dict(lost=["confidentiality"], data_categories=["behavioural"], identifiability="significant",
          recipient="untrusted", malicious=True), 2.5, "medium", True, False),
    ("ENISA CB: availability restored from backup within a day adds nothing",
     dict(lost=["availability"], data_categories=["contact"], identifiability="maximum", backup_available=True,
          restore_hours=2, malicious=False), 1.0, "low", False, False),
]


@pytest.mark.parametrize(("source", "facts", "score", "band", "notify", "communicate"), CASES,
                         ids=[c[0] for c in CASES])
def test_score_band_and_recommendation(source, facts, score, band, notify, communicate):
    result = gdpr(**facts)
    assert (result.score, result.band) == (score, band), result.reasons
    assert (result.notify_supervisory_authority, result.communicate_to_data_subjects) == (notify, communicate)


def test_reasons_cite_the_articles():
    result = gdpr(lost=["confidentiality"], data_categories=["health"], identifiability="maximum", recipient="public")
    text = " ".join(result.reasons)
    assert "Art 33(1)" in text
    assert "Art 34(1)" in text
    assert "Art 34(3)(c)" in text


def test_many_people_tip_a_low_score_into_notifying():
    result = gdpr(lost=["confidentiality"], data_categories=["contact"], identifiability="maximum",
                  recipient="trusted", malicious=False, data_subjects=5000)
    assert result.band == "low"
    assert result.notify_supervisory_authority is True


def test_unknowns_are_assumed_the_worst_and_listed():
    result = gdpr(lost=["confidentiality"])
    assert result.band == "very high"
    assert {"personal_data.data_categories", "personal_data.identifiability", "personal_data.recipient"} <= set(
        result.unknown)


def test_no_loss_is_not_a_breach():
    result = gdpr(lost=[])
    assert result.notify_supervisory_authority is False
    assert "Art 4(12)" in result.reasons[0]


def test_no_personal_data_means_gdpr_does_not_apply():
    result = recommend(make(personal_data={"involved": False}), ENISA)
    assert result.applicable is False


def test_an_unknown_data_category_is_refused_with_the_known_ones():
    # Issue 11, error 5: it used to pass the facts and crash inside the ENISA score.
    with pytest.raises(ValidationError) as refused:
        gdpr(lost=["confidentiality"], data_categories=["horoscope"])
    message = str(refused.value)
    assert "unknown data category 'horoscope'" in message
    assert "contact" in message
    assert "health" in message


def test_a_category_is_one_of_the_listed_names_exactly():
    """The API's schema lists the categories as an enum, so the facts accept exactly those names; the web
    form lower-cases and trims what a person types before it gets here."""
    assert gdpr(lost=["confidentiality"], data_categories=["health"]).band == "very high"
    with pytest.raises(ValueError, match="unknown data category ' Health '; use one or more of: bank"):
        gdpr(lost=["confidentiality"], data_categories=[" Health "])


def test_a_rulebook_without_the_category_refuses_instead_of_crashing():
    enisa = ENISA | {"categories": {"contact": [1, "simple"]}}
    facts = make(personal_data={"involved": True, "lost": ["confidentiality"], "data_categories": ["health"]})
    with pytest.raises(UnknownDataCategory, match="use one or more of: contact") as refused:
        recommend(facts, enisa)
    assert isinstance(refused.value, Refused)


def test_the_decision_is_kept_beside_the_recommendation():
    facts = make(personal_data={"involved": True, "lost": ["confidentiality"], "data_categories": ["health"]},
                 gdpr_decision={"notify_supervisory_authority": False, "communicate_to_data_subjects": False,
                                "reasons": "Counsel advice"})
    result = recommend(facts, ENISA)
    assert result.notify_supervisory_authority is True
    assert result.decision["notify_supervisory_authority"] is False
