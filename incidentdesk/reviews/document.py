"""The management review pack in words: (heading, Markdown) sections, the same for the page, the PDF and the DOCX.

Written for top management: plain sentences and short lists (Word and PDF render lists alike), durations
in days and hours, levels and categories by their names, each section naming the part of ISO/IEC 42001
clause 9.3 it answers.
"""

from __future__ import annotations

from incidentdesk import times
from incidentdesk.assessment import vocabulary
from incidentdesk.assessment.rulebook import default_rulebook
from incidentdesk.dashboard.services import median
from incidentdesk.documents.markdown import escape

from .pack import Pack
from .words import duration, plural


def title(pack: Pack) -> str:
    return f"Management review of AI incidents: {pack.period.words()}"


def _category(name: str) -> str:
    return "No category recorded" if name == "uncategorised" else vocabulary.choice_label("categories", name)


def _measure(label: str, values: list) -> str:
    if not values:
        return f"- {label}: not measured (no incident in the period had one)"
    return f"- {label}: {duration(median(values))} (median of {plural(len(values), 'incident')})"


def _introduction(pack: Pack) -> str:
    generated = times.local_text(pack.generated_at, pack.period.tz)
    return (f"**{escape(pack.organisation)}**, prepared on {generated} for the management review "
            f"(ISO/IEC 42001 clause 9.3).\n\n"
            f"The period runs from {pack.period.words()} (days in {pack.period.tz.key}). Figures for the period "
            "count what happened in it; open risks and the decisions asked describe the situation on the day "
            "this pack was prepared. The figures are those of the dashboard, over the incidents the person who "
            "prepared it may see.")


def _incidents(pack: Pack) -> str:
    rulebook = default_rulebook()
    lines = [f"{plural(pack.incidents, 'incident')} detected in the period.", "", "**By severity level**", ""]
    lines += [f"- Level {level} ({rulebook.level(level).name}): {n}" for level, n in pack.by_level.items()]
    lines += ["", "**By category** (an incident can have more than one)", ""]
    lines += [f"- {_category(name)}: {n}" for name, n in pack.by_category.items()] or ["- None"]
    lines += ["", "**By AI tool**", ""]
    lines += [f"- {escape(name)}: {n}" for name, n in pack.by_tool] or ["- None"]
    return "\n".join(lines)


def _response(pack: Pack) -> str:
    c = pack.compliance
    met = ([f"- Deadlines completed: {c['done']}", f"- Met on time: {c['on_time']} ({c['rate']:g}%)",
            f"- Met late: {c['late']}"] if c["done"] else ["- No deadline was completed in the period"])
    return "\n".join([
        "**Deadlines** (legal and internal clocks of the incidents detected in the period)", "",
        *met, "",
        "**How fast we responded** (from detection)", "",
        _measure("Time to the first containment action", pack.time_to_contain),
        _measure("Time to the definitive severity level", pack.time_to_classify),
        _measure("Time to the first notification sent", pack.time_to_notify)])


def _actions(pack: Pack) -> str:
    a = pack.actions
    return "\n".join([
        f"- Planned in the period: {a.planned_in_period}",
        f"- Verified effective in the period: {a.verified_in_period}",
        f"- Still open today: {a.open_now}",
        f"- Overdue today (past the due date or the effectiveness check): {a.overdue_now}",
        f"- Checked and found not effective, awaiting a new action: {a.not_effective_now}"])


def _lessons(pack: Pack) -> str:
    lines = [f"{plural(len(pack.lessons), 'lesson')} accepted in the period.", ""]
    for lesson in pack.lessons:
        lines.append(f"- {lesson.incident_ref}, for the {lesson.document.lower()} "
                     f"(accepted {lesson.accepted_on or 'date not recorded'}): {escape(lesson.text)}")
    lines += ["", "**Changes made to our documents in the period**", ""]
    for change in pack.changes:
        source = f" (from the lesson of {change.incident_ref})" if change.incident_ref else ""
        source += f", tracked in draft version {change.tracked_in}" if change.tracked_in else ""
        lines.append(f"- {change.changed_on}, {change.document.lower()}{source}: {escape(change.summary)}")
    if not pack.changes:
        lines.append("- None")
    return "\n".join(lines)


def _preparedness(pack: Pack) -> str:
    lines = [f"- {e.held_on}: {e.title}" for e in pack.exercises] or ["- No exercise held in the period"]
    reviewed = pack.procedure_reviewed_on
    lines.append(f"- Incident procedure last reviewed: {reviewed if reviewed else 'no review recorded'}")
    r = pack.reviews
    lines.append(f"- Document reviews done in the period: {r.done_in_period}; still to do today: {r.open_now}"
                 f" ({r.overdue_now} overdue)")
    return "\n".join(lines)


def _risks(pack: Pack) -> str:
    rulebook = default_rulebook()
    lines = ["**Major and serious incidents still open**", ""]
    lines += [f"- {i.reference} (level {i.severity_level}, {rulebook.level(i.severity_level).name.lower()}, "
              f"{i.get_status_display().lower()}): {escape(i.title)}" for i in pack.open_serious] or ["- None"]
    lines += ["", f"**Deadlines overdue** ({len(pack.overdue_clocks)} in all)", ""]
    lines += _overdue_by_incident(pack) or ["- None"]
    lines += ["", "**Contacts not verified for over a year**", ""]
    lines += [f"- {escape(c.name)} ({c.get_kind_display()}), last verified {c.last_verified_on}"
              for c in pack.stale_contacts] or ["- None"]
    if pack.law_change_pending:
        lines += ["", f"A change in the law is still to be applied to "
                      f"{plural(pack.law_change_pending, 'open incident')}."]
    return "\n".join(lines)


def _overdue_by_incident(pack: Pack) -> list[str]:
    """One line per incident, oldest deadline first: management needs where it is late, not every clock."""
    grouped: dict[str, list] = {}
    for clock in pack.overdue_clocks:  # oldest first
        grouped.setdefault(clock.incident.reference, []).append(clock)
    lines = []
    for reference, clocks in grouped.items():
        oldest = clocks[0]
        more = f", and {plural(len(clocks) - 1, 'other deadline')}" if len(clocks) > 1 else ""
        lines.append(f"- {reference}: {escape(oldest.action)} (due {times.local_text(oldest.due_at, pack.period.tz)})"
                     f"{more}")
    return lines


def _decisions(pack: Pack) -> str:
    if not pack.decisions:
        return "Nothing is waiting for a decision: no overdue deadline, action or review was found."
    return "\n".join(f"{number}. {d.ask} *Why: {d.why}* ({d.source})"
                     for number, d in enumerate(pack.decisions, start=1))


def sections(pack: Pack) -> list[tuple[str, str]]:
    """The pack, section by section, in the order of clause 9.3.2's inputs and then 9.3.3's results."""
    return [
        ("", _introduction(pack)),
        ("1. Incidents in the period (performance: monitoring and measurement)", _incidents(pack)),
        ("2. Deadlines and response times (performance: monitoring and measurement)", _response(pack)),
        ("3. Corrective actions (performance: nonconformities and corrective actions, clause 10.2)",
         _actions(pack)),
        ("4. Lessons learned and the changes they made (opportunities for improvement)", _lessons(pack)),
        ("5. Exercises and reviews (preparedness)", _preparedness(pack)),
        ("6. Open risks today", _risks(pack)),
        ("7. Decisions asked of management (results of the review, clause 9.3.3)", _decisions(pack)),
    ]
