"""GDPR breach assessment: the EDPB risk assessment (Art 33/34) with the ENISA score as one input.

The recommendation follows EDPB Guidelines 9/2022 (section IV, "Assessing risk and high risk") and the
worked cases of Guidelines 01/2021: three outcomes — no risk likely (document only, Art 33(5)), a risk
(notify the supervisory authority, Art 33(1)), a high risk (also tell the people, Art 34(1)) — from explicit
factors, each naming where the EDPB describes it. Mitigations that remove the risk (encryption with a safe
key, a backup restored in time, a trusted recipient who confirmed deletion) are factors too.

Unknown facts are never guessed silently: the outcome is the worst case, the best case is computed beside
it, and when they differ the outcome is provisional and names the facts that would settle it. The ENISA
score (SE = DPC x EI + CB, 2013) is kept as one documented input for the internal record, never the
decision. A person's decision (``GdprDecision``) is recorded beside the recommendation and always wins.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from incidentdesk.refusals import Refused

from .categories import GDPR_RULES
from .facts import IncidentFacts, PersonalDataFacts

NO_RISK, RISK, HIGH_RISK = "no_risk", "risk", "high_risk"
OUTCOMES = {
    NO_RISK: "No risk likely: document the breach only (GDPR Art 33(5))",
    RISK: "Risk: notify the supervisory authority (GDPR Art 33(1))",
    HIGH_RISK: "High risk: notify the supervisory authority and tell the people affected (GDPR Art 33(1), 34(1))",
}
_RANK = {NO_RISK: 0, RISK: 1, HIGH_RISK: 2}
SEVERITY_WORDS = {0: "negligible", 1: "limited", 2: "significant", 3: "severe"}
CONSEQUENCES = {word: number for number, word in SEVERITY_WORDS.items()}
#: The factors every EDPB table must describe (the rule file is refused at start-up without one).
FACTORS = ("type_of_breach", "nature", "identification", "consequences", "individuals", "controller", "number",
           "likelihood", "encryption", "backup", "deletion")
Mode = Literal["worst", "best"]
#: Each fact the assessment may find unknown, as a person would ask about it (never the field's path).
UNKNOWN_WORDS = {
    "personal_data.lost": "whether confidentiality, integrity or availability of the data was lost",
    "personal_data.data_categories": "which kinds of personal data are concerned",
    "personal_data.other_data_categories": "which listed category fits the other kinds of data",
    "personal_data.data_subjects": "how many people are affected",
    "personal_data.encrypted": "whether the data was encrypted",
    "personal_data.key_compromised": "whether the encryption key stayed safe",
    "personal_data.backup_available": "whether a backup exists",
    "personal_data.restore_hours": "how long restoring the data took",
    "personal_data.exfiltrated": "whether the data was copied out",
    "personal_data.recipient": "who received or saw the data",
    "personal_data.recipient_deleted": "whether the recipient confirmed deleting the data",
    "personal_data.identifiability": "how easily the people can be identified from the data",
    "personal_data.malicious": "whether there was malicious intent",
    "personal_data.vulnerable_subjects": "whether children or vulnerable people are affected",
    "personal_data.consequences": "how severe the consequences for the people are",
    "personal_data.consequences_lasting": "whether the consequences are lasting",
    "personal_data.revealing_context": "whether the organisation's activity reveals something about the people",
}


class UnknownDataCategory(Refused):
    """A data category that the category table of the rulebook in use does not know.

    The facts model already refuses categories the shipped gdpr.toml does not know; this covers a
    rulebook loaded from elsewhere, and is a refusal (422 in the API, a message in the CLI and the
    web), never a crash.
    """


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EdpbFactor(_Strict):
    label: str
    citation: str
    check: Literal["P", "S", "M"]


class EdpbTable(_Strict):
    """The ``[edpb]`` table of gdpr.toml: where each factor is described and the few numbers we read in."""

    citation: str
    restored_in_time_hours: float
    nature_by_kind: dict[str, int]
    nature_overrides: dict[str, int] = {}
    factors: dict[str, EdpbFactor]

    @model_validator(mode="after")
    def _complete(self) -> EdpbTable:
        missing = [name for name in FACTORS if name not in self.factors]
        if missing:
            raise ValueError(f"[edpb.factors] misses {', '.join(missing)}")
        if any(not 0 <= value <= 3 for value in [*self.nature_by_kind.values(), *self.nature_overrides.values()]):
            raise ValueError("[edpb] nature values run from 0 (negligible) to 3 (severe)")
        return self


@lru_cache(maxsize=1)
def shipped_edpb() -> EdpbTable:
    """The EDPB table of the shipped gdpr.toml (for callers that pass only the ENISA table)."""
    return EdpbTable.model_validate(tomllib.loads(GDPR_RULES.read_text(encoding="utf-8"))["edpb"])


@dataclass
class Factor:
    """One EDPB factor as it applies to this breach: what the facts say and what it does to the outcome."""

    key: str
    label: str
    finding: str
    effect: str  # "removes the risk", "raises", "lowers", "decides", "weighed", "unknown"
    citation: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "finding": self.finding, "effect": self.effect,
                "citation": self.citation}


@dataclass
class GdprAssessment:
    applicable: bool | None
    score: float | None
    band: str | None
    notify_supervisory_authority: bool | None
    communicate_to_data_subjects: bool | None
    reasons: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    decision: dict[str, Any] | None = None
    outcome: str | None = None
    provisional: bool = False
    best_case: str | None = None
    factors: list[dict[str, str]] = field(default_factory=list)
    enisa_reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "applicable": self.applicable,
            "outcome": self.outcome,
            "provisional": self.provisional,
            "best_case": self.best_case,
            "notify_supervisory_authority": self.notify_supervisory_authority,
            "communicate_to_data_subjects": self.communicate_to_data_subjects,
            "reasons": self.reasons,
            "factors": self.factors,
            "unknown": self.unknown,
            "score": self.score,
            "band": self.band,
            "enisa_reasons": self.enisa_reasons,
            "decision": self.decision,
        }


# --- the EDPB assessment -------------------------------------------------------------------------------------

class _Reader:
    """Reads the facts for one pass (worst or best case) and remembers which unknowns it had to resolve."""

    def __init__(self, data: PersonalDataFacts, mode: Mode) -> None:
        self.data, self.mode, self.unknown = data, mode, []

    def tri(self, name: str, worst: bool) -> bool:
        """A yes/no fact; unknown becomes ``worst`` in the worst case and its opposite in the best."""
        value = getattr(self.data, name)
        if value is None:
            self.unknown.append(f"personal_data.{name}")
            return worst if self.mode == "worst" else not worst
        return value

    def pick(self, name: str, worst: Any, best: Any) -> Any:
        value = getattr(self.data, name)
        if value is None:
            self.unknown.append(f"personal_data.{name}")
            return worst if self.mode == "worst" else best
        return value


def _nature(data: PersonalDataFacts, categories: dict[str, Any], edpb: EdpbTable, read: _Reader) -> tuple[int, str]:
    """How severe a disclosure of these kinds of data is (9/2022 para 102), and the words that say why."""
    scores: list[tuple[int, str]] = []
    for name in data.data_categories or []:
        key = name.strip().lower()
        if key not in categories:
            raise UnknownDataCategory(f"unknown data category {name!r}; use one or more of: "
                                      f"{', '.join(sorted(categories))}")
        entry = categories[key]
        value = edpb.nature_overrides.get(key, edpb.nature_by_kind.get(_kind(entry), 3))
        scores.append((value, _label(key, entry)))
    if not data.data_categories:
        read.unknown.append("personal_data.data_categories")
        scores.append((3, "kinds of data unknown") if read.mode == "worst" else (1, "kinds of data unknown"))
    if data.other_data_categories:
        read.unknown.append("personal_data.other_data_categories")
        words = "other data not in the list (" + ", ".join(data.other_data_categories) + ")"
        scores.append((3, words) if read.mode == "worst" else (1, words))
    value, _ = max(scores)
    return value, ", ".join(words for _, words in scores)


def _kind(entry: Any) -> str:
    return entry["kind"] if isinstance(entry, dict) else entry[1]


def _label(key: str, entry: Any) -> str:
    return entry.get("label", key).lower() if isinstance(entry, dict) else key


class _Pass:
    """One pass over the facts: the outcome for each lost security property, and the factors met on the way."""

    def __init__(self, data: PersonalDataFacts, enisa: dict[str, Any], edpb: EdpbTable, mode: Mode) -> None:
        self.data, self.enisa, self.edpb = data, enisa, edpb
        self.read = _Reader(data, mode)
        self.factors: list[Factor] = []

    def note(self, key: str, finding: str, effect: str) -> None:
        meta = self.edpb.factors[key]
        self.factors.append(Factor(key, meta.label, finding, effect, meta.citation))

    def run(self) -> str:
        lost = self.data.lost
        if lost is None:
            self.read.unknown.append("personal_data.lost")
            lost = ["confidentiality", "integrity", "availability"] if self.read.mode == "worst" else ["availability"]
            self.note("type_of_breach", "unknown which of confidentiality, integrity or availability was lost: "
                      "all three are assumed", "unknown")
        else:
            self.note("type_of_breach", "loss of " + ", ".join(lost), "weighed")
        self._number()
        outcomes = [self._confidentiality()] if "confidentiality" in lost else []
        outcomes += [self._loss(kind) for kind in ("integrity", "availability") if kind in lost]
        return max(outcomes, key=_RANK.__getitem__)

    def _number(self) -> None:
        count = self.data.data_subjects
        if count is None:
            self.read.unknown.append("personal_data.data_subjects")
            self.note("number", "not known yet", "unknown")
        else:
            self.note("number", f"{count} {'person' if count == 1 else 'people'}: the more people, the greater the "
                      "impact, but the EDPB sets no number and one person can suffer severe harm, so it is weighed "
                      "in a person's decision and does not move the recommendation by itself", "weighed")

    def _severity(self, base: int, words: str, *, disclosure: bool) -> int:
        """Severity of consequences: a person's estimate if given, else estimated from the other factors."""
        given = self.data.consequences
        if given is not None:
            severity = CONSEQUENCES[given]
            self.note("consequences", f"{given}, as assessed by a person", "decides")
            if disclosure and base >= 3 and severity < 2:
                severity = 2
                self.note("nature", f"{words}: special categories of data, damage is to be considered likely "
                          "(9/2022 para 102), so consequences count as at least significant", "raises")
        else:
            severity = self._estimate(base, words, disclosure=disclosure)
        if self.read.tri("consequences_lasting", worst=True):
            severity = min(3, severity + 1)
            self.note("consequences", "lasting or hard to undo" + (" (not known yet: assumed)" if
                      self.data.consequences_lasting is None else ""), "raises")
        return severity

    def _estimate(self, base: int, words: str, *, disclosure: bool) -> int:
        self.read.unknown.append("personal_data.consequences")
        self.note("consequences", "not assessed by a person yet: estimated from the kind of data and the people",
                  "unknown")
        self.note("nature", f"{words}: {SEVERITY_WORDS[base]} consequences if disclosed", "weighed")
        severity = base if disclosure else max(1, base - 1)
        if disclosure:
            ident = self.read.pick("identifiability", "maximum", "negligible")
            if ident in ("negligible", "limited"):
                severity = max(0, severity - 1)
                self.note("identification", f"{ident}: the people are hard to identify from the data", "lowers")
            else:
                self.note("identification", f"{ident}" + (" (not known yet: assumed)" if
                          self.data.identifiability is None else ""), "weighed")
            if self.read.tri("revealing_context", worst=True):
                severity = min(3, severity + 1)
                self.note("controller", "the organisation's activity reveals something about the people" +
                          (" (not known yet: assumed)" if self.data.revealing_context is None else ""), "raises")
        if self.read.tri("vulnerable_subjects", worst=True):
            severity = min(3, severity + 1)
            self.note("individuals", "children or vulnerable people are affected" +
                      (" (not known yet: assumed)" if self.data.vulnerable_subjects is None else ""), "raises")
        return severity

    def _confidentiality(self) -> str:
        data, read = self.data, self.read
        if read.tri("encrypted", worst=False) and not read.tri("key_compromised", worst=True):
            self.note("encryption", "the data was encrypted and the key is safe: unintelligible to anyone who got "
                      "it (Art 34(3)(a))", "removes the risk")
            return NO_RISK
        if data.encrypted is None or (data.encrypted and data.key_compromised is None):
            self.note("encryption", "not known whether the data was encrypted with a key that stayed safe: "
                      "assumed not", "unknown")
        recipient = read.pick("recipient", "unknown", "trusted")
        exfiltrated = read.tri("exfiltrated", worst=True)
        malicious = read.tri("malicious", worst=True)
        if recipient == "trusted" and not exfiltrated:
            if read.tri("recipient_deleted", worst=False):
                self.note("deletion", "a trusted recipient confirmed the data was deleted or returned",
                          "removes the risk")
                return NO_RISK
            self.note("deletion", "the trusted recipient has not confirmed deletion" if data.recipient_deleted is False
                      else "not known yet whether the recipient deleted the data: assumed not", "weighed")
        likely = malicious or exfiltrated or recipient in ("untrusted", "public", "unknown")
        self.note("likelihood", "; ".join(part for part in (
            f"recipient {recipient}" + _assumed(data.recipient),
            ("copied out" if exfiltrated else "not copied out") + _assumed(data.exfiltrated),
            ("malicious intent" if malicious else "no malicious intent") + _assumed(data.malicious),
        )) + (": harm is likely" if likely else ": harm is not likely"), "raises" if likely else "lowers")
        base, words = _nature(data, self.enisa["categories"], self.edpb, read)
        severity = self._severity(base, words, disclosure=True)
        return _verdict(severity, likely)

    def _loss(self, kind: str) -> str:
        """Integrity or availability: a backup restored in time with no more than limited effect removes it."""
        read, hours = self.read, self.edpb.restored_in_time_hours
        backup = read.tri("backup_available", worst=False)
        restored = read.pick("restore_hours", hours + 1, 0) if backup else hours + 1
        effect = read.pick("consequences", "significant", "negligible") if backup and restored <= hours else None
        if effect in ("negligible", "limited"):
            self.note("backup", f"loss of {kind}: restored from a backup within {restored:g} hours with no lasting "
                      "effect on the people", "removes the risk")
            return NO_RISK
        self.note("backup", f"loss of {kind}: " + ("no backup" if not backup else
                  f"restored only after {restored:g} hours" if restored > hours else
                  "restored, but with effects on the people"), "raises")
        base, words = _nature(self.data, self.enisa["categories"], self.edpb, read)
        return _verdict(self._severity(base, words, disclosure=False), likely=True)


def _assumed(value: Any) -> str:
    return " (not known yet: assumed)" if value is None else ""


def _verdict(severity: int, likely: bool) -> str:
    if severity <= 0:
        return NO_RISK
    if severity >= 3 or (severity >= 2 and likely):
        return HIGH_RISK
    return RISK


def _unique(items: list[Factor]) -> list[Factor]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for item in items:
        if (item.key, item.finding) not in seen:
            seen.add((item.key, item.finding))
            kept.append(item)
    return kept


# --- ENISA, one documented input -------------------------------------------------------------------------------

def enisa_score(data: PersonalDataFacts, enisa: dict[str, Any]) -> tuple[float, str, list[str]]:
    """ENISA severity (SE = DPC x EI + CB) with the reasons for each part; unknowns take the stricter value."""
    reasons: list[str] = []
    if data.lost is None:
        data = data.model_copy(update={"lost": ["confidentiality"]})
        reasons.append("Security property lost unknown: confidentiality assumed")
    score = round(_dpc(data, enisa["categories"], reasons) * _ei(data, enisa, reasons) + _cb(data, enisa, reasons), 2)
    band = next(band["name"] for band in enisa["bands"] if score < band["below"])
    reasons.insert(0, f"ENISA severity {score} ({band}) = DPC x EI + CB — an input, not the decision")
    return score, band, reasons


def _dpc(data: PersonalDataFacts, table: dict[str, Any], reasons: list[str]) -> int:
    if not data.data_categories:
        reasons.append("DPC 4: data categories unknown, so the most sensitive category is assumed")
        return 4
    scored = []
    for name in data.data_categories:
        key = name.strip().lower()
        if key not in table:
            raise UnknownDataCategory(f"unknown data category {name!r}; use one or more of: {', '.join(sorted(table))}")
        entry = table[key]
        scored.append((entry["dpc"] if isinstance(entry, dict) else entry[0], key, _kind(entry)))
    base, key, kind = max(scored)
    reasons.append(f"DPC {base}: highest category is {key} ({kind} data)")
    if data.vulnerable_subjects and base < 4:
        base += 1
        reasons.append("DPC +1: vulnerable people or minors are affected")
    return base


def _ei(data: PersonalDataFacts, enisa: dict[str, Any], reasons: list[str]) -> float:
    if data.encrypted and data.key_compromised is False:
        reasons.append("EI 0.25: data encrypted and the key is safe")
        return 0.25
    if data.identifiability is None:
        reasons.append("EI 1: identifiability unknown, so people are assumed directly identifiable")
        return 1.0
    value = float(enisa["identifiability"][data.identifiability])
    reasons.append(f"EI {value}: identifiability {data.identifiability}")
    return value


def _cb(data: PersonalDataFacts, enisa: dict[str, Any], reasons: list[str]) -> float:
    lost, cb = set(data.lost or []), 0.0
    if "confidentiality" in lost:
        if data.encrypted and data.key_compromised is False:
            part, why = 0.0, "encrypted with a safe key"
        elif data.exfiltrated or data.recipient in ("untrusted", "public", "unknown", None):
            part, why = 0.5, f"recipient {data.recipient or 'unknown'}" + (", exfiltrated" if data.exfiltrated else "")
        else:
            part, why = 0.25, "known, limited recipients"
        cb += part
        reasons.append(f"CB +{part}: loss of confidentiality ({why})")
    if "integrity" in lost:
        part = 0.25 if data.backup_available else 0.5
        state = "recoverable" if part == 0.25 else "not known to be recoverable"
        reasons.append(f"CB +{part}: loss of integrity ({state})")
        cb += part
    if "availability" in lost:
        quick = enisa["quick_restore_hours"]
        if data.backup_available and data.restore_hours is not None and data.restore_hours <= quick:
            part, why = 0.0, f"restored from backup within {quick} h"
        elif data.backup_available:
            part, why = 0.25, "temporary"
        else:
            part, why = 0.5, "full loss (no backup known)"
        reasons.append(f"CB +{part}: loss of availability ({why})")
        cb += part
    if data.malicious:
        cb += 0.5
        reasons.append("CB +0.5: malicious intent")
    return cb


# --- the recommendation ----------------------------------------------------------------------------------------

def recommend(facts: IncidentFacts, enisa: dict[str, Any], edpb: EdpbTable | None = None) -> GdprAssessment:
    """Assess the risk as the EDPB describes it and recommend Art 33(1) notification and Art 34(1) communication."""
    edpb = edpb or shipped_edpb()
    data = facts.personal_data
    decision = facts.gdpr_decision.model_dump() if any(
        v is not None for v in (facts.gdpr_decision.notify_supervisory_authority,
                                facts.gdpr_decision.communicate_to_data_subjects)) else None
    if data.involved is False:
        return GdprAssessment(False, None, None, False, False,
                              ["No personal data involved: GDPR Art 33/34 do not apply"], decision=decision)
    if data.involved is None:
        return GdprAssessment(None, None, None, None, None,
                              ["Whether personal data is involved is unknown: establish it first (the procedure "
                               "gives a level 3 incident 24 hours to assess it)"], ["personal_data.involved"], decision)
    if data.lost == []:
        return GdprAssessment(True, None, None, False, False,
                              ["Personal data involved but no loss of confidentiality, integrity or availability: "
                               "not a personal data breach (Art 4(12))"], decision=decision, outcome=NO_RISK)
    worst, best = _Pass(data, enisa, edpb, "worst"), _Pass(data, enisa, edpb, "best")
    outcome, best_outcome = worst.run(), best.run()
    score, band, enisa_reasons = enisa_score(data, enisa)
    unknown = sorted(set(worst.read.unknown) | set(best.read.unknown))
    provisional = outcome != best_outcome
    return GdprAssessment(
        True, score, band, outcome != NO_RISK, outcome == HIGH_RISK,
        _reasons(outcome, best_outcome, worst, data), unknown, decision, outcome, provisional,
        best_outcome if provisional else None, [f.as_dict() for f in _unique(worst.factors)], enisa_reasons)


def _reasons(outcome: str, best: str, worst: _Pass, data: PersonalDataFacts) -> list[str]:
    lines = [OUTCOMES[outcome]]
    if outcome != best:
        lines.append(f"Provisional: this is the worst case while facts are missing; if they turn out well, it "
                     f"would be “{OUTCOMES[best]}”")
    for item in _unique(worst.factors):
        lines.append(f"{item.label}: {item.finding} ({item.citation})")
    missing = [UNKNOWN_WORDS[path] for path in sorted(set(worst.read.unknown)) if path in UNKNOWN_WORDS]
    if missing:
        lines.append("Still to establish: " + "; ".join(missing))
    if outcome == HIGH_RISK:
        lines.append("Tell the people affected without undue delay, in clear and plain language (Art 34(1), (2)); "
                     "if that needs disproportionate effort, a public communication instead (Art 34(3)(c))")
    elif outcome == RISK:
        lines.append("No communication to the people affected recommended: a high risk is not likely (Art 34(1))")
    else:
        lines.append("No notification recommended: the breach is unlikely to result in a risk to people's rights "
                     "and freedoms (Art 33(1)); record it in the breach register anyway (Art 33(5))")
    return lines
