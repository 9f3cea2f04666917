"""Drafts of notifications, written for their reader from the incident's facts, in the organisation's language.

The words live in data files, one per language (``letters/<code>.toml``, same keys in each); this module
decides which elements each kind of draft has and fills them from the facts. Anything not known is never
invented: the element says it will follow in a later phase (GDPR Art 33(4), AI Act Art 73(5)) and the
closing list names exactly those elements. What only a person can write (a plain summary for the people
affected, the reasons for a late notification) is a bracketed fill-in marker, and a draft that still holds
one cannot be recorded as sent. Internal material (the ENISA score, severity levels, rule ids, procedure
paragraphs) never appears: it belongs in the internal record, not in a letter.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from incidentdesk.assessment.categories import GDPR_RULES
from incidentdesk.incidents.models import Incident
from incidentdesk.organisation.models import DraftLanguage, Organisation

LETTERS = Path(__file__).parent / "letters"

KIND_BY_RULE = {
    "GDPR-33-1-SA": "gdpr_33", "GDPR-33-2-CONTROLLER": "controller", "GDPR-34-1-SUBJECTS": "gdpr_34",
    "AIA-73-2-REPORT": "ai_act_73", "AIA-73-3-REPORT-WIDESPREAD": "ai_act_73", "AIA-73-4-REPORT-DEATH": "ai_act_73",
    "AIA-26-5-INFORM-PROVIDER": "provider_notice", "NIS2-23-4-A-EARLY-WARNING": "nis2_early_warning",
    "NIS2-23-4-B-NOTIFICATION": "nis2_notification", "NIS2-23-4-B-NOTIFICATION-TSP": "nis2_notification",
    "NIS2-23-4-D-FINAL": "nis2_final", "PROC-4-L3-CLIENT": "client_notice", "DORA-19-3-CLIENTS": "client_notice",
    "NIS2-23-1-RECIPIENTS": "client_notice",
}
#: The kinds as the (English) interface names them; each draft's own subject is in its language.
KINDS = {
    "gdpr_33": "GDPR Art 33 notification to the supervisory authority",
    "gdpr_34": "GDPR Art 34 communication to data subjects",
    "controller": "GDPR Art 33(2) notice to the controller",
    "ai_act_73": "AI Act Art 73 serious incident report",
    "provider_notice": "Deployer's notice to the provider (AI Act Art 26(5))",
    "nis2_early_warning": "NIS2 Art 23(4)(a) early warning",
    "nis2_notification": "NIS2 Art 23(4)(b) incident notification",
    "nis2_final": "NIS2 Art 23(4)(d) final report",
    "client_notice": "Notice to the client",
    "tool_provider": "Incident report to the AI tool provider",
    "authority_report": "Report to an authority",
    "internal_update": "Internal team update (what happened, what changes)",
}
LANGUAGES = dict(DraftLanguage.choices)


@dataclass
class Draft:
    kind: str
    subject: str
    body: str
    language: str
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Sent:
    """The last version recorded as sent, for a follow-up's opening line."""

    sent_at: datetime
    reference: str


@cache
def words(language: str) -> dict[str, Any]:
    """The words of one language, read once from its data file."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language: choose one of {', '.join(LANGUAGES)}")
    return tomllib.loads((LETTERS / f"{language}.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _category_groups() -> dict[str, str]:
    """Data category -> its ENISA group (simple, behavioural, financial, sensitive), to choose plain sentences."""
    table = tomllib.loads(GDPR_RULES.read_text(encoding="utf-8"))["enisa"]["categories"]
    return {name: row["kind"] for name, row in table.items()}


def fill_markers(body: str) -> list[str]:
    """The fill-in markers of any language still in ``body``: parts only a person can write."""
    found = []
    for language in LANGUAGES:
        meta = words(language)["meta"]
        found += [meta[key] for key in ("fill_summary", "fill_delay", "fill_translate", "fill_staff_summary")
                  if meta[key] in body]
    return found


def still_unknown(unknown: list[str], body: str) -> list[str]:
    """The elements of ``unknown`` a person's edit left marked: the title still followed by its to-follow line
    (an element is marked as its title, a blank line and the italic to-follow line)."""
    return [title for title in unknown if f"{title}\n\n*" in body.replace("\r\n", "\n")]


def changes(before: str, after: str) -> list[tuple[str, str]]:
    """A readable line diff: (``removed`` | ``added``, line) for every line that changed, in order."""
    out: list[tuple[str, str]] = []
    old, new = before.splitlines(), after.splitlines()
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        out += [("removed", line) for line in old[a1:a2] if line.strip()]
        out += [("added", line) for line in new[b1:b2] if line.strip()]
    return out


class _Letter:
    """Collects Markdown in one language, and the elements that are still unknown."""

    def __init__(self, language: str, tz: ZoneInfo, typed_in: str = "") -> None:
        self.w = words(language)
        self.tz = tz
        #: People type the incident's free text in the organisation's language; copied into a letter in
        #: another language it must be translated by a person before the letter is sent.
        self.foreign = bool(typed_in) and typed_in != language
        self.lines: list[str] = []
        self.unknown: list[str] = []

    def t(self, key: str, **values: Any) -> str:
        table, name = key.split(".")
        return self.w[table][name].format(**values)

    def para(self, text: str) -> None:
        self.lines += [text, ""]

    def heading(self, title: str, level: int = 2) -> None:
        self.lines += ["#" * level + " " + title, ""]

    def element(self, key: str, value: str | list[str] | None, level: int = 2, unknown_text: str = "",
                typed: bool = False) -> None:
        """One element: its value, or the to-follow line (and its title joins the closing list). ``typed``: the
        value holds text a person typed, which in a letter of another language gets the translate marker."""
        title = self.t(key)
        self.heading(title, level)
        if isinstance(value, list):
            value = "\n".join(f"- {item}" for item in value if item)
        if value and value.strip():
            self.para(value.strip())
            if typed and self.foreign:
                self.para(self.w["meta"]["fill_translate"])
        else:
            self.para(f"*{unknown_text or self.w['meta']['to_follow']}*")
            self.unknown.append(title)

    def closing_list(self, intro_key: str = "meta.still_to_follow", complete_key: str = "meta.nothing_to_follow") \
            -> None:
        """Exactly the elements marked above as to follow; the 'complete' line only when there are none."""
        if self.unknown:
            self.para(self.t(intro_key) + "\n" + "\n".join(f"- {u}" for u in self.unknown))
        elif complete_key:
            self.para(self.t(complete_key))

    # Formatting, in the language and the organisation's time zone.
    def number(self, n: int) -> str:
        return f"{n:,}".replace(",", self.w["meta"]["thousands"])

    def date(self, value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(self.tz)
        offset = local.strftime("%z")
        meta = self.w["meta"]
        return meta["datetime"].format(day=self._day_number(local.day), month=meta["months"][local.month - 1],
                                       year=local.year, time=f"{local:%H:%M}", offset=f"{offset[:3]}:{offset[3:]}")

    def _day_number(self, day: int) -> str:
        """The day of the month as written in the language (French writes the first as "1er")."""
        return self.w["meta"]["first_day"] if day == 1 else str(day)

    def day(self, value) -> str:
        meta = self.w["meta"]
        return meta["date"].format(day=self._day_number(value.day), month=meta["months"][value.month - 1],
                                   year=value.year)

    def join(self, items: list[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {self.w['meta']['and']} " + items[-1]


# What the facts say, in words of the letter's language.

def _personal_data(incident: Incident) -> dict[str, Any]:
    return incident.facts.get("personal_data") or {}


def _categories(letter: _Letter, incident: Incident) -> str:
    names = _personal_data(incident).get("data_categories") or []
    return letter.join([letter.w["categories"].get(n, n) for n in names])


def _count(letter: _Letter, value: Any) -> str:
    return letter.number(int(value)) if isinstance(value, int) and not isinstance(value, bool) else ""


def _lost(letter: _Letter, incident: Incident) -> list[str]:
    return [letter.w["lost"][p] for p in _personal_data(incident).get("lost") or [] if p in letter.w["lost"]]


def _harms(letter: _Letter, incident: Incident) -> list[str]:
    harm = incident.facts.get("harm") or {}
    return [text for key, text in letter.w["harm"].items() if harm.get(key) is True]


def _discriminatory(incident: Incident) -> bool:
    harm = incident.facts.get("harm") or {}
    return harm.get("algorithmic_discrimination") is True or harm.get("fundamental_rights_breach") is True


def _groups(incident: Incident) -> set[str]:
    groups = _category_groups()
    return {groups.get(n, "") for n in _personal_data(incident).get("data_categories") or []}


def _consequences(letter: _Letter, incident: Incident, table: str = "consequence") -> list[str]:
    """Likely consequences in plain words, from what is recorded (never the ENISA score). ``table`` chooses the
    sentences: about people (``consequence``, for professionals) or to the reader (``consequence_you``, Art 34)."""
    out = [letter.w[table][p] for p in _personal_data(incident).get("lost") or []]
    if _discriminatory(incident):
        out.append(letter.t(f"{table}.discrimination"))
    if incident.facts.get("automated_decision_without_human_review") is True:
        out.append(letter.t(f"{table}.automated"))
    if "sensitive" in _groups(incident):
        out.append(letter.t(f"{table}.sensitive"))
    if "financial" in _groups(incident):
        out.append(letter.t(f"{table}.financial"))
    return out


def _advice(letter: _Letter, incident: Incident, org: Organisation) -> list[str]:
    """What a person can do, from the facts: their rights always, and precautions where they apply."""
    names = set(_personal_data(incident).get("data_categories") or [])
    out = [letter.t("advice.rights")]
    if incident.facts.get("automated_decision_without_human_review") is True or _discriminatory(incident):
        out.append(letter.t("advice.review"))
    if names & {"credentials"}:
        out.append(letter.t("advice.credentials"))
    if names & {"financial", "payment", "bank"}:
        out.append(letter.t("advice.financial"))
    if "confidentiality" in (_personal_data(incident).get("lost") or []):
        out.append(letter.t("advice.vigilant"))
    authority = letter.t("advice.complaint_authority", authority=org.supervisory_authority) \
        if org.supervisory_authority else ""
    out.append(letter.t("advice.complaint", authority=authority))
    return out


def _typed_measures(incident: Incident) -> bool:
    """Whether the detailed measures carry a description a person typed."""
    return any(a.description.strip() for a in incident.containment_actions.all()) or any(
        a.description.strip() for a in incident.corrective_actions.all() if a.due_on)


def _measures(letter: _Letter, incident: Incident, detailed: bool = True) -> list[str]:
    """Containment taken and corrective actions planned; descriptions only for professional readers."""
    out = []
    for a in incident.containment_actions.all():
        label = letter.w["containment"].get(a.kind, letter.w["containment"]["other"])
        when = letter.date(a.taken_at)
        out.append(letter.t("meta.taken_with", date=when, label=label, description=a.description.strip())
                   if detailed and a.description.strip() else letter.t("meta.taken", date=when, label=label))
    if detailed:
        out += [letter.t("meta.planned", due=letter.day(a.due_on), description=a.description.strip())
                for a in incident.corrective_actions.all() if a.due_on]
    return out


def _persons(letter: _Letter, incident: Incident) -> str:
    parties = incident.affected_parties.strip()
    count = _count(letter, _personal_data(incident).get("data_subjects"))
    if parties and count:
        return letter.t("meta.persons_counted", parties=parties, count=count)
    if count:
        return letter.t("meta.persons_only_count", count=count)
    return parties


def _tools(letter: _Letter, incident: Incident) -> list[str]:
    out = []
    for link in incident.tools.select_related("tool"):
        name = link.name
        if link.tool_id and link.tool.version:
            name = letter.t("meta.tool_with_version", name=name, version=link.tool.version)
        if link.tool_id and link.tool.provider:
            name = letter.t("meta.tool_with_provider", name=name, provider=link.tool.provider)
        out.append(name)
    return out


def _timeline(letter: _Letter, incident: Incident, causal: bool = False) -> str:
    lines = [letter.t("meta.occurred", date=letter.date(incident.occurred_at)) if incident.occurred_at
             else letter.t("meta.occurred_unknown"),
             letter.t("meta.aware", date=letter.date(incident.aware_at or incident.detected_at))]
    if causal and incident.causal_link_established_at:
        lines.append(letter.t("meta.causal_link", date=letter.date(incident.causal_link_established_at)))
    return " ".join(lines)


def _tri(letter: _Letter, value: Any) -> str:
    """A yes/no fact as an answer ('no indication so far' for no); unknown stays empty, so it is to follow."""
    return {True: letter.t("meta.yes"), False: letter.t("meta.no_indication")}.get(value, "")


def _cause(incident: Incident) -> str:
    rca = getattr(incident, "rca", None)
    return rca.why.strip() if rca is not None else ""


# One function per kind of draft.

def _gdpr_33_elements(letter: _Letter, incident: Incident, org: Organisation, as_controller: bool = True) -> None:
    """The Art 33(3) elements (a) to (d), each filled or marked as to follow (Art 33(4)). A processor writing to
    its controller (Art 33(2)) does not name itself as controller."""
    pd = _personal_data(incident)
    if as_controller:
        letter.element("gdpr_33.controller", org.name)
    letter.element("gdpr_33.timeline", _timeline(letter, incident))
    letter.heading(letter.t("gdpr_33.nature"))
    letter.element("gdpr_33.what_happened", incident.description, level=3, typed=True)
    letter.element("gdpr_33.type", _lost(letter, incident), level=3)
    letter.element("gdpr_33.subject_categories", incident.affected_parties, level=3, typed=True)
    letter.element("gdpr_33.subject_count", _count(letter, pd.get("data_subjects")), level=3)
    letter.element("gdpr_33.data_categories", _categories(letter, incident), level=3)
    letter.element("gdpr_33.record_count", _count(letter, pd.get("records")), level=3)
    letter.element("gdpr_33.contact", org.contact_point, typed=True)
    letter.element("gdpr_33.consequences", _consequences(letter, incident))
    letter.element("gdpr_33.measures", _measures(letter, incident),
                   typed=_typed_measures(incident))


def _gdpr_33(letter: _Letter, incident: Incident, org: Organisation, late: bool) -> None:
    letter.para(letter.t("gdpr_33.intro", org=org.name))
    _gdpr_33_elements(letter, incident, org)
    if late:
        letter.heading(letter.t("gdpr_33.delay"))
        letter.para(letter.t("meta.fill_delay"))
    letter.closing_list()
    letter.para(letter.t("gdpr_33.phases"))


def _controller(letter: _Letter, incident: Incident, org: Organisation, late: bool) -> None:
    letter.para(letter.t("controller.intro", org=org.name))
    _gdpr_33_elements(letter, incident, org, as_controller=False)
    letter.closing_list()


def _gdpr_34(letter: _Letter, incident: Incident, org: Organisation, late: bool) -> None:
    """Art 34(2): in plain language, for the person; no article numbers in the headings, no internal text."""
    letter.para(letter.t("meta.greeting"))
    letter.para(letter.t("gdpr_34.intro"))
    letter.heading(letter.t("gdpr_34.what_happened"))
    letter.para(letter.t("meta.fill_summary"))
    follow = letter.t("gdpr_34.to_follow")
    letter.element("gdpr_34.means", _consequences(letter, incident, "consequence_you"), unknown_text=follow)
    letter.element("gdpr_34.done", _measures(letter, incident, detailed=False), unknown_text=follow)
    letter.heading(letter.t("gdpr_34.can_do"))
    letter.para("\n".join(f"- {a}" for a in _advice(letter, incident, org)))
    letter.element("gdpr_34.contact", org.contact_point and letter.t("gdpr_34.contact_value",
                                                                      contact=org.contact_point),
                   unknown_text=follow, typed=True)
    letter.closing_list("gdpr_34.later", "")
    letter.para(letter.t("gdpr_34.basis"))


def _other_reports(letter: _Letter, incident: Incident, kind: str) -> list[str]:
    return [letter.t("ai_act_73.other_value", date=letter.date(n.sent_at), recipient=n.recipient)
            for n in incident.notifications.all() if getattr(getattr(n, "draft", None), "kind", "") != kind]


def _ai_act_73(letter: _Letter, incident: Incident, org: Organisation, late: bool, sent: Sent | None) -> None:
    """Sections after the Commission's draft reporting template (26 Sep 2025), as far as we could verify it."""
    letter.para(letter.t("ai_act_73.intro", org=org.name))
    letter.element("ai_act_73.report_type", letter.t("ai_act_73.follow_up" if sent else "ai_act_73.initial"))
    role = letter.t(f"ai_act_73.role_{org.ai_act_role or 'none'}")
    letter.element("ai_act_73.reporter", letter.t("ai_act_73.reporter_value", org=org.name, role=role))
    letter.element("ai_act_73.system", _tools(letter, incident))
    letter.heading(letter.t("ai_act_73.incident"))
    letter.element("ai_act_73.when", _timeline(letter, incident, causal=True), level=3)
    letter.element("ai_act_73.where", "", level=3)
    letter.element("ai_act_73.what_happened", incident.description, level=3, typed=True)
    harms = _harms(letter, incident)
    letter.element("ai_act_73.harm", harms and letter.t("ai_act_73.harm_value", harms=letter.join(harms)), level=3)
    letter.element("ai_act_73.affected", _persons(letter, incident), level=3,
                   typed=bool(incident.affected_parties.strip()))
    letter.heading(letter.t("ai_act_73.analysis"))
    letter.element("ai_act_73.causal", incident.causal_link_established_at and letter.t(
        "meta.causal_link", date=letter.date(incident.causal_link_established_at)), level=3)
    letter.element("ai_act_73.cause", _cause(incident), level=3, typed=True)
    letter.element("ai_act_73.measures", _measures(letter, incident),
                   typed=_typed_measures(incident))
    others = _other_reports(letter, incident, "ai_act_73")
    letter.heading(letter.t("ai_act_73.other_reports"))
    letter.para("\n".join(f"- {o}" for o in others) if others else letter.t("ai_act_73.other_none"))
    letter.element("ai_act_73.contact", org.contact_point, typed=True)
    letter.closing_list()


def _provider_notice(letter: _Letter, incident: Incident, org: Organisation, late: bool) -> None:
    tools = letter.join([link.name for link in incident.tools.all()])
    letter.para(letter.t("provider_notice.intro", org=org.name, tools=tools or "—"))
    letter.element("provider_notice.system", _tools(letter, incident))
    letter.element("provider_notice.when", _timeline(letter, incident))
    letter.element("provider_notice.what_happened", incident.description, typed=True)
    letter.element("provider_notice.affected", _persons(letter, incident),
                   typed=bool(incident.affected_parties.strip()))
    letter.element("provider_notice.done", _measures(letter, incident),
                   typed=_typed_measures(incident))
    letter.element("provider_notice.request", letter.t("provider_notice.request_value"))
    letter.element("provider_notice.contact", org.contact_point, typed=True)
    letter.closing_list()


def _malicious(incident: Incident) -> Any:
    return _personal_data(incident).get("malicious")


def _nis2_early_warning(letter: _Letter, incident: Incident, org: Organisation, late: bool) -> None:
    letter.para(letter.t("nis2_early_warning.intro", org=org.name))
    letter.element("nis2_early_warning.what_happened", incident.description, typed=True)
    letter.element("nis2_early_warning.when", _timeline(letter, incident))
    letter.element("nis2_early_warning.malicious", _tri(letter, _malicious(incident)))
    letter.element("nis2_early_warning.cross_border", "")
    letter.element("nis2_early_warning.contact", org.contact_point, typed=True)
    letter.closing_list()


def _impact(letter: _Letter, incident: Incident) -> list[str]:
    persons = _persons(letter, incident)
    return ([persons] if persons else []) + _consequences(letter, incident)


def _nis2_notification(letter: _Letter, incident: Incident, org: Organisation, late: bool) -> None:
    letter.para(letter.t("nis2_notification.intro", org=org.name))
    letter.element("nis2_notification.what_happened", incident.description, typed=True)
    letter.element("nis2_notification.when", _timeline(letter, incident))
    letter.element("nis2_notification.malicious", _tri(letter, _malicious(incident)))
    letter.element("nis2_notification.cross_border", "")
    letter.element("nis2_notification.assessment", _impact(letter, incident),
                   typed=bool(incident.affected_parties.strip()))
    letter.element("nis2_notification.indicators", "")
    letter.element("nis2_notification.done", _measures(letter, incident),
                   typed=_typed_measures(incident))
    letter.element("nis2_notification.contact", org.contact_point, typed=True)
    letter.closing_list()


def _nis2_final(letter: _Letter, incident: Incident, org: Organisation, late: bool) -> None:
    letter.para(letter.t("nis2_final.intro", org=org.name))
    impact = _impact(letter, incident)
    letter.element("nis2_final.description", incident.description + ("\n\n" + "\n".join(f"- {i}" for i in impact)
                                                                     if impact else ""), typed=True)
    letter.element("nis2_final.cause", _cause(incident), typed=True)
    letter.element("nis2_final.measures", _measures(letter, incident),
                   typed=_typed_measures(incident))
    letter.element("nis2_final.cross_border", "")
    letter.element("nis2_final.contact", org.contact_point, typed=True)
    letter.closing_list()


def _client_notice(letter: _Letter, incident: Incident, org: Organisation, late: bool) -> None:
    """To a client: a plain summary a person writes (the internal description stays internal)."""
    letter.para(letter.t("meta.greeting"))
    letter.para(letter.t("client_notice.intro", org=org.name))
    letter.heading(letter.t("client_notice.what_happened"))
    letter.para(letter.t("meta.fill_summary"))
    concerns = [letter.t("client_notice.client_data")] if incident.facts.get("client_data_affected") is True else []
    letter.element("client_notice.concerns", concerns + _consequences(letter, incident))
    letter.element("client_notice.done", _measures(letter, incident, detailed=False))
    letter.element("client_notice.next", letter.t("client_notice.next_value"))
    letter.element("client_notice.contact", org.contact_point, typed=True)
    letter.closing_list(complete_key="")


def _tool_provider(letter: _Letter, incident: Incident, org: Organisation, late: bool) -> None:
    tools = letter.join([link.name for link in incident.tools.all()])
    letter.para(letter.t("tool_provider.intro", org=org.name, tools=tools or "—"))
    letter.element("tool_provider.what_happened", incident.description, typed=True)
    letter.element("tool_provider.when", _timeline(letter, incident))
    letter.element("tool_provider.done", _measures(letter, incident),
                   typed=_typed_measures(incident))
    letter.element("tool_provider.request", letter.t("tool_provider.request_value"))
    letter.element("tool_provider.contact", org.contact_point, typed=True)
    letter.closing_list()


def _authority_report(letter: _Letter, incident: Incident, org: Organisation, late: bool,
                      citation: str = "") -> None:
    letter.para(letter.t("authority_report.intro", org=org.name))
    if citation and "procedure" not in citation.lower():
        letter.element("authority_report.basis", citation)
    letter.element("authority_report.what_happened", incident.description, typed=True)
    letter.element("authority_report.when", _timeline(letter, incident))
    letter.element("authority_report.systems", _tools(letter, incident))
    letter.element("authority_report.affected", _persons(letter, incident),
                   typed=bool(incident.affected_parties.strip()))
    letter.element("authority_report.done", _measures(letter, incident),
                   typed=_typed_measures(incident))
    letter.element("authority_report.contact", org.contact_point, typed=True)
    letter.closing_list()


def _internal_update(letter: _Letter, incident: Incident, org: Organisation, late: bool) -> None:
    """To staff (the playbook's "communicate transparently"): a plain summary a person writes (the description
    may name the colleague involved; the update fixes the system, it does not point at a person), what changes,
    what to do, and whom to ask. No level, rule or score."""
    letter.para(letter.t("internal_update.greeting"))
    letter.para(letter.t("internal_update.intro", org=org.name))
    letter.heading(letter.t("internal_update.what_happened"))
    letter.para(letter.t("meta.fill_staff_summary"))
    letter.element("internal_update.changes", _staff_changes(letter, incident))
    letter.element("internal_update.todo", _staff_todo(letter, incident))
    owner = incident.owner
    who = (f"{owner.get_full_name() or owner.get_username()}" + (f" ({owner.email})" if owner.email else "")
           if owner else org.contact_point)
    letter.element("internal_update.ask", who, typed=not owner)
    letter.closing_list(complete_key="")


def _staff_changes(letter: _Letter, incident: Incident) -> list[str]:
    """What was done and what will change: containment (in words), accepted lessons, planned actions."""
    out = _measures(letter, incident, detailed=False)
    out += [lesson.text.strip() for lesson in incident.lessons.filter(status="accepted")]
    out += [letter.t("meta.planned", due=letter.day(a.due_on), description=a.description.strip())
            for a in incident.corrective_actions.all() if a.due_on]
    return out


def _staff_todo(letter: _Letter, incident: Incident) -> list[str]:
    out = []
    tools = letter.join([link.name for link in incident.tools.all()])
    if tools and incident.containment_actions.filter(kind__in=["stop_operation", "revoke_access",
                                                               "disable_feature"]).exists():
        out.append(letter.t("internal_update.pause_tool", tools=tools))
    if _personal_data(incident).get("involved") is True:
        out.append(letter.t("internal_update.personal_data"))
    out.append(letter.t("internal_update.report_similar"))
    return out


WRITERS = {"gdpr_33": _gdpr_33, "gdpr_34": _gdpr_34, "controller": _controller,
           "provider_notice": _provider_notice, "nis2_early_warning": _nis2_early_warning,
           "nis2_notification": _nis2_notification, "nis2_final": _nis2_final, "client_notice": _client_notice,
           "tool_provider": _tool_provider, "internal_update": _internal_update}


def draft(incident: Incident, kind: str, rule_id: str = "", language: str = "", sent: Sent | None = None) -> Draft:
    """Write the draft of ``kind`` for ``incident`` from what is recorded now, in ``language`` (default: the
    organisation's). ``sent`` is the last version sent, which makes this draft a follow-up to it."""
    if kind not in KINDS:
        raise ValueError(f"kind: choose one of {', '.join(KINDS)}")
    org = Organisation.current()
    language = language or org.draft_language or DraftLanguage.ENGLISH
    letter = _Letter(language, ZoneInfo(org.time_zone or "UTC"), typed_in=org.draft_language or DraftLanguage.ENGLISH)
    obligation = incident.obligations.filter(rule_id=rule_id).first() if rule_id else None
    letter.para(letter.t("meta.our_reference", reference=incident.reference) + "  \n"
                + letter.t("meta.date_line", date=letter.day(timezone.now().astimezone(letter.tz))))
    if sent is not None:
        theirs = letter.t("meta.their_reference", reference=sent.reference) if sent.reference else ""
        letter.para(letter.t("meta.follow_up", date=letter.day(sent.sent_at.astimezone(letter.tz)),
                             their_reference=theirs))
    late = bool(obligation and obligation.due_at and timezone.now() > obligation.due_at and sent is None)
    if kind == "ai_act_73":
        _ai_act_73(letter, incident, org, late, sent)
    elif kind == "authority_report":
        _authority_report(letter, incident, org, late, obligation.citation if obligation else "")
    else:
        WRITERS[kind](letter, incident, org, late)
    closing = letter.t("internal_update.closing" if kind == "internal_update" else "meta.closing")
    letter.para(closing + "  \n" + org.name)
    subject = f"{letter.t('kinds.' + kind)} — {org.name} — {incident.reference}"
    return Draft(kind=kind, subject=subject, body="\n".join(letter.lines).strip() + "\n", language=language,
                 unknown=letter.unknown)
