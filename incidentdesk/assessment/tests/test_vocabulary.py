"""The vocabulary covers the facts schema exactly: every fact has words, every entry names a fact."""

from __future__ import annotations

import pytest

from incidentdesk.assessment import vocabulary
from incidentdesk.assessment.facts import IncidentFacts, ToolFacts, fact_paths


def test_every_fact_in_the_schema_has_a_label_help_and_why():
    missing = [path for path in fact_paths() if path not in vocabulary.terms()]
    assert not missing, f"facts without a vocabulary entry: {missing}"


def _derived_exists(path: str) -> bool:
    """A derived fact is a property of the facts models (or the assessment's severity level)."""
    if path == "severity.level":
        return True
    if path.startswith("tools[]."):
        return isinstance(getattr(ToolFacts, path.removeprefix("tools[]."), None), property)
    return isinstance(getattr(IncidentFacts, path, None), property)


def test_every_vocabulary_entry_names_a_fact_of_the_schema():
    paths = set(fact_paths())
    stray = [f"{t.source}: {t.path}" for t in vocabulary.terms().values()
             if t.path not in paths and not (t.derived and _derived_exists(t.path))]
    assert not stray, f"vocabulary entries for no fact: {stray}"


def test_every_derived_fact_a_rule_reads_has_words():
    """Item 1: a reason names every fact a condition reads in words, the derived ones included."""
    from incidentdesk.assessment.rulebook import default_rulebook

    read: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if "fact" in node:
                read.add(node["fact"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for rule in default_rulebook().obligations:
        walk(rule.when)
    missing = sorted(path for path in read if vocabulary.term(path) is None)
    assert not missing, f"facts the rules read without words: {missing}"
    for path in read - set(fact_paths()):
        assert vocabulary.term(path).derived, path
        assert _derived_exists(path), path


def test_the_data_categories_have_one_source_of_words():
    """Item 2: the choices of the data categories are gdpr.toml's labels, not a second list."""
    from incidentdesk.assessment.categories import category_labels

    assert vocabulary.choices("personal_data.data_categories") == list(category_labels().items())
    assert vocabulary.choice_label("personal_data.data_categories", "identity") == (
        "Identity data (date of birth, ID or passport numbers)")


def test_every_choice_value_has_a_label_and_every_label_a_value():
    for path in fact_paths():
        accepted = vocabulary.choices_of(IncidentFacts, path)
        labelled = list(vocabulary.terms()[path].choices)
        assert sorted(labelled) == sorted(accepted), path


def test_labels_are_words_not_field_names():
    for term in vocabulary.terms().values():
        for text in (term.label, term.help, term.why, *term.choices.values()):
            assert "_" not in text, (term.path, text)
            assert text[:1].isupper(), (term.path, text)


def test_a_path_defined_in_two_files_is_refused(tmp_path, monkeypatch):
    (tmp_path / "a.toml").write_text('[harm]\nlabel = "A"\nhelp = "B"\nwhy = "C"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[harm]\nlabel = "A"\nhelp = "B"\nwhy = "C"\n', encoding="utf-8")
    monkeypatch.setattr(vocabulary, "FOLDER", tmp_path)
    vocabulary.terms.cache_clear()
    try:
        with pytest.raises(vocabulary.VocabularyError, match="already defined in a.toml"):
            vocabulary.terms()
    finally:
        vocabulary.terms.cache_clear()


def test_an_entry_without_why_is_refused(tmp_path, monkeypatch):
    (tmp_path / "a.toml").write_text('[harm]\nlabel = "A"\nhelp = "B"\n', encoding="utf-8")
    monkeypatch.setattr(vocabulary, "FOLDER", tmp_path)
    vocabulary.terms.cache_clear()
    try:
        with pytest.raises(vocabulary.VocabularyError, match="needs why"):
            vocabulary.terms()
    finally:
        vocabulary.terms.cache_clear()


def test_the_functions_offered_to_others():
    assert vocabulary.label("personal_data.key_compromised") == "Was the encryption key compromised?"
    assert vocabulary.label("personal_data__key_compromised") == "Was the encryption key compromised?"
    assert "GDPR Art 33(3)(a)" in vocabulary.why("personal_data.data_subjects")
    assert vocabulary.help("tools[0].high_risk").startswith("Yes if the inventory")
    assert vocabulary.choice_label("categories", "bias_discrimination") == "Bias or discrimination"
    assert vocabulary.choice_label("personal_data.recipient", "public") == "The public"
    assert vocabulary.choice_label("harm.death", None) == "Unknown"
    assert vocabulary.show("personal_data.lost", ["confidentiality"]) == "Confidentiality (disclosed or accessed)"
    assert vocabulary.describe("tools[1].high_risk", ["Chatbot", "HR screener"]) == (
        "Is the tool a high-risk AI system? (tool: HR screener)")


def test_the_api_schema_describes_facts_in_the_vocabulary_words():
    schema = IncidentFacts.model_json_schema()
    data = schema["$defs"]["PersonalDataFacts"]["properties"]["key_compromised"]
    assert data["title"] == "Was the encryption key compromised?"
    assert "Why: Encryption only protects" in data["description"]
    assert schema["properties"]["published_externally"]["title"] == (
        "Was the output published outside the organisation?")


def test_data_categories_listed_again_in_the_vocabulary_are_refused(tmp_path, monkeypatch):
    """Decision 89: gdpr.toml is their one list; a second list in a vocabulary file fails at load."""
    (tmp_path / "a.toml").write_text('["personal_data.data_categories"]\nlabel = "A"\nhelp = "B"\nwhy = "C"\n'
                                     '["personal_data.data_categories".choices]\nidentity = "ID"\n', encoding="utf-8")
    monkeypatch.setattr(vocabulary, "FOLDER", tmp_path)
    vocabulary.terms.cache_clear()
    try:
        with pytest.raises(vocabulary.VocabularyError, match="repeats choices"):
            vocabulary.terms()
    finally:
        vocabulary.terms.cache_clear()
