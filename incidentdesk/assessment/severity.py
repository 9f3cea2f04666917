"""Facts -> severity level (1 Minor … 4 Serious), with the rule and source behind every step.

The level is the highest level whose rule holds. Where a rule marked ``in_doubt`` cannot be
decided because facts are unknown, the seed procedure's "in case of doubt the higher level is
chosen, pending further investigation" (§6 step 3) applies: the level rises and the reason says
which facts are unknown. A person may escalate; a downgrade below the computed level is shown as
such (the service that records it demands a reason and logs it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .conditions import evaluate
from .facts import IncidentFacts
from .rulebook import Rulebook


@dataclass
class Severity:
    level: int
    name: str
    reasons: list[str]
    computed_level: int
    rule_ids: list[str] = field(default_factory=list)
    in_doubt: bool = False
    provisional: bool = True
    minimum_response: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "name": self.name,
            "reasons": self.reasons,
            "computed_level": self.computed_level,
            "rules": self.rule_ids,
            "in_doubt": self.in_doubt,
            "provisional": self.provisional,
            "minimum_response": self.minimum_response,
        }


def classify(facts: IncidentFacts, rulebook: Rulebook) -> Severity:
    """Apply the severity rules to the facts."""
    level, reasons, rule_ids, doubt = 1, [], [], False
    for rule in sorted(rulebook.severity.rule, key=lambda r: r.level):
        outcome = evaluate(rule.when, facts)
        if outcome.value is True:
            reasons.append(f"Level {rule.level} ({rule.id}, {rule.citation}): {rule.summary} — "
                           + "; ".join(outcome.because))
        elif outcome.value is None and rule.in_doubt and rule.level > level:
            doubt = True
            reasons.append(f"Level {rule.level} in doubt ({rule.id}, {rule.citation}; seed §6 step 3 'in case "
                           f"of doubt the higher level'): {rule.summary}? Still unknown: {'; '.join(outcome.unknown)}")
        else:
            continue
        rule_ids.append(rule.id)
        level = max(level, rule.level)
    computed = level
    if facts.level_override and facts.level_override != computed:
        level = facts.level_override
        if level > computed:
            reasons.append(f"Escalated by a person from level {computed} to {level} (seed §4: the level may "
                           "always be escalated)")
        else:
            reasons.append(f"Downgraded by a person from level {computed} to {level}; the recorded reasoning "
                           "explains why the rules above do not reflect the incident")
    named = rulebook.level(level)
    return Severity(level=level, name=named.name, reasons=reasons, computed_level=computed, rule_ids=rule_ids,
                    in_doubt=doubt and level == computed, provisional=facts.classified_at is None,
                    minimum_response=named.minimum_response)
