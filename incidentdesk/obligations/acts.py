"""Which recorded act fulfils which internal obligation (assessment/rules/internal.toml), read from the register.

Low level (models only, no service): ``incidents.facts.facts_for`` asks it for the completion times of
acts already on record, so an obligation that starts to apply *after* its act was done (a level 2
incident contained, then escalated to level 3 when personal data turns up) is done from the start.
``obligations.services`` settles the same rules at the moment the act is recorded.
"""

from __future__ import annotations

from datetime import datetime

CORRECT_RULE = "PROC-4-L2-CORRECT"        # a containment action "correct content" whose result is effective
INVENTORY_RULE = "PROC-4-L2-INVENTORY"    # the tool added to the inventory
CONTAIN_RULE = "PROC-4-L3-CONTAIN"        # the first containment action that is effective or partly effective
RCA_RULE = "PROC-6-5-RCA"                 # the root-cause analysis completed
GDPR_ASSESSMENT_RULE = "PROC-4-L3-GDPR-ASSESSMENT"  # the GDPR Art 33/34 decision

CONTAINING = ("effective", "partial")


def fulfils(kind: str, result: str) -> list[str]:
    """The rules a containment action of this kind and result fulfils."""
    rules = []
    if kind == "correct_content" and result == "effective":
        rules.append(CORRECT_RULE)
    if result in CONTAINING:
        rules.append(CONTAIN_RULE)
    return rules


def completed_by_acts(incident_id: int) -> dict[str, datetime]:
    """Rule id -> the time of the earliest containment action on record that fulfils it."""
    from incidentdesk.containment.models import ContainmentAction

    done: dict[str, datetime] = {}
    rows = (ContainmentAction.objects.filter(incident_id=incident_id, result__in=CONTAINING)
            .order_by("taken_at").values_list("kind", "result", "taken_at"))
    for kind, result, taken_at in rows:
        for rule_id in fulfils(kind, result):
            done.setdefault(rule_id, taken_at)
    return done
