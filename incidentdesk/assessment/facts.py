"""The facts of one incident, as the assessment core reads them.

Every yes/no fact is three-valued: ``True``, ``False`` or ``None`` (unknown). A missing fact is
unknown, never false, and the assessment lists every unknown it relied on. The same model is what
``incidentdesk assess FILE`` reads, what the API accepts and what a stored incident turns into.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from .categories import accepted_categories, refusal, unknown_categories
from .vocabulary import choice_label, json_schema_descriptions, label, paths_of

#: How far into the future a timestamp may lie before we call it impossible (clock skew).
FUTURE_SKEW = timedelta(minutes=5)
#: Earlier timestamps are typing errors (and would not fit the register's INC-YYYY-NNN ids).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
#: Later timestamps are typing errors too (and deadlines from year 9999 would overflow the calendar).
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class Category(StrEnum):
    """AI incident categories (ISO 42001 policy template §2; seed procedure §3)."""

    MODEL_FAILURE = "model_failure"
    BIAS = "bias_discrimination"
    ADVERSARIAL = "adversarial_attack"
    DATA_ISSUE = "data_issue_leakage"
    PRIVACY = "privacy"
    MISINFORMATION = "misinformation_hallucination"
    IP_COPYRIGHT = "ip_copyright"
    OUTSIDE_INVENTORY = "use_outside_inventory"
    SAFETY = "safety"
    SECURITY = "security"
    OTHER = "other"

    @property
    def label(self) -> str:
        """What a person reads: "Bias or discrimination" (from the vocabulary, the one place the words are)."""
        return choice_label("categories", self.value)


def _utc_in_range(value: datetime, name: str = "") -> datetime:
    """A timestamp with an offset, in UTC, between 2000 and 2099.

    Outside that range a date is a typing error, and deadlines computed from it would run off the
    calendar (year 9999 + 15 days) and crash the assessment instead of refusing the input. The message does
    not name the fact: the caller's error names it, in the vocabulary's words; ``name`` adds what it belongs to.
    """
    about = f" ({name})" if name else ""
    if value.tzinfo is None:
        raise ValueError(f"give the time with its UTC offset{about}, e.g. 2026-03-02T09:15:00+01:00")
    try:
        value = value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"the date{about} is out of range: check the year") from exc
    if value < EARLIEST:
        raise ValueError(f"{_day(value)}{about} is before {EARLIEST:%Y}: check the year")
    if value >= LATEST:
        raise ValueError(f"{_day(value)}{about} is after {LATEST.year - 1}: check the year")
    return value


#: Every timestamp of an incident's facts (each refused when in the future or outside 2000-2099).
TIMESTAMP_FIELDS = ("detected_at", "occurred_at", "aware_at", "causal_link_suspected_at",
                    "causal_link_established_at", "classified_at", "provider_acknowledged_at",
                    "corrective_measure_available_at")


def _day(value: datetime) -> str:
    """A date as a person writes it: 1 June 2027."""
    return f"{value.day} {value:%B %Y}"


def local_time(value: datetime, zone: str) -> str:
    """A time in the organisation's time zone, as a person reads it: 1 June 2027 10:00 CEST."""
    local = value.astimezone(ZoneInfo(zone))
    return f"{_day(local)} {local:%H:%M} {local.tzname()}"


class FutureTime(ValueError):
    """A timestamp in the future; ``field`` names the fact, so a form can show the message beside it."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Tri = bool | None
#: A personal-data category: one of the ENISA table's in gdpr.toml, listed as an enum in the JSON schema (checked,
#: with the accepted ones named, by ``PersonalDataFacts._known_categories``).
DataCategory = Annotated[str, WithJsonSchema({"type": "string", "enum": list(accepted_categories())})]


class OrganisationFacts(Strict):
    """The organisation profile: these facts decide which regimes apply."""

    model_config = ConfigDict(json_schema_extra=json_schema_descriptions("organisation."))

    name: str | None = None
    country: str | None = Field(None, json_schema_extra={"pattern": "^[A-Za-z]{2}$"})
    time_zone: str = "UTC"
    supervisory_authority: str | None = None
    ai_act_role: Literal["provider", "deployer", "both", "none"] | None = None
    gdpr_role: Literal["controller", "processor", "both"] = "controller"
    nis2_entity: Tri = None
    nis2_trust_service_provider: bool = False
    dora_financial_entity: Tri = None
    dora_weekend_relief: bool = True  # False for entities RTS 2025/301 Art 5(5) excludes from the relief
    sb53_frontier_developer: Tri = None
    raise_frontier_developer: Tri = None
    gpai_systemic_risk_provider: Tri = None
    retention_years: int = Field(5, ge=1, le=100)
    immediate_target_hours: int = Field(
        24, ge=1, le=240,
        description="Our internal target for a duty the law says is 'immediate' (AI Act Art 73, 26(5)): hours "
                    "after the event that starts it. Internal, not the law: the law gives no number")
    provider_ack_hours: int = Field(
        24, ge=1, le=240,
        description="AI Act Art 26(5): hours we wait for the provider to acknowledge our notice before we treat "
                    "it as not reachable and report under Art 73 ourselves (internal, not the law)")
    art73_reading: Literal["undecided", "from_2026_08_02", "follows_2026_1744"] = Field(
        "undecided",
        description="Counsel's answer to the open question whether AI Act Art 73 applies from 2 Aug 2026 or follows "
                    "the high-risk dates of Reg. (EU) 2026/1744; undecided applies the stricter (earlier) one")
    # --- Medical devices (MDR) and the Cyber Resilience Act (issue 11, regimes; docs/rules.md) ---
    mdr_manufacturer: Tri = Field(
        None, description="Manufacturer of a medical device (AI software or a device it is part of), MDR Art 87")
    cra_manufacturer: Tri = Field(
        None, description="Manufacturer of products with digital elements on the EU market, CRA Art 14")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not a time zone we know: use a name such as Europe/Brussels") from exc
        return value

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) != 2 or not value.isalpha():
            raise ValueError("use the two-letter country code, such as BE")
        return value.upper()


#: Where an AI system is high-risk under the AI Act: Art 6(1) and Annex I (a product, or a safety component of
#: one, under the Union harmonisation law listed there) or Art 6(2) and Annex III (a listed use case).
Annex = Literal["annex_i", "annex_iii", "not_high_risk"]
AiActRole = Literal["provider", "deployer", "both", "none"]


class ToolFacts(Strict):
    """One AI tool involved. ``high_risk`` follows from ``annex`` when the annex is known (one truth): it may be
    given on its own only while the annex is not known, and a contradiction is refused."""

    model_config = ConfigDict(json_schema_extra=json_schema_descriptions("tools[]."))

    name: str = Field(min_length=1)
    in_inventory: Tri = None
    annex: Annex | None = Field(None, description="annex_i, annex_iii, not_high_risk; null: not known")
    high_risk: Tri = None
    role: AiActRole | None = Field(None, description="Our AI Act role for this tool; null: the organisation's role")
    medical_device: Tri = Field(None, description="The AI system is, or is a safety component of, a medical device "
                                                  "(Reg. 2017/745 or 2017/746): AI Act Art 73(10)")
    equivalent_reporting: Tri = Field(None, description="Its provider is subject to Union law with incident "
                                                        "reporting duties equivalent to the AI Act's: Art 73(9)")

    @model_validator(mode="before")
    @classmethod
    def _high_risk_from_annex(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("annex") is None:
            return data
        derived = data["annex"] != "not_high_risk"
        if data.get("high_risk") is not None and data["high_risk"] != derived:
            raise ValueError(f"high_risk is {str(data['high_risk']).lower()} but annex is {data['annex']}: "
                             "high_risk follows from the annex, give one or make them agree")
        return data | {"high_risk": derived}

    @property
    def sector_limited(self) -> bool:
        """Art 73(9)-(10): only fundamental-rights infringements (Art 3(49)(c)) are reported under Art 73.

        Unknown counts as not limited: reporting the whole Art 73 scope is the stricter reading.
        """
        return self.medical_device is True or (self.annex == "annex_iii" and self.equivalent_reporting is True)

    def _in_role(self, roles: set[str]) -> bool | None:
        if self.high_risk is False or self.role in {"deployer", "provider", "none"} - roles:
            return False
        if self.high_risk is None or self.role is None:
            return None
        return True

    @property
    def high_risk_provided(self) -> bool | None:
        """A high-risk system we provide (Art 73's provider duty)."""
        return self._in_role({"provider", "both"})

    @property
    def high_risk_deployed(self) -> bool | None:
        """A high-risk system we deploy (Art 26(5)'s deployer duty)."""
        return self._in_role({"deployer", "both"})

    @property
    def art73_full_scope(self) -> bool | None:
        """A high-risk system we provide whose every serious incident goes to the AI Act authority (not 73(9)-(10))."""
        provided = self.high_risk_provided
        return False if provided is not None and self.sector_limited else provided

    @property
    def art73_full_scope_deployed(self) -> bool | None:
        """As ``art73_full_scope``, for a system we deploy (Art 26(5): Art 73 mutatis mutandis)."""
        deployed = self.high_risk_deployed
        return False if deployed is not None and self.sector_limited else deployed


class PersonalDataFacts(Strict):
    """Facts of item 7 of the foundation issue: the input of the ENISA score (docs/facts.md)."""

    model_config = ConfigDict(json_schema_extra=json_schema_descriptions("personal_data."))

    involved: Tri = None
    lost: list[Literal["confidentiality", "integrity", "availability"]] | None = None
    data_categories: list[DataCategory] | None = None
    data_subjects: int | None = Field(None, ge=0)
    records: int | None = Field(None, ge=0)
    encrypted: Tri = None
    key_compromised: Tri = None
    backup_available: Tri = None
    restore_hours: float | None = Field(None, ge=0)
    exfiltrated: Tri = None
    recipient: Literal["trusted", "untrusted", "public", "unknown"] | None = None
    identifiability: Literal["negligible", "limited", "significant", "maximum"] | None = None
    malicious: Tri = None
    vulnerable_subjects: Tri = None
    recipient_deleted: Tri = Field(
        None, description="A trusted recipient confirmed the data was deleted or returned unread (Art 34(3)(b))")
    consequences: Literal["negligible", "limited", "significant", "severe"] | None = Field(
        None, description="How severe the consequences for the people are or could be (EDPB 9/2022 section IV.B)")
    consequences_lasting: Tri = Field(
        None, description="The consequences are lasting or hard to undo (EDPB 9/2022: severity and permanence)")
    revealing_context: Tri = Field(
        None, description="The organisation's activity itself reveals something sensitive about the people, "
                          "e.g. a hospital or an addiction clinic (EDPB 9/2022 para 117)")
    other_data_categories: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=20,
        description="Kinds of personal data not in the category list, in your own words (not scored: their "
                    "sensitivity is unknown until a category is chosen)")

    @field_validator("data_categories")
    @classmethod
    def _known_categories(cls, value: list[str] | None) -> list[str] | None:
        """Refuse a category the ENISA table cannot score, naming the accepted ones (issue 11, error 5)."""
        unknown = unknown_categories(value or [])
        if unknown:
            raise ValueError(refusal(unknown))
        return value


class HarmFacts(Strict):
    model_config = ConfigDict(json_schema_extra=json_schema_descriptions("harm."))

    death: Tri = None
    serious_health_harm: Tri = None
    critical_infrastructure_disruption: Tri = None
    fundamental_rights_breach: Tri = None
    serious_property_or_environment_harm: Tri = None
    widespread_infringement: Tri = None
    imminent_risk_of_death_or_injury: Tri = None
    algorithmic_discrimination: Tri = None
    critical_safety_incident: Tri = None


# --- Medical devices (MDR Art 87) and the Cyber Resilience Act (CRA Art 14): issue 11, regimes ---


class MedicalDeviceFacts(Strict):
    """What MDR Art 2(65), 2(66) and 87(1)(a), (4), (5) ask of an incident with a medical device.

    A death or a serious deterioration in health is read from ``harm`` (one vocabulary); these are the
    facts only the medical-device vigilance rules need.
    """

    could_have_led_to_death_or_serious_deterioration: Tri = Field(
        None, description="MDR Art 2(65): 'might have led or might lead to' a death or serious deterioration")
    serious_public_health_threat: Tri = Field(None, description="MDR Art 2(66), 87(4)")
    unanticipated_serious_deterioration: Tri = Field(None, description="MDR Art 87(5); MDCG 2023-3")
    expected_documented_side_effect: Tri = Field(
        None, description="MDR Art 87(1)(a): an expected side-effect documented and under trend reporting (Art 88)")


class ProductSecurityFacts(Strict):
    """What CRA Art 14(1), (3) and (5) ask of an incident with a product with digital elements we make."""

    actively_exploited_vulnerability: Tri = Field(None, description="CRA Art 3(42), 14(1)")
    severe_incident: Tri = Field(None, description="CRA Art 14(3), 14(5)")


class GdprDecision(Strict):
    """A person's decision on Art 33/34. It always wins over the recommendation."""

    model_config = ConfigDict(json_schema_extra=json_schema_descriptions("gdpr_decision."))

    notify_supervisory_authority: Tri = None
    communicate_to_data_subjects: Tri = None
    reasons: str = ""


class IncidentFacts(Strict):
    """Every fact the assessment reads; the labels, help and reasons are in the vocabulary (``vocabulary/``)."""

    model_config = ConfigDict(json_schema_extra=json_schema_descriptions(""))

    detected_at: datetime
    occurred_at: datetime | None = None
    aware_at: datetime | None = None
    causal_link_suspected_at: datetime | None = Field(
        None, description="AI Act Art 73(4): when a causal link between the AI system and a death was first suspected")
    causal_link_established_at: datetime | None = None
    classified_at: datetime | None = None
    provider_acknowledged_at: datetime | None = Field(
        None, description="AI Act Art 26(5): when the provider acknowledged our notice of the serious incident")
    organisation: OrganisationFacts = Field(default_factory=OrganisationFacts)
    tools: list[ToolFacts] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    published_externally: Tri = None
    caught_in_review: Tri = None
    client_data_affected: Tri = None
    automated_decision_without_human_review: Tri = None
    significant_incident: Tri = None
    major_ict_incident: Tri = None
    clients_financial_interests_affected: Tri = None
    employee_conduct: Tri = Field(None, description="An employee's conduct is part of it (playbook step 3: HR)")
    potential_liability: Tri = Field(None, description="The organisation may be liable (playbook step 3: Legal)")
    personal_data: PersonalDataFacts = Field(default_factory=PersonalDataFacts)
    harm: HarmFacts = Field(default_factory=HarmFacts)
    gdpr_decision: GdprDecision = Field(default_factory=GdprDecision)
    level_override: int | None = Field(None, ge=1, le=4)
    completed: dict[str, datetime] = Field(default_factory=dict)  # obligation rule id -> when it was done

    # --- Medical devices (MDR) and the Cyber Resilience Act (issue 11, regimes) ---
    medical_device: MedicalDeviceFacts = Field(default_factory=MedicalDeviceFacts)
    product_security: ProductSecurityFacts = Field(default_factory=ProductSecurityFacts)
    corrective_measure_available_at: datetime | None = Field(
        None, description="CRA Art 14(2)(c): when a corrective or mitigating measure became available")

    @model_validator(mode="before")
    @classmethod
    def _tool_roles(cls, data: Any) -> Any:
        """A tool without its own AI Act role takes the organisation's (the profile's default)."""
        if not isinstance(data, dict) or not isinstance(data.get("tools"), list):
            return data  # anything else is refused by the field's own validation, with its message
        org = data.get("organisation") or {}
        role = org.get("ai_act_role") if isinstance(org, dict) else getattr(org, "ai_act_role", None)
        if role is None:
            return data
        tools = [t | {"role": role} if isinstance(t, dict) and t.get("role") is None else t for t in data["tools"]]
        return data | {"tools": tools}

    @field_validator(*TIMESTAMP_FIELDS)
    @classmethod
    def _aware_datetime(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _utc_in_range(value)

    @field_validator("completed")
    @classmethod
    def _aware_completed(cls, value: dict[str, datetime]) -> dict[str, datetime]:
        return {key: _utc_in_range(stamp, f"obligation {key}") for key, stamp in value.items()}

    @model_validator(mode="after")
    def _possible_order(self) -> IncidentFacts:
        if self.occurred_at and self.occurred_at > self.detected_at:
            raise ValueError(f"The {_lower('occurred_at')} is after the {_lower('detected_at')}: an incident "
                             "cannot be detected before it happens")
        if self.aware_at and self.occurred_at and self.aware_at < self.occurred_at:
            raise ValueError(f"The {_lower('aware_at')} is before the {_lower('occurred_at')}: nobody can be "
                             "aware of an incident before it happens")
        return self

    def check_not_future(self, now: datetime) -> None:
        """Refuse timestamps in the future (beyond a small clock skew): they are typing errors."""
        limit = now + FUTURE_SKEW
        for name in TIMESTAMP_FIELDS:
            stamp = getattr(self, name)
            if stamp is not None and stamp > limit:
                shown = local_time(stamp, self.organisation.time_zone)
                raise FutureTime(f"The {_lower(name)} ({shown}) lies in the future", name)

    def _ai_act_role(self, roles: set[str]) -> bool | None:
        """Whether we hold one of ``roles`` for an AI system involved: each tool's role, else the profile's."""
        held = [tool.role for tool in self.tools] or [self.organisation.ai_act_role]
        if any(role in roles for role in held):
            return True
        return None if None in held else False

    @property
    def ai_act_provider(self) -> bool | None:
        """We are the AI Act provider of a system involved (or, with no tool named, the profile says so)."""
        return self._ai_act_role({"provider", "both"})

    @property
    def ai_act_deployer(self) -> bool | None:
        """We are the AI Act deployer of a system involved (or, with no tool named, the profile says so)."""
        return self._ai_act_role({"deployer", "both"})

    @property
    def awareness(self) -> datetime:
        """When the organisation became aware; detection is the earliest it can be."""
        return self.aware_at or self.detected_at


def fact_paths() -> list[str]:
    """Every fact path of the schema, as the vocabulary names them ("harm.death", "tools[].high_risk")."""
    return paths_of(IncidentFacts)


def _lower(path: str) -> str:
    """A label inside a sentence: "Detection time" → "detection time"."""
    text = label(path)
    return text[:1].lower() + text[1:]


def unknown_facts(facts: IncidentFacts) -> list[str]:
    """Dotted names of the facts still unknown, skipping those made irrelevant by a known 'no'."""
    unknown: list[str] = []
    for name in ("published_externally", "caught_in_review", "client_data_affected",
                 "automated_decision_without_human_review"):
        if getattr(facts, name) is None:
            unknown.append(name)
    for name, value in facts.harm:
        if value is None:
            unknown.append(f"harm.{name}")
    if facts.personal_data.involved is None:
        unknown.append("personal_data.involved")
    elif facts.personal_data.involved:
        for name, value in facts.personal_data:
            if value is None and name != "involved":
                unknown.append(f"personal_data.{name}")
    for index, tool in enumerate(facts.tools):
        for name, value in tool:
            if value is None:
                unknown.append(f"tools[{index}].{name}")
    return unknown + _regime_unknowns(facts)


def _regime_unknowns(facts: IncidentFacts) -> list[str]:
    """The MDR and CRA facts still unknown, only for an organisation that is (or may be) such a manufacturer.

    An organisation whose profile says it makes no medical device or no product with digital elements is not
    asked about them: they could not change any of its obligations.
    """
    unknown: list[str] = []
    for role, group in (("mdr_manufacturer", "medical_device"), ("cra_manufacturer", "product_security")):
        if getattr(facts.organisation, role) is False:
            continue
        unknown += [f"{group}.{name}" for name, value in getattr(facts, group) if value is None]
    return unknown


def fact_value(facts: IncidentFacts, path: str, extra: dict[str, Any] | None = None) -> Any:
    """Read a dotted fact path; ``tools[].x`` gives the list of every tool's value."""
    if extra and path in extra:
        return extra[path]
    head, _, rest = path.partition(".")
    if head == "tools[]":
        return [getattr(tool, rest) for tool in facts.tools]
    value: Any = getattr(facts, head)
    for part in rest.split(".") if rest else []:
        value = getattr(value, part)
    return value
