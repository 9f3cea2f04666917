"""The personal data categories the assessment accepts: the keys of ``[enisa.categories]`` in gdpr.toml.

Kept apart from the rulebook so the facts model can refuse an unknown category when the facts are read
(the rulebook itself reads the facts model, so it cannot be asked). An unknown category is refused
with the accepted ones named, instead of failing later inside the ENISA score.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

GDPR_RULES = Path(__file__).parent / "rules" / "gdpr.toml"


@lru_cache(maxsize=1)
def accepted_categories() -> tuple[str, ...]:
    """Every data category gdpr.toml scores, sorted, as a person would type it (lower case)."""
    table = tomllib.loads(GDPR_RULES.read_text(encoding="utf-8")).get("enisa", {}).get("categories", {})
    return tuple(sorted(table))


def unknown_categories(names: list[str]) -> list[str]:
    """The names among ``names`` that are not accepted, exactly as listed (the API's schema lists them as an
    enum, so the API accepts what its document promises and nothing else; the web form lower-cases what is typed)."""
    known = set(accepted_categories())
    return [name for name in names if name not in known]


def refusal(unknown: list[str]) -> str:
    """The message for unknown categories: which ones, and every accepted one."""
    listed = ", ".join(repr(name) for name in unknown)
    noun = "category" if len(unknown) == 1 else "categories"
    return f"unknown data {noun} {listed}; use one or more of: {', '.join(accepted_categories())}"


@lru_cache(maxsize=1)
def category_labels() -> dict[str, str]:
    """Each accepted category with its label in plain words (gdpr.toml), in the order of the file: the incident
    form's choice list and what pages, drafts and exports show instead of the stored name."""
    table = tomllib.loads(GDPR_RULES.read_text(encoding="utf-8")).get("enisa", {}).get("categories", {})
    return {name: entry.get("label", name) if isinstance(entry, dict) else name for name, entry in table.items()}


def label(name: str) -> str:
    """The plain-words label of one category (the name itself if the table does not know it)."""
    return category_labels().get(name, name)


#: Words people typed into the register's former free-text "data classes" that mean a listed category.
SYNONYMS = {
    "email": "contact", "e-mail": "contact", "email address": "contact", "phone": "contact", "address": "contact",
    "contact details": "contact", "names": "name", "medical": "health", "health data": "health",
    "card": "payment", "credit card": "payment", "payment card": "payment", "iban": "bank",
    "bank account": "bank", "password": "credentials", "passwords": "credentials", "login": "credentials",
    "location data": "location", "gps": "location", "biometrics": "biometric", "criminal record": "criminal",
    "chat": "prompts", "chats": "prompts", "chat logs": "prompts", "messages": "communications",
}


def from_words(words: list[str]) -> tuple[list[str], list[str]]:
    """Split words a person wrote into listed categories (case and synonyms ignored) and the others, kept
    verbatim so nothing written is lost. Both lists keep their order and hold each entry once."""
    known = set(accepted_categories())
    categories: list[str] = []
    others: list[str] = []
    for word in (w.strip() for w in words):
        if not word:
            continue
        key = SYNONYMS.get(word.lower(), word.lower())
        target = categories if key in known else others
        value = key if key in known else word
        if value not in target:
            target.append(value)
    return categories, others
