"""One vocabulary of facts: each fact's label, help text and "why we ask", defined once (issue 12, item 1).

Every ``*.toml`` file in this folder holds one table per fact path of the facts schema
(``incidentdesk/assessment/facts.py``), e.g. ``["personal_data.key_compromised"]`` or ``["tools[].high_risk"]``,
with ``label``, ``help`` and ``why`` and, for a fact with a fixed set of answers, ``choices``. ``facts.toml``
covers the schema as first built; an engineer who adds a fact adds a file of their own, so files merge without
conflicts. A path defined twice is an error, and a test fails when the schema and the vocabulary disagree.

``derived.toml`` names, with ``derived = true``, the facts the assessment derives from the schema's facts
(properties of the facts models, e.g. ``tools[].high_risk_provided``): the rules' conditions read them, and a
reason shows them to people in these words. The data categories' choices are not repeated here: their one
source is ``[enisa.categories]`` in the rules' gdpr.toml (labels), filled in by :func:`terms` (decision 89).

The forms, the workspace, the preview's "Still unknown" list, validation errors and the API schema all read
their words from here, through :func:`label`, :func:`help`, :func:`why`, :func:`choice_label`,
:func:`describe` and :func:`show`.
"""

from __future__ import annotations

import re
import tomllib
import typing
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent
#: "tools[0].high_risk" → ("tools", "0", "high_risk"): an index in a list of tools.
_INDEX = re.compile(r"^(?P<list>[a-z_]+)\[(?P<index>\d*)\]")
YES_NO = {True: "Yes", False: "No", None: "Unknown"}


class VocabularyError(ValueError):
    """A vocabulary file is malformed, or defines a path another file defines too."""


@dataclass(frozen=True)
class Term:
    """The words for one fact."""

    path: str
    label: str
    help: str
    why: str
    choices: dict[str, str] = field(default_factory=dict)
    source: str = ""
    derived: bool = False


def _gdpr_categories() -> dict[str, str]:
    from incidentdesk.assessment.categories import category_labels

    return category_labels()


#: Facts whose choices have their one source elsewhere: path → the function returning {value: label}.
CHOICES_FROM = {"personal_data.data_categories": _gdpr_categories}


def _term(path: str, table: dict[str, Any], source: str) -> Term:
    missing = [key for key in ("label", "help", "why") if not str(table.get(key, "")).strip()]
    if missing:
        raise VocabularyError(f"{source}: [{path!r}] needs {', '.join(missing)}")
    extra = set(table) - {"label", "help", "why", "choices", "derived"}
    if extra:
        raise VocabularyError(f"{source}: [{path!r}] has unknown keys {sorted(extra)}")
    if path in CHOICES_FROM and table.get("choices"):
        raise VocabularyError(f"{source}: [{path!r}] repeats choices whose one source is elsewhere; remove them")
    choices = {str(k): str(v) for k, v in (table.get("choices") or {}).items()}
    if path in CHOICES_FROM:
        choices = dict(CHOICES_FROM[path]())
    return Term(path, table["label"].strip(), table["help"].strip(), table["why"].strip(), choices, source,
                table.get("derived") is True)


@lru_cache(maxsize=1)
def terms() -> dict[str, Term]:
    """Every term of every vocabulary file in this folder, by fact path."""
    found: dict[str, Term] = {}
    for file in sorted(FOLDER.glob("*.toml")):
        for path, table in tomllib.loads(file.read_text(encoding="utf-8")).items():
            if path in found:
                raise VocabularyError(f"{file.name}: {path!r} is already defined in {found[path].source}")
            found[path] = _term(path, table, file.name)
    return found


def normalise(path: str) -> str:
    """The vocabulary path of a concrete one: "tools[0].high_risk" and "personal_data__lost" as stored paths."""
    path = path.replace("__", ".")
    return re.sub(r"\[\d+\]", "[]", path)


def term(path: str) -> Term | None:
    return terms().get(normalise(path))


def label(path: str) -> str:
    """The fact's label; a path without one reads as words, never as a field name."""
    found = term(path)
    return found.label if found else _words(path)


def help(path: str) -> str:  # noqa: A001 - the name the vocabulary offers (label, help, why)
    found = term(path)
    return found.help if found else ""


def why(path: str) -> str:
    found = term(path)
    return found.why if found else ""


def choice_label(path: str, value: Any) -> str:
    """The label of one answer: a choice's own words, Yes/No/Unknown for a yes/no fact."""
    if value is None or isinstance(value, bool):
        return YES_NO[value]
    value = value.value if isinstance(value, Enum) else value
    found = term(path)
    if found and str(value) in found.choices:
        return found.choices[str(value)]
    return _words(str(value))


def choices(path: str) -> list[tuple[str, str]]:
    """The answers of a choice fact, in the vocabulary's order, as (value, label) pairs."""
    found = term(path)
    return list(found.choices.items()) if found else []


def show(path: str, value: Any) -> str:
    """A fact's value as a person reads it: Yes/No/Unknown, choice labels, numbers, names."""
    if value is None or isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, (list, tuple)):
        return ", ".join(choice_label(path, item) for item in value) if value else "None"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    found = term(path)
    return choice_label(path, value) if found and found.choices else str(value)


def describe(path: str, tool_names: list[str] | None = None) -> str:
    """A concrete path as words: "tools[0].high_risk" → "Is the tool a high-risk AI system? (tool: HR screener)"."""
    text = label(path)
    match = _INDEX.match(path.replace("__", "."))
    if match and match.group("index") and tool_names is not None:
        index = int(match.group("index"))
        if index < len(tool_names):
            text = f"{text} (tool: {tool_names[index]})"
    return text


def describe_all(paths: list[str], tool_names: list[str] | None = None) -> list[str]:
    """Several paths as words, e.g. the assessment's "Still unknown" list."""
    return [describe(path, tool_names) for path in paths]


def _words(key: str) -> str:
    """Last resort for a key the vocabulary does not have: its words, spaced, with acronyms kept."""
    last = normalise(key).rsplit(".", 1)[-1].replace("[]", "")
    words = last.replace("_", " ").strip()
    acronyms = {"ai": "AI", "gdpr": "GDPR", "nis2": "NIS2", "dora": "DORA", "ict": "ICT", "ip": "IP",
                "gpai": "GPAI", "enisa": "ENISA", "rca": "RCA", "sb53": "SB 53"}
    parts = [acronyms.get(word, word) for word in words.split()]
    text = " ".join(parts)
    return text[:1].upper() + text[1:] if text else key


# ---------------------------------------------------------------- The schema's paths


def _model_of(annotation: Any) -> tuple[type | None, bool]:
    """(the pydantic model inside an annotation, whether it is a list of them)."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    if typing.get_origin(annotation) is list:
        inner = typing.get_args(annotation)[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner, True
    return None, False


def _walk(model: type, prefix: str) -> list[str]:
    paths: list[str] = []
    for name, info in model.model_fields.items():
        inner, is_list = _model_of(info.annotation)
        path = f"{prefix}{name}{'[]' if is_list else ''}"
        paths.append(path)
        if inner is not None:
            paths += _walk(inner, f"{path}.")
    return paths


def paths_of(model: type) -> list[str]:
    """Every fact path of a facts model, groups included ("personal_data", "tools[]", "tools[].name").

    The facts model passes itself (``facts.fact_paths()``): the vocabulary does not import the facts, which read
    their words from here.
    """
    return _walk(model, "")


def choices_of(model: Any, path: str) -> list[str]:
    """The values a facts model accepts for a choice fact (Literal, enum, or the ENISA categories); [] otherwise."""
    annotation: Any = None
    for part in path.replace("[]", "").split("."):
        info = model.model_fields[part]
        annotation = info.annotation
        model, _ = _model_of(annotation)
    return _values(annotation)


def _values(annotation: Any) -> list[str]:
    if annotation is None:
        return []
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [member.value for member in annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return [str(v) for v in typing.get_args(annotation)]
    if origin is typing.Annotated:
        for meta in annotation.__metadata__:
            enum = getattr(meta, "json_schema", None) or {}
            if "enum" in enum:
                return list(enum["enum"])
        return []
    values: list[str] = []
    for arg in typing.get_args(annotation):
        values += _values(arg)
    return values


def json_schema_descriptions(prefix: str):
    """A pydantic ``json_schema_extra`` that describes each property of a facts model from the vocabulary.

    The API's OpenAPI document then says, for every fact, what it is and why it is asked, in the same words as
    the forms: ``help`` then "Why: " ``why``.
    """

    def extra(schema: dict[str, Any], model: type) -> None:
        for name, prop in (schema.get("properties") or {}).items():
            inner, is_list = _model_of(model.model_fields[name].annotation) if name in model.model_fields else (None,
                                                                                                                  False)
            found = term(f"{prefix}{name}{'[]' if is_list else ''}")
            if found:
                prop["title"] = found.label
                prop["description"] = f"{found.help} Why: {found.why}"

    return extra
