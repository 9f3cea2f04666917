"""Every rule file loads, cites its source and says when it was last checked; bad files fail loudly."""

import shutil
from pathlib import Path

import pytest

from incidentdesk.assessment.rulebook import RULES_DIR, RuleFileError, load_rulebook

REGIMES = {"ai_act", "gdpr", "nis2", "dora", "california_sb53", "new_york_raise", "colorado", "internal", "mdr", "cra"}


def test_it_loads_one_file_per_regime_plus_severity():
    rulebook = load_rulebook()
    assert set(rulebook.regimes) == REGIMES
    assert [level.level for level in rulebook.severity.level] == [1, 2, 3, 4]


def test_every_rule_cites_an_article_and_carries_its_file_version():
    rulebook = load_rulebook()
    for rule in rulebook.obligations:
        assert rule.citation.strip(), rule.id
        assert rule.version == rulebook.regimes[rule.regime].meta.version
    for rule in rulebook.severity.rule:
        assert rule.citation.strip(), rule.id
    assert all(f.meta.last_checked for f in rulebook.regimes.values())


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def test_a_condition_on_an_unknown_fact_fails_at_load(tmp_path):
    rules = _copy(tmp_path)
    path = rules / "gdpr.toml"
    path.write_text(path.read_text().replace('fact = "personal_data.involved"', 'fact = "personal_data.involvd"', 1))
    with pytest.raises(RuleFileError, match="personal_data.involvd"):
        load_rulebook(rules)


def test_a_rule_without_a_citation_fails_at_load(tmp_path):
    rules = _copy(tmp_path)
    path = rules / "nis2.toml"
    path.write_text(path.read_text().replace('citation = "NIS2 Art 23(1)"\n', "", 1))
    with pytest.raises(RuleFileError, match="citation"):
        load_rulebook(rules)


def test_a_rule_not_in_force_must_say_why(tmp_path):
    rules = _copy(tmp_path)
    path = rules / "colorado.toml"
    text = path.read_text()
    path.write_text(text[: text.index("not_in_force_reason")] + text[text.index("when = "):])
    with pytest.raises(RuleFileError, match="not_in_force_reason"):
        load_rulebook(rules)


def test_invalid_toml_names_the_file(tmp_path):
    rules = _copy(tmp_path)
    (rules / "dora.toml").write_text("[meta\n")
    with pytest.raises(RuleFileError, match="dora.toml"):
        load_rulebook(rules)
