"""The six steps of the seed procedure (§6) as a checklist: what is done, what comes next.

Detect and record → contain → classify → notify → investigate and document → learn and adapt.
Each step says how the software knows it is done, so the checklist is evidence, not decoration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidentdesk.assessment.rulebook import default_rulebook

from .models import Incident, Status

LATER = {Status.CONTAINED, Status.CLASSIFIED, Status.NOTIFIED, Status.INVESTIGATING, Status.RESOLVED, Status.CLOSED}


@dataclass
class Step:
    name: str
    done: bool
    detail: str
    needed: bool = True
    due_at: datetime | None = None
    next: bool = False


def steps(incident: Incident) -> list[Step]:
    obligations = list(incident.obligations.all())
    legal = [o for o in obligations if o.regime != "internal" and o.status in ("pending", "may_apply", "done")]
    open_legal = [o for o in legal if o.status != "done"]
    classify_due = next((o.due_at for o in obligations if o.rule_id == "PROC-6-3-CLASSIFY"), None)
    rca_due = next((o.due_at for o in obligations if o.rule_id == "PROC-6-5-RCA"), None)
    actions = incident.actions.count()
    result = [
        Step("Detect and record", True, f"Recorded as {incident.reference}"),
        Step("Contain", incident.status in LATER or actions > 0,
             f"{actions} action(s) taken" if actions else "Stop the harm: record what was done"),
        Step("Classify", incident.classified_at is not None,
             "Classified definitively with reasoning" if incident.classified_at
             else "Provisional level: classify definitively with written reasoning", due_at=classify_due),
        Step("Notify", not open_legal,
             f"{len(open_legal)} notification(s) due or still to be decided" if open_legal
             else ("All notifications made" if legal else "No external notification required"),
             needed=bool(legal), due_at=min((o.due_at for o in open_legal if o.due_at), default=None)),
        Step("Investigate and document", bool(incident.rca_outcome.strip()),
             "Root-cause analysis recorded" if incident.rca_outcome.strip()
             else "Root-cause review within 14 days (level 2 and above)", needed=incident.severity_level >= 2,
             due_at=rca_due),
        Step("Learn and adapt", bool(incident.resulting_changes.strip()),
             "Changes to policy, inventory or procedure recorded" if incident.resulting_changes.strip()
             else "Record what changes in the policy, the inventory or the procedure"),
    ]
    for step in result:
        if step.needed and not step.done:
            step.next = True
            break
    return result


def minimum_response(level: int) -> list[str]:
    """The seed's minimum response for a level (rules/severity.toml)."""
    return default_rulebook().level(level).minimum_response


def level_name(level: int) -> str:
    return default_rulebook().level(level).name
