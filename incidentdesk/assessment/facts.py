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


def _utc_in_range(value: datetime, name: str) -> datetime:
    """A timestamp with an offset, in UTC, between 2000 and 2099.

    Outside that range a date is a typing error, and deadlines computed from it would run off the
    calendar (year 9999 + 15 days) and crash the assessment instead of refusing the input.
    """
    if value.tzinfo is None:
        raise ValueError(f"{name} needs a UTC offset, e.g. 2026-03-02T09:15:00+01:00")
    try:
        value = value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"{name} is out of range: check the year") from exc
    if value < EARLIEST:
        raise ValueError(f"{value:%Y-%m-%d} is before {EARLIEST:%Y}: check the year")
    if value >= LATEST:
        raise ValueError(f"{value:%Y-%m-%d} is after {LATEST.year - 1}: check the year")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Tri = bool | None
#: A personal-data category: one of the ENISA table's in gdpr.toml, listed as an enum in the JSON schema (checked,
#: with the accepted ones named, by ``PersonalDataFacts._known_categories``).
DataCategory = Annotated[str, WithJsonSchema({"type": "string", "enum": list(accepted_categories())})]


class OrganisationFacts(Strict):
    """The organisation profile: these facts decide which regimes apply."""

    name: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code, e.g. BE",
                                json_schema_extra={"pattern": "^[A-Za-z]{2}$"})
    time_zone: str = "UTC"
    supervisory_authority: str | None = None
    ai_act_role: Literal["provider", "deployer", "both", "none"] | None = None
    gdpr_role: Literal["controller", "processor", "both"] = "controller"
    nis2_entity: Tri = None
    nis2_trust_service_provider: bool = False
    dora_financial_entity: Tri = None
    dora_weekend_relief: bool = Field(
        True, description="False for entities RTS 2025/301 Art 5(5) excludes from the relief"
    )
    sb53_frontier_developer: Tri = None
    raise_frontier_developer: Tri = None
    gpai_systemic_risk_provider: Tri = None
    retention_years: int = Field(5, ge=1, le=100)
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
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Brussels)") from exc
        return value

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) != 2 or not value.isalpha():
            raise ValueError("country must be a two-letter ISO code such as BE")
        return value.upper()


class ToolFacts(Strict):
    name: str = Field(min_length=1)
    in_inventory: Tri = None
    high_risk: Tri = None
    medical_device: Tri = None


class PersonalDataFacts(Strict):
    """Facts of item 7 of the foundation issue: the input of the ENISA score (docs/facts.md)."""

    involved: Tri = None
    lost: list[Literal["confidentiality", "integrity", "availability"]] | None = None
    data_categories: list[DataCategory] | None = Field(
        None, description="Categories of personal data, from the ENISA table in gdpr.toml, e.g. contact, health")
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

    @field_validator("data_categories")
    @classmethod
    def _known_categories(cls, value: list[str] | None) -> list[str] | None:
        """Refuse a category the ENISA table cannot score, naming the accepted ones (issue 11, error 5)."""
        unknown = unknown_categories(value or [])
        if unknown:
            raise ValueError(refusal(unknown))
        return value


class HarmFacts(Strict):
    death: Tri = None
    serious_health_harm: Tri = None
    critical_infrastructure_disruption: Tri = None
    fundamental_rights_breach: Tri = None
    serious_property_or_environment_harm: Tri = None
    widespread_infringement: Tri = None
    imminent_risk_of_death_or_injury: Tri = None
    algorithmic_discrimination: Tri = None
    critical_safety_incident: Tri = Field(None, description="California SB 53 / New York RAISE definition")


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

    notify_supervisory_authority: Tri = None
    communicate_to_data_subjects: Tri = None
    reasons: str = ""


class IncidentFacts(Strict):
    detected_at: datetime
    occurred_at: datetime | None = None
    aware_at: datetime | None = None
    causal_link_established_at: datetime | None = None
    classified_at: datetime | None = None
    organisation: OrganisationFacts = Field(default_factory=OrganisationFacts)
    tools: list[ToolFacts] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    published_externally: Tri = None
    caught_in_review: Tri = None
    client_data_affected: Tri = None
    automated_decision_without_human_review: Tri = None
    significant_incident: Tri = Field(None, description="NIS2 Art 23(3)")
    major_ict_incident: Tri = Field(None, description="DORA Art 19(1), RTS 2024/1772")
    clients_financial_interests_affected: Tri = Field(None, description="DORA Art 19(3)")
    personal_data: PersonalDataFacts = Field(default_factory=PersonalDataFacts)
    harm: HarmFacts = Field(default_factory=HarmFacts)
    gdpr_decision: GdprDecision = Field(default_factory=GdprDecision)
    level_override: int | None = Field(
        None, ge=1, le=4, description="A person's definitive level; escalation or a reasoned downgrade"
    )
    completed: dict[str, datetime] = Field(
        default_factory=dict, description="Obligation rule id -> when it was done"
    )
    # --- Medical devices (MDR) and the Cyber Resilience Act (issue 11, regimes) ---
    medical_device: MedicalDeviceFacts = Field(default_factory=MedicalDeviceFacts)
    product_security: ProductSecurityFacts = Field(default_factory=ProductSecurityFacts)
    corrective_measure_available_at: datetime | None = Field(
        None, description="CRA Art 14(2)(c): when a corrective or mitigating measure became available")

    @field_validator(
        "detected_at", "occurred_at", "aware_at", "causal_link_established_at", "classified_at",
        "corrective_measure_available_at",
    )
    @classmethod
    def _aware_datetime(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _utc_in_range(value, "timestamp")

    @field_validator("completed")
    @classmethod
    def _aware_completed(cls, value: dict[str, datetime]) -> dict[str, datetime]:
        return {key: _utc_in_range(stamp, f"completed[{key}]") for key, stamp in value.items()}

    @model_validator(mode="after")
    def _possible_order(self) -> IncidentFacts:
        if self.occurred_at and self.occurred_at > self.detected_at:
            raise ValueError("occurred_at is after detected_at: an incident cannot be detected before it happens")
        if self.aware_at and self.occurred_at and self.aware_at < self.occurred_at:
            raise ValueError("aware_at is before occurred_at")
        return self

    def check_not_future(self, now: datetime) -> None:
        """Refuse timestamps in the future (beyond a small clock skew): they are typing errors."""
        limit = now + FUTURE_SKEW
        for name in ("detected_at", "occurred_at", "aware_at", "causal_link_established_at", "classified_at",
                     "corrective_measure_available_at"):
            stamp = getattr(self, name)
            if stamp is not None and stamp > limit:
                raise ValueError(f"{name} ({stamp.isoformat()}) lies in the future")

    @property
    def awareness(self) -> datetime:
        """When the organisation became aware; detection is the earliest it can be."""
        return self.aware_at or self.detected_at


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
