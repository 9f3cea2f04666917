"""Procedure references read as words in text and as links in the web; the page shows every section."""

import pytest

from incidentdesk.procedure.references import linked, procedure, readable

CASES = [
    ("Seed procedure §6 step 3",
     "Our incident procedure, section 6 'Response workflow', step 3 'Classify'"),
    ("Seed procedure §4, Level 2 minimum response",
     "Our incident procedure, section 4 'Severity levels and minimum response', level 2 'Moderate' minimum response"),
    ("Seed procedure §4, Level 3 minimum response; §6 step 4",
     "Our incident procedure, section 4 'Severity levels and minimum response', level 3 'Major' minimum response; "
     "section 6 'Response workflow', step 4 'Notify'"),
    ("Seed procedure §4, Level 3; GDPR Art 4(12)",
     "Our incident procedure, section 4 'Severity levels and minimum response', level 3 'Major'; GDPR Art 4(12)"),
    ("needs written reasoning (seed §6 step 3)",
     "needs written reasoning (our incident procedure, section 6 'Response workflow', step 3 'Classify')"),
    ("AI incident categories (ISO 42001 policy template §2; seed procedure §3)",
     "AI incident categories (ISO 42001 policy template §2; our incident procedure, section 3 'What counts as an AI "
     "incident')"),
    ("GDPR Art 33(1)", "GDPR Art 33(1)"),
]


@pytest.mark.parametrize(("cited", "words"), CASES)
def test_references_read_as_words(cited, words):
    assert readable(cited) == words


def test_every_shipped_citation_reads_without_a_paragraph_sign():
    """Every "seed §N" the rule files cite becomes words (other laws' § signs, such as SB 53's, stay)."""
    from pathlib import Path

    rules = Path(__file__).resolve().parents[2] / "assessment" / "rules"
    for file in rules.glob("*.toml"):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.startswith("citation") and ("eed" in line or "ncident procedure" in line):
                assert "§" not in readable(line).replace("§22757", "").replace("§1422", ""), line


def test_links_point_at_the_section_and_escape_the_rest():
    html = linked("<b>x</b> Seed procedure §4, Level 2 and §6 step 3")
    assert html.startswith("&lt;b&gt;x&lt;/b&gt; Our incident procedure, ")
    assert '<a href="/procedure/#section-4-level-2">section 4 &#x27;Severity levels and minimum response&#x27;, level 2' \
           in html
    assert '<a href="/procedure/#section-6-step-3">' in html


def test_the_procedure_page_shows_every_section_with_anchors(as_person):
    page = as_person("viewer").get("/procedure/").content.decode()
    for section in procedure().sections:
        assert f'id="section-{section.number}"' in page
        assert section.title.replace("'", "&#x27;") in page
    assert 'id="section-4-level-3"' in page
    assert 'id="section-6-step-3"' in page
