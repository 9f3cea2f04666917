"""One authority for an incident's progress: every condition of the procedure, computed from the step records.

The checklist (``workflow.steps``) and the lifecycle guard (``lifecycle.unmet``) are both read from
``conditions()``, so they cannot disagree: a step is ticked on the checklist exactly when the guard has
nothing to say about it. Each condition is computed from the step's own record, never from free text:

- **Detect and record** (step 1): met once the incident is in the register.
- **Contain** (step 2): met when at least one containment action's result is "Harm stopped"
  (``effective``). An action whose result is pending, partial or not effective is recorded but has not
  contained the incident yet.
- **Classify** (step 3): met when a person has classified the incident definitively with written reasoning.
- **Notify** (step 4): met when no legal obligation (every regime but the internal procedure) is still
  pending or "may apply" (facts to establish). Not needed when no legal obligation applies.
- **Investigate** (step 5): met when the root-cause analysis is *completed*; a draft does not count.
  Level 1 needs no root-cause review, so it is met there and the message says so.
- **Learn** (step 6): met when at least one lesson is accepted, or when the level is 1 (the message
  says which).

The guard adds conditions that are not a checklist step: moving to "notified" needs a notification
sent (``sent``); closing needs every corrective action verified effective or accepted with a reason
(``corrective``) and every internal clock settled (``clock``). ``REQUIRED`` says which conditions
each status needs; they accumulate along the lifecycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from incidentdesk.containment.models import ContainmentResult
from incidentdesk.lessons.models import LessonStatus

from .models import Incident, Status

CLASSIFY_RULE = "PROC-6-3-CLASSIFY"
RCA_RULE = "PROC-6-5-RCA"

# The six steps of the seed procedure (§6), in order, with the checklist's names.
STEPS = {"detect": "Detect and record", "contain": "Contain", "classify": "Classify", "notify": "Notify",
         "investigate": "Investigate and document", "learn": "Learn and adapt"}

# What each status needs (they accumulate: closing needs everything resolving needs, and more).
REQUIRED: dict[str, tuple[str, ...]] = {
    Status.DETECTED: (),
    Status.CONTAINED: ("contain",),
    Status.CLASSIFIED: ("contain", "classify"),
    Status.NOTIFIED: ("contain", "classify", "notify", "sent"),
    Status.INVESTIGATING: ("contain", "classify"),
    Status.RESOLVED: ("contain", "classify", "notify", "investigate"),
    Status.CLOSED: ("contain", "classify", "notify", "investigate", "learn", "corrective", "clock"),
}


@dataclass(frozen=True)
class Condition:
    """One condition: which step it belongs to, whether it is met, and what to tell a person.

    ``message`` is plain language: what is done when met, what to do when not (the guard's refusal).
    ``needed`` is False when the procedure does not ask for the step at this incident's level.
    """

    step: str
    met: bool
    message: str
    due_at: datetime | None = None
    needed: bool = True


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _obligation_line(o, now: datetime) -> str:
    return (f"{o.action} ({o.citation})" + (" — facts to establish" if o.status == "may_apply" else "")
            + (" — overdue" if o.status == "pending" and o.due_at and o.due_at < now else ""))


def _contain(incident: Incident) -> Condition:
    results = list(incident.containment_actions.values_list("result", flat=True))
    effective = results.count(ContainmentResult.EFFECTIVE)
    if effective:
        return Condition("contain", True, f"harm stopped ({_plural(len(results), 'containment action')} recorded)")
    message = "record a containment action that stopped the harm (step 2)"
    if results:
        message += f": {_plural(len(results), 'action')} recorded, none has stopped the harm yet"
    return Condition("contain", False, message)


def _classify(incident: Incident, due: datetime | None) -> Condition:
    if incident.classified_at is not None:
        return Condition("classify", True, "classified definitively with written reasoning", due)
    return Condition("classify", False, "classify the incident definitively with written reasoning (step 3)", due)


def _notify(obligations: list, now: datetime) -> Condition:
    legal = [o for o in obligations if o.regime != "internal" and o.status in ("pending", "may_apply", "done")]
    open_ = [o for o in legal if o.status != "done"]
    due = min((o.due_at for o in open_ if o.due_at and o.status == "pending"), default=None)
    if open_:
        return Condition("notify", False, f"make or decide {_plural(len(open_), 'notification')} still due (step 4): "
                         + "; ".join(_obligation_line(o, now) for o in open_), due, needed=True)
    if legal:
        by_hand = sum(1 for o in legal if getattr(o, "settlement", "") == "hand")
        duties = "1 duty" if by_hand == 1 else f"{by_hand} duties"
        note = f" ({duties} settled by hand, with the reasons in the clocks)" if by_hand else ""
        return Condition("notify", True, "every notification duty is met" + note, needed=True)
    return Condition("notify", True, "no external notification required", needed=False)


def _investigate(incident: Incident, due: datetime | None) -> Condition:
    rca = getattr(incident, "rca", None)
    level = incident.severity_level
    if rca is not None and rca.completed_at is not None:
        return Condition("investigate", True, "root-cause analysis completed", due, needed=level >= 2)
    if level < 2:
        return Condition("investigate", True, "level 1: a root-cause review is optional", needed=False)
    message = f"complete the root-cause analysis (level {level}: seed §6 step 5)"
    if rca is not None:
        message += "; a draft is saved but not completed"
    return Condition("investigate", False, message, due)


def _learn(incident: Incident) -> Condition:
    statuses = list(incident.lessons.values_list("status", flat=True))
    accepted, proposed = statuses.count(LessonStatus.ACCEPTED), statuses.count(LessonStatus.PROPOSED)
    level = incident.severity_level
    if accepted:
        return Condition("learn", True, f"{_plural(accepted, 'lesson')} accepted into the policy, the inventory, "
                         "the procedure or training", needed=level >= 2)
    if level < 2:
        return Condition("learn", True, "level 1: no lesson needs to be accepted", needed=False)
    message = (f"accept at least one lesson for the policy, the inventory, the procedure or training "
               f"(level {level}: step 6)")
    if proposed:
        message += f"; {_plural(proposed, 'lesson')} proposed, waiting for a decision"
    return Condition("learn", False, message)


def conditions(incident: Incident, now: datetime | None = None) -> list[Condition]:
    """Every condition of the procedure for ``incident``: the six steps first, then the guard-only ones."""
    now = now or timezone.now()
    obligations = list(incident.obligations.all())
    due = {o.rule_id: o.due_at for o in obligations if o.rule_id in (CLASSIFY_RULE, RCA_RULE)}
    result = [
        Condition("detect", True, f"recorded as {incident.reference}"),
        _contain(incident),
        _classify(incident, due.get(CLASSIFY_RULE)),
        _notify(obligations, now),
        _investigate(incident, due.get(RCA_RULE)),
        _learn(incident),
        Condition("sent", incident.notifications.exists(), "record a notification that was sent"),
    ]
    result += [Condition("corrective", False, f"verify this corrective action as effective, or accept it with a "
                         f"reason: {a.description[:60]}") for a in incident.corrective_actions.all() if not a.settled]
    result += [Condition("clock", False, f"settle the internal clock: {_obligation_line(o, now)}")
               for o in obligations if o.regime == "internal" and o.status in ("pending", "may_apply")]
    return result


def unmet(incident: Incident, target: str, now: datetime | None = None,
          computed: list[Condition] | None = None) -> list[Condition]:
    """The conditions ``target`` needs that are not met (empty: the move is allowed).

    ``computed``: conditions already computed for this incident (a page asking about several targets).
    """
    needs = REQUIRED[target]
    return [c for c in (computed if computed is not None else conditions(incident, now))
            if c.step in needs and not c.met]
