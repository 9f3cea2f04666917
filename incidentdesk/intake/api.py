"""API: monitoring intake. ``POST /api/intake/alerts?source=<slug>`` with an intake-scoped token."""

from django.conf import settings
from django.core.cache import cache
from ninja import Field, Query, Router, Schema, Status

from incidentdesk.api_base import INTAKE, PROBLEMS, Problem

from . import services
from .models import AlertSource

router = Router(tags=["intake"])


def cached_source(slug: str) -> AlertSource | None:
    """Sources change rarely; a burst of alerts should not look each one up (30 s per process)."""
    key = f"alert-source:{slug}"
    source = cache.get(key)
    if source is None:
        source = AlertSource.objects.filter(slug=slug).first()
        if source is not None:
            cache.set(key, source, 30)
    return source


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
             summary="Receive alerts (generic JSON or Alertmanager webhook); optional HMAC signature",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "object"}}}}})
def receive_alerts(request, query: Query[SourceQuery]):
    if len(request.body) > settings.INTAKE_MAX_BYTES:
        raise Problem(413, "Payload too large", f"at most {settings.INTAKE_MAX_BYTES} bytes")
    source = cached_source(query.source)
    if source is None:
        raise Problem(404, "Not found", f"No alert source {query.source!r}; create it in the triage settings")
    if not services.signature_ok(source, request.body, request.headers.get("X-IncidentDesk-Signature", "")):
        raise Problem(401, "Bad signature", "X-IncidentDesk-Signature must be sha256=<HMAC of the body>")
    try:
        counts = services.receive(source=source, body=request.body)
    except services.PayloadRefused as exc:
        raise Problem(422, "Not an alert", str(exc)) from exc
    return Status(202, counts)
