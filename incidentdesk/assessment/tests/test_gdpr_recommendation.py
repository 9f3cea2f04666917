"""ENISA score and the Art 33/34 recommendation, each case naming its source."""

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from incidentdesk.assessment.gdpr import UnknownDataCategory, recommend
from incidentdesk.assessment.rulebook import default_rulebook
from incidentdesk.refusals import Refused

from .facts import make
from .test_assess_never_crashes import facts_input

ENISA = default_rulebook().enisa


def gdpr(**personal_data):
    return recommend(make(personal_data={"involved": True} | personal_data), ENISA)


KNOWN = dict(identifiability="maximum", malicious=False, exfiltrated=False, vulnerable_subjects=False,
             revealing_context=False, consequences_lasting=False, encrypted=False, data_subjects=10)

CASES = [
    # (source, personal data facts, ENISA score, band, notify, communicate)
    ("9/2022 para 102: health data to the public -> high risk; Art 33(1) + 34(1)",
     dict(lost=["confidentiality"], data_categories=["health"], recipient="public"), 4.5, "very high", True, True),
    ("01/2021 cases 13, 15: contact data to a well-meaning recipient, negligible consequences -> no risk",
     dict(lost=["confidentiality"], data_categories=["contact"], recipient="trusted", recipient_deleted=False,
          consequences="negligible"), 1.25, "low", False, False),
    ("9/2022 para 102: financial data, untrusted recipient -> fraud likely, high risk",
     dict(lost=["confidentiality"], data_categories=["financial"], recipient="untrusted"), 3.5, "high", True, True),
    ("Art 34(3)(a), 01/2021 case 01: encrypted, key safe -> unintelligible, no risk",
     dict(lost=["confidentiality"], data_categories=["health"], key_compromised=False, recipient="untrusted")
     | {"encrypted": True}, 1.0, "low", False, False),
    ("Behavioural data taken with malicious intent -> a risk, not a high one",
     dict(lost=["confidentiality"], data_categories=["behavioural"], recipient="untrusted", malicious=True),
     3.0, "high", True, False),
    ("01/2021 case 01: availability restored from backup within hours, no effect -> no risk",
     dict(lost=["availability"], data_categories=["contact"], backup_available=True, restore_hours=2,
          consequences="negligible"), 1.0, "low", False, False),
]


@pytest.mark.parametrize(("source", "facts", "score", "band", "notify", "communicate"), CASES,
                         ids=[c[0] for c in CASES])
def test_recommendation_with_the_enisa_score_beside_it(source, facts, score, band, notify, communicate):
    result = gdpr(**(KNOWN | facts))
    assert (result.score, result.band) == (score, band), result.enisa_reasons
    assert (result.notify_supervisory_authority, result.communicate_to_data_subjects) == (notify, communicate), (
        result.reasons)
    assert not result.provisional


def test_reasons_cite_the_articles_and_the_guidelines():
    result = gdpr(**(KNOWN | dict(lost=["confidentiality"], data_categories=["health"], recipient="public")))
    text = " ".join(result.reasons)
    for cited in ("Art 33(1)", "Art 34(1)", "Art 34(3)(c)", "EDPB Guidelines 9/2022 para 102"):
        assert cited in text


def test_the_enisa_score_is_an_input_not_the_decision():
    """Issue 11, error 5: a 'very high' ENISA score used to decide; here the EDPB factors decide (the recipient
    confirmed deletion) and the score stays in the record."""
    result = gdpr(**(KNOWN | dict(lost=["confidentiality"], data_categories=["health"], recipient="trusted",
                                  recipient_deleted=True)))
    assert result.band in ("high", "very high")
    assert result.notify_supervisory_authority is False
    assert result.enisa_reasons[0].startswith("ENISA severity")
    assert not any(line.startswith("ENISA") for line in result.reasons)


@pytest.mark.parametrize("people", [1000, 5000, 1_000_000])
def test_many_people_alone_no_longer_force_notification(people):
    """Issue 11, error 5: '1,000 data subjects or more forces notification' had no source. Volume is one factor:
    it is named, with the count, and weighed by a person."""
    result = gdpr(**(KNOWN | dict(lost=["confidentiality"], data_categories=["contact"], recipient="trusted",
                                  recipient_deleted=False, consequences="negligible", data_subjects=people)))
    assert result.notify_supervisory_authority is False
    number = next(f for f in result.factors if f["key"] == "number")
    assert str(people) in number["finding"]
    assert "Number of affected individuals" in number["citation"]


def test_the_rule_file_has_no_large_scale_threshold():
    assert "large_scale_subjects" not in ENISA


def test_unknowns_give_the_worst_case_provisionally_named_in_plain_words():
    result = gdpr(lost=["confidentiality"])
    assert result.outcome == "high_risk"
    assert result.provisional is True
    assert result.best_case == "no_risk"
    assert "Provisional" in result.reasons[1]
    still = next(line for line in result.reasons if line.startswith("Still to establish: "))
    assert "which kinds of personal data are concerned" in still
    assert "who received or saw the data" in still
    assert "personal_data." not in " ".join(result.reasons)
    assert {"personal_data.data_categories", "personal_data.identifiability", "personal_data.recipient"} <= set(
        result.unknown)


def test_an_unknown_that_cannot_change_the_outcome_does_not_make_it_provisional():
    result = gdpr(**(KNOWN | dict(lost=["confidentiality"], data_categories=["health"], recipient="public")
                     | {"identifiability": None}))
    assert result.outcome == "high_risk"
    assert result.provisional is False
    assert "personal_data.identifiability" in result.unknown


def test_unknown_security_property_assumes_all_three():
    result = gdpr(**(KNOWN | dict(data_categories=["contact"], recipient="trusted", recipient_deleted=True,
                                  backup_available=True, restore_hours=1, consequences="negligible")))
    assert result.outcome == "no_risk"
    assert result.provisional is False


def test_other_kinds_of_data_are_unknown_sensitivity():
    result = gdpr(**(KNOWN | dict(lost=["confidentiality"], data_categories=["contact"], recipient="untrusted",
                                  other_data_categories=["shoe size"])))
    assert result.outcome == "high_risk"
    assert result.provisional
    assert "shoe size" in " ".join(result.reasons)


def test_a_person_s_consequences_estimate_cannot_wave_away_special_categories():
    """9/2022 para 102: for special categories, damage should be considered likely."""
    result = gdpr(**(KNOWN | dict(lost=["confidentiality"], data_categories=["health"], recipient="untrusted",
                                  consequences="negligible")))
    assert result.outcome == "high_risk"


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
    enisa = ENISA | {"categories": {"contact": {"dpc": 1, "kind": "simple", "label": "Contact details"}}}
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


def _rules_dir(tmp_path, edit):
    import shutil

    from incidentdesk.assessment.rulebook import RULES_DIR

    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    path = target / "gdpr.toml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def test_assess_with_a_rulebook_from_elsewhere_refuses_an_unknown_category(tmp_path):
    """Issue 11, error 5, every path: a rule file without 'health' gives a refusal naming the accepted ones."""
    from incidentdesk.assessment.engine import assess
    from incidentdesk.assessment.rulebook import load_rulebook

    rules = load_rulebook(_rules_dir(tmp_path, lambda text: "\n".join(
        line for line in text.splitlines() if not line.startswith("health ="))))
    facts = make(personal_data={"involved": True, "lost": ["confidentiality"], "data_categories": ["health"]})
    with pytest.raises(UnknownDataCategory, match="unknown data category 'health'; use one or more of: bank") as no:
        assess(facts, rulebook=rules)
    assert isinstance(no.value, Refused)


def test_a_rule_file_whose_edpb_table_misses_a_factor_does_not_load(tmp_path):
    from incidentdesk.assessment.rulebook import RuleFileError, load_rulebook

    directory = _rules_dir(tmp_path, lambda text: text.replace("[edpb.factors.deletion]", "[edpb.factors.erasure]"))
    with pytest.raises(RuleFileError, match=r"gdpr.toml: (.|\n)*\[edpb.factors\] misses deletion"):
        load_rulebook(directory)


@settings(max_examples=200, deadline=None)
@given(facts_input())
def test_the_recommendation_always_follows_the_outcome(raw):
    """For any facts the schema allows: Art 33 iff a risk, Art 34 iff a high risk, the best case never worse than
    the shown (worst) one, and 'provisional' exactly when the two differ."""
    from incidentdesk.assessment.facts import IncidentFacts

    try:
        facts = IncidentFacts.model_validate(raw)
    except ValueError:
        return
    result = recommend(facts, ENISA)
    if result.outcome is None or result.applicable is not True:
        return
    rank = {"no_risk": 0, "risk": 1, "high_risk": 2}
    assert result.notify_supervisory_authority == (result.outcome != "no_risk")
    assert result.communicate_to_data_subjects == (result.outcome == "high_risk")
    assert result.provisional == (result.best_case is not None)
    if result.provisional:
        assert rank[result.best_case] < rank[result.outcome]
