"""API: the breach register (GDPR Art 33(5)), the same entries as the page and its exports.

Times are UTC (ISO 8601), as everywhere in the API; ``time_zone`` names the organisation's zone, in which
the page and the exports show them.
"""

from typing import Any

from ninja import Field, Router, Schema

from incidentdesk import times
from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, UtcDateTime, require

from .register import COLUMNS, entries

router = Router(tags=["gdpr"])

class BreachEntryOut(Schema):
    reference: str
    title: str
    status: str = Field(description="Status of the incident")
    personal_data: str = Field(description="Personal data involved: Yes, No or Not yet established")
    occurred_at: UtcDateTime | None
    detected_at: UtcDateTime
    aware_at: UtcDateTime | None = Field(description="Became aware: the Art 33(1) clock starts here")
    what_happened: str
    data_categories: str = Field(description="Categories of personal data")
    security_lost: str = Field(description="What was lost: confidentiality, integrity, availability")
    people: int | None = Field(description="People affected (approximate)")
    records: int | None = Field(description="Records affected (approximate)")
    effects: str = Field(description="Effects and the people affected")
    remedial_action: str = Field(description="Remedial action taken, one per line")
    recommendation: str
    recommendation_reasons: str
    decision: str
    decision_reasons: str
    decided_by: str
    decided_at: UtcDateTime | None
    notifications: str = Field(description="Notifications sent (when, to whom, reference), one per line")
    first_authority_notification: UtcDateTime | None
    authority_reference: str = Field(description="The supervisory authority's reference(s)")
    authority_deadline: str = Field(description="Whether Art 33(1)'s 72 hours were met, in words")
    people_informed: str = Field(description="People informed (Art 34), one per line")
    people_informed_count: int | None = Field(description="Number of people informed")

class BreachRegisterOut(Schema):
    time_zone: str = Field(description="The organisation's time zone (times below are UTC)")
    breaches: list[BreachEntryOut]

assert {c.key for c in COLUMNS} == set(BreachEntryOut.model_fields), "the API lists every register column"

@router.get("", response={200: BreachRegisterOut, **PROBLEMS}, auth=READ,
            summary="The breach register: every personal data breach, notified or not (GDPR Art 33(5))")
def breach_register(request) -> dict[str, Any]:
    require(request, Capability.VIEW_REGISTER)
    return {"time_zone": times.zone_name(), "breaches": entries(request.user)}
