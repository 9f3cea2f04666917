"""docs/rules.md lists, per rule, the source checked, the date and our reading, exactly as the rule files say."""

import shutil

import pytest

from incidentdesk.assessment import sources
from incidentdesk.assessment.rulebook import RULES_DIR, load_rulebook


def test_the_per_rule_table_in_docs_rules_md_matches_the_rule_files():
    text = sources.DOC.read_text(encoding="utf-8")
    assert sources.section(load_rulebook()) in text, (
        "docs/rules.md's per-rule table differs from the rule files: run python -m incidentdesk.assessment.sources")


def test_every_rule_has_a_row_with_its_date_and_reading():
    rulebook = load_rulebook()
    rows = {line.split("|")[1].strip(" `"): line for line in sources.rows(rulebook)}
    assert set(rows) == {r.id for r in rulebook.obligations} | {r.id for r in rulebook.severity.rule}
    contain = rows["PROC-4-L3-CONTAIN"]
    assert "| 2026-12-01 |" in contain
    assert "M: our own reading" in contain
    assert "we read it as within 24 hours of detection" in contain
    assert "| P: checked against the official text | Regulation (EU) 2022/2554 Art 19 | — |" in rows["DORA-19-3-CLIENTS"]


def test_an_edited_rule_file_makes_the_table_drift(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    nis2 = rules / "nis2.toml"
    nis2.write_text(nis2.read_text(encoding="utf-8").replace('last_checked = "2026-11-22"',
                                                             'last_checked = "2027-01-05"'), encoding="utf-8")
    assert sources.section(load_rulebook(rules)) not in sources.DOC.read_text(encoding="utf-8")
    rewritten = sources.rewrite(sources.DOC.read_text(encoding="utf-8"), load_rulebook(rules))
    assert "| `NIS2-23-4-A-EARLY-WARNING` | NIS2 — Directive (EU) 2022/2555 2026.11.1 | 2027-01-05 |" in rewritten
    assert rewritten.startswith("# Rule files")  # the rest of the document is kept


def test_a_document_without_the_markers_is_refused():
    with pytest.raises(ValueError, match="markers"):
        sources.rewrite("# Rule files\n", load_rulebook())
