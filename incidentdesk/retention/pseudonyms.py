"""A pseudonymised view of the register for exports that leave the organisation (seed §8, GDPR Art 4(5)).

E-mail addresses, phone numbers and the names the system knows (people who sign in, contacts, who took an
action or is assigned one, who was informed) are replaced in free text by pseudonyms that stay the same across the
whole export: "Person 1" is the same person in every row and sheet, so the reader can follow the story without
learning who it was. Names the system does not know (a client's employee typed into a description) are not
found: redact them first (``redaction.py``); docs/security.md says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# An international or local number of at least 8 digits, with the usual separators.
PHONE = re.compile(r"(?<![\w+])(?:\+\d|0\d)[\d ()./-]{6,}\d(?!\w)")
#: Words that are never a person, though they are someone's name in the system (a role, a team).
SHORTEST_NAME = 3


def known_names() -> list[str]:
    """Names of people the system knows, longest first (so "Ana de Vries" goes before "Ana")."""
    names: set[str] = set()
    for user in get_user_model().objects.all():
        names.update({user.get_full_name().strip(), user.first_name.strip(), user.last_name.strip()})
    names.update(apps.get_model("contacts", "Contact").objects.values_list("name", flat=True))
    names.update(apps.get_model("containment", "ContainmentAction").objects.values_list("taken_by", flat=True))
    # A corrective action's assignee is a user (read above): the free-text owner field is gone.
    names.update(apps.get_model("breaches", "SubjectCommunication").objects.values_list("informed_by", flat=True))
    return sorted({n for n in names if n and len(n) >= SHORTEST_NAME}, key=lambda n: (-len(n), n))


class Pseudonymiser:
    """Replaces personal details in text, the same detail by the same pseudonym for the life of the object."""

    def __init__(self, names: Iterable[str] | None = None) -> None:
        self.names = list(known_names() if names is None else names)
        self._name_pattern = (re.compile(r"\b(" + "|".join(re.escape(n) for n in self.names) + r")\b", re.IGNORECASE)
                              if self.names else None)
        self.people: dict[str, str] = {}
        self.emails: dict[str, str] = {}
        self.phones: dict[str, str] = {}

    def _person(self, match: re.Match[str]) -> str:
        return self.people.setdefault(match.group(0).casefold(), f"Person {len(self.people) + 1}")

    def _email(self, match: re.Match[str]) -> str:
        return self.emails.setdefault(match.group(0).casefold(), f"email-{len(self.emails) + 1}@example.invalid")

    def _phone(self, match: re.Match[str]) -> str:
        key = re.sub(r"\D", "", match.group(0))
        return self.phones.setdefault(key, f"[phone {len(self.phones) + 1}]")

    def text(self, value: str) -> str:
        value = EMAIL.sub(self._email, value)
        value = PHONE.sub(self._phone, value)
        return self._name_pattern.sub(self._person, value) if self._name_pattern else value

    def __call__(self, value: Any) -> Any:
        """One exported value: text pseudonymised, lists item by item, anything else (dates, numbers) as it is."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self(v) for v in value]
        return value
