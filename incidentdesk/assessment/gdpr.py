"""GDPR breach assessment: ENISA severity score and an Art 33/34 recommendation.

ENISA (2013): SE = DPC x EI + CB. The data processing context (DPC) is the core, ease of
identification (EI) multiplies it, the circumstances of the breach (CB) only add. The score is
an input to the Art 33/34 decision, never the decision: ``recommend`` returns a recommendation
with reasons; a person's decision (``GdprDecision``) is recorded beside it and always wins.
Where a fact is unknown, the stricter value is used and the reason says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from incidentdesk.refusals import Refused

from .facts import IncidentFacts, PersonalDataFacts


class UnknownDataCategory(Refused):
    """A data category that the ENISA table of the rulebook in use does not know.

    The facts model already refuses categories the shipped gdpr.toml does not know; this covers a
    rulebook loaded from elsewhere, and is a refusal (422 in the API, a message in the CLI and the
    web), never a crash.
    """


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "applicable": self.applicable,
            "score": self.score,
            "band": self.band,
            "notify_supervisory_authority": self.notify_supervisory_authority,
            "communicate_to_data_subjects": self.communicate_to_data_subjects,
            "reasons": self.reasons,
            "unknown": self.unknown,
            "decision": self.decision,
        }


def _dpc(data: PersonalDataFacts, table: dict[str, Any], reasons: list[str], unknown: list[str]) -> int:
    if not data.data_categories:
        unknown.append("personal_data.data_categories")
        reasons.append("DPC 4: data categories unknown, so the most sensitive category is assumed")
        return 4
    scored = []
    for name in data.data_categories:
        key = name.strip().lower()
        if key not in table:
            raise UnknownDataCategory(f"personal_data.data_categories: unknown data category {name!r}; "
                                      f"use one or more of: {', '.join(sorted(table))}")
        scored.append((table[key][0], key, table[key][1]))
    base, key, kind = max(scored)
    reasons.append(f"DPC {base}: highest category is {key} ({kind} data)")
    if data.vulnerable_subjects and base < 4:
        base += 1
        reasons.append("DPC +1: vulnerable people or minors are affected (special characteristics of the individuals)")
    return base


def _ei(data: PersonalDataFacts, enisa: dict[str, Any], reasons: list[str], unknown: list[str]) -> float:
    if data.encrypted and data.key_compromised is False:
        reasons.append("EI 0.25: data encrypted and the key is safe, so it is unintelligible to others")
        return 0.25
    if data.identifiability is None:
        unknown.append("personal_data.identifiability")
        reasons.append("EI 1: identifiability unknown, so people are assumed directly identifiable")
        return 1.0
    value = float(enisa["identifiability"][data.identifiability])
    reasons.append(f"EI {value}: identifiability {data.identifiability}")
    return value


def _cb(data: PersonalDataFacts, enisa: dict[str, Any], reasons: list[str], unknown: list[str]) -> float:
    lost, cb = set(data.lost or []), 0.0
    if "confidentiality" in lost:
        if data.encrypted and data.key_compromised is False:
            part, why = 0.0, "encrypted with a safe key"
        elif data.exfiltrated or data.recipient in ("untrusted", "public", "unknown", None):
            part, why = 0.5, f"recipient {data.recipient or 'unknown'}" + (", exfiltrated" if data.exfiltrated else "")
            if data.recipient is None:
                unknown.append("personal_data.recipient")
        else:
            part, why = 0.25, "known, limited recipients"
        cb += part
        reasons.append(f"CB +{part}: loss of confidentiality ({why})")
    if "integrity" in lost:
        part = 0.25 if data.backup_available else 0.5
        if data.backup_available is None:
            unknown.append("personal_data.backup_available")
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
    elif data.malicious is None:
        unknown.append("personal_data.malicious")
    return cb


def _band(score: float, enisa: dict[str, Any]) -> str:
    return next(band["name"] for band in enisa["bands"] if score < band["below"])


def recommend(facts: IncidentFacts, enisa: dict[str, Any]) -> GdprAssessment:
    """Score the breach and recommend whether to notify (Art 33(1)) and communicate (Art 34(1))."""
    data = facts.personal_data
    decision = facts.gdpr_decision.model_dump() if any(
        v is not None for v in (facts.gdpr_decision.notify_supervisory_authority,
                                facts.gdpr_decision.communicate_to_data_subjects)) else None
    if data.involved is False:
        return GdprAssessment(False, None, None, False, False,
                              ["No personal data involved: GDPR Art 33/34 do not apply"], decision=decision)
    if data.involved is None:
        return GdprAssessment(None, None, None, None, None,
                              ["Whether personal data is involved is unknown: establish it first (seed §4 Level 3: "
                               "assessment within 24 hours)"], ["personal_data.involved"], decision)
    if data.lost == []:
        return GdprAssessment(True, 0.0, "low", False, False,
                              ["Personal data involved but no loss of confidentiality, integrity or availability: "
                               "not a personal data breach (Art 4(12))"], decision=decision)
    reasons: list[str] = []
    unknown: list[str] = []
    if data.lost is None:
        unknown.append("personal_data.lost")
        reasons.append("Which security property was lost is unknown: confidentiality is assumed")
        data = data.model_copy(update={"lost": ["confidentiality"]})
    score = round(_dpc(data, enisa["categories"], reasons, unknown) * _ei(data, enisa, reasons, unknown)
                  + _cb(data, enisa, reasons, unknown), 2)
    band = _band(score, enisa)
    reasons.insert(0, f"ENISA severity {score} ({band}) = DPC x EI + CB")
    notify = band != "low"
    large = enisa["large_scale_subjects"]
    if notify:
        reasons.append(f"Notify the supervisory authority: a {band} severity breach is likely to result in a risk "
                       "to the rights and freedoms of natural persons (GDPR Art 33(1))")
    elif data.data_subjects is not None and data.data_subjects >= large:
        notify = True
        reasons.append(f"Notify the supervisory authority: the score is low, but {data.data_subjects} people are "
                       f"affected (≥ {large}), so a risk cannot be ruled out (Art 33(1); ENISA step 4)")
    else:
        reasons.append("No notification recommended: the breach is unlikely to result in a risk to the rights and "
                       "freedoms of natural persons (GDPR Art 33(1)); document it anyway (Art 33(5))")
    communicate = band in ("high", "very high")
    if communicate and data.encrypted and data.key_compromised is False:
        communicate = False
        reasons.append("No communication to data subjects: the data is unintelligible to anyone not authorised "
                       "(GDPR Art 34(3)(a))")
    elif communicate:
        reasons.append("Communicate to data subjects without undue delay: the breach is likely to result in a "
                       "high risk (GDPR Art 34(1)); if that needs disproportionate effort, make a public "
                       "communication instead (Art 34(3)(c))")
    else:
        reasons.append("No communication to data subjects recommended: a high risk is not likely (GDPR Art 34(1))")
    if data.data_subjects is None:
        unknown.append("personal_data.data_subjects")
    return GdprAssessment(True, score, band, notify, communicate, reasons, sorted(set(unknown)), decision)
