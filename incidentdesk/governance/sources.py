"""What the system knows, gathered for a generated document (issue 14, item 2).

Nothing here is re-derived: the levels and minimum responses are the severity rule file's, the regimes that
apply are the assessment engine's answer (``assessment.engine.assess``, the function the workspace and
``incidentdesk assess`` use) for an incident about which nothing is known yet, at this organisation, with the
tools of its inventory; the contacts are the directory; the roles are the people actually configured.

``fingerprint`` keeps what a generated version was written from, so a later change (a rule file's new version,
a new high-risk tool, a new authority contact) is noticed and described in words (``changes_since``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from incidentdesk.accounts.models import Role
from incidentdesk.accounts.permissions import role_of
from incidentdesk.assessment.engine import assess
from incidentdesk.assessment.rulebook import Level, Rulebook, default_rulebook
from incidentdesk.contacts.models import Contact, ContactKind
from incidentdesk.incidents.facts import build, payload_for
from incidentdesk.inventory.models import AITool
from incidentdesk.organisation.models import Organisation
from incidentdesk.procedure.references import readable

AUTHORITY_KINDS = (ContactKind.SUPERVISORY_AUTHORITY, ContactKind.AI_ACT_AUTHORITY, ContactKind.NIS2_CSIRT,
                   ContactKind.FINANCIAL_AUTHORITY)


@dataclass
class Duty:
    action: str
    recipient: str
    deadline: str
    citation: str
    certain: bool  # True: applies whatever the incident; False: applies when the incident's facts say so


@dataclass
class Regime:
    key: str
    title: str
    version: str
    checked: str
    duties: list[Duty] = field(default_factory=list)


@dataclass
class Knowledge:
    organisation: Organisation
    tools: list[AITool]
    levels: list[Level]
    classify_within_hours: int | None
    regimes: list[Regime]
    not_applicable: list[Regime]
    contacts: list[Contact]
    people: dict[str, list[str]]
    rule_versions: dict[str, str]

    @property
    def high_risk_tools(self) -> list[AITool]:
        return [tool for tool in self.tools if tool.high_risk]

    @property
    def authority_contacts(self) -> list[Contact]:
        return [c for c in self.contacts if c.kind in AUTHORITY_KINDS]


def _regimes(organisation: Organisation, tools: list[AITool], rulebook: Rulebook,
             now: datetime) -> tuple[list[Regime], list[Regime]]:
    """The engine's answer for an incident detected now about which nothing else is known: a rule that is
    "not required" cannot apply to this organisation whatever happens; the others apply or may apply."""
    payload = payload_for(columns={"detected_at": now, "categories": []}, stored={},
                          tools=[tool.as_facts(tool.name) for tool in tools], organisation=organisation.as_facts(),
                          completed={}, decision=None, level_override=None)
    outcomes = assess(build(payload), now=now, rulebook=rulebook).obligations
    found: dict[str, Regime] = {}
    for key, regime_file in rulebook.regimes.items():
        meta = regime_file.meta
        found[key] = Regime(key, meta.title, meta.version, meta.last_checked.isoformat())
    for outcome in outcomes:
        if outcome.applies is False or outcome.regime not in found:
            continue
        found[outcome.regime].duties.append(Duty(outcome.action, outcome.recipient, outcome.deadline,
                                                 readable(outcome.citation), outcome.applies is True))
    applying = [r for r in found.values() if r.duties]
    return applying, [r for r in found.values() if not r.duties]


#: The roles that handle incidents, in escalation order; the documents name the people who hold them.
HANDLING_ROLES = (Role.INCIDENT_MANAGER, Role.ADMINISTRATOR, Role.RESPONDER)


def _people() -> dict[str, list[str]]:
    """Active people who handle incidents, by role label, as configured (a superuser is an administrator)."""
    by_role: dict[str, list[str]] = {Role(role).label: [] for role in HANDLING_ROLES}
    for user in get_user_model().objects.filter(is_active=True).select_related("person").order_by("username"):
        role = role_of(user)
        if role not in HANDLING_ROLES:
            continue
        name = user.get_full_name() or user.get_username()
        by_role[Role(role).label].append(name)
    return {label: names for label, names in by_role.items() if names}


def gather(*, now: datetime | None = None, rulebook: Rulebook | None = None) -> Knowledge:
    """Everything a generated policy, procedure, usage policy or inventory is written from."""
    now = now or timezone.now()
    rulebook = rulebook or default_rulebook()
    organisation = Organisation.current()
    tools = list(AITool.objects.order_by("name"))
    applying, not_applicable = _regimes(organisation, tools, rulebook, now)
    return Knowledge(organisation=organisation, tools=tools, levels=list(rulebook.severity.level),
                     classify_within_hours=rulebook.severity.meta.classify_within_hours,
                     regimes=applying, not_applicable=not_applicable,
                     contacts=list(Contact.objects.order_by("kind", "escalation_order", "name")),
                     people=_people(), rule_versions={rulebook.severity.meta.title: rulebook.severity.meta.version}
                     | {r.title: r.version for r in applying})


def fingerprint(knowledge: Knowledge) -> dict[str, Any]:
    """What a generated version depends on, in a form that compares and stores as JSON."""
    return {
        "rules": dict(sorted(knowledge.rule_versions.items())),
        "regimes": sorted(r.title for r in knowledge.regimes),
        "tools": sorted(t.name for t in knowledge.tools),
        "high_risk_tools": sorted(t.name for t in knowledge.high_risk_tools),
        "authority_contacts": sorted(f"{c.get_kind_display()}: {c.name}" for c in knowledge.authority_contacts),
        "contacts": sorted(f"{c.get_kind_display()}: {c.name}" for c in knowledge.contacts),
    }


_WORDS = {
    "regimes": ("Law that now applies", "Law that no longer applies"),
    "tools": ("New AI tool in the inventory", "AI tool removed from the inventory"),
    "high_risk_tools": ("New high-risk AI tool", "No longer a high-risk AI tool"),
    "authority_contacts": ("New authority contact", "Authority contact removed"),
    "contacts": ("New contact", "Contact removed"),
}


def changes_since(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Plain sentences for what changed between two fingerprints; empty when nothing did (or nothing is known
    of the old one: a version written by hand is not compared)."""
    if not old:
        return []
    lines: list[str] = []
    old_rules, new_rules = old.get("rules", {}), new.get("rules", {})
    for key in sorted(set(old_rules) & set(new_rules)):
        if old_rules[key] != new_rules[key]:
            lines.append(f"New version of the rules for {key}: {old_rules[key]} → {new_rules[key]}")
    for key, (added, removed) in _WORDS.items():
        if key == "contacts":
            continue  # authority contacts are told above; other contacts change the procedure's list only
        before, after = set(old.get(key, [])), set(new.get(key, []))
        lines += [f"{added}: {name}" for name in sorted(after - before)]
        lines += [f"{removed}: {name}" for name in sorted(before - after)]
    return lines
