"""API: monitoring intake. ``POST /api/intake/alerts?source=<slug>`` with an intake-scoped token."""

from django.conf import settings
from ninja import Field, Query, Router, Schema, Status

from incidentdesk.api_base import INTAKE, PROBLEMS, Problem

from . import services

router = Router(tags=["intake"])


class SourceQuery(Schema):
    source: str


class Rejected(Schema):
    alert: int = Field(description="Position of the alert in the batch (0 first)")
    problem: str = Field(description="Why it could not be read")


class Received(Schema):
    received: int = Field(description="Alerts read (resolved ones are not counted)")
    created: int = Field(description="New triage items")
    deduplicated: int = Field(description="Repeats folded into an open item")
    promoted: int = Field(description="Items promoted to incidents by the source's rules")
    rejected: list[Rejected] = Field(description="Alerts of the batch that could not be read; the others were stored")


@router.post("/alerts", response={202: Received, **PROBLEMS}, auth=INTAKE,
             summary="Receive alerts (generic JSON or Alertmanager webhook); signed with a timestamp when the "
                     "source has a secret",
             description="A source with a secret requires `X-IncidentDesk-Timestamp` (Unix seconds, within 5 "
                         "minutes of the server's clock) and `X-IncidentDesk-Signature: sha256=<hex HMAC-SHA256 "
                         "of \"<timestamp>.<body>\">`; the same signed post is accepted once (a replay is a 401). "
                         "Incidents promoted by the source's rules are recorded by the token's owner.",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "object"}}}}})
def receive_alerts(request, query: Query[SourceQuery]):
    if len(request.body) > settings.INTAKE_MAX_BYTES:
        raise Problem(413, "Payload too large", f"at most {settings.INTAKE_MAX_BYTES} bytes")
    source = services.source(query.source)
    if source is None:
        raise Problem(404, "Not found", f"No alert source {query.source!r}; create it in the triage settings")
    seen = services.check_signature(source, request.body,
                                    signature=request.headers.get("X-IncidentDesk-Signature", ""),
                                    timestamp=request.headers.get("X-IncidentDesk-Timestamp", ""))
    counts = services.receive(source=source, body=request.body, by=request.user, seen=seen)
    return Status(202, counts)
