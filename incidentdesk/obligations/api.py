"""Settle an obligation by hand through the API: ``POST /api/incidents/{reference}/obligations/{rule_id}/settle``."""

from django.utils import timezone
from ninja import Field, Router, Schema

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.api_base import PROBLEMS, WRITE, Problem, When
from incidentdesk.incidents.api import ObligationOut
from incidentdesk.incidents.models import Incident

from . import services
from .models import Obligation

router = Router(tags=["obligations"])


class SettleIn(Schema):
    reason: str = Field(description="Why it is settled, e.g. \"not applicable because …\" (required)")
    at: When | None = Field(None, description="When it was settled (default: now)")


class SettledOut(ObligationOut):
    settlement: str = Field(description="act (by the act that fulfils it), hand (by a person, with a reason), "
                                        "or empty while open")
    settled_reason: str


def _out(obligation: Obligation) -> dict:
    data = {f: getattr(obligation, f) for f in SettledOut.model_fields if f != "status"}
    return data | {"status": obligation.shown_status(timezone.now())}


@router.post("/{reference}/obligations/{rule_id}/settle", response={200: SettledOut, **PROBLEMS}, auth=WRITE,
             summary="Settle an obligation by hand, with a reason")
def settle(request, reference: str, rule_id: str, body: SettleIn):
    incident = Incident.objects.visible_to(request.user).filter(reference=reference.strip().upper()).first()
    if incident is None:
        raise Problem(404, "Not found", f"No incident {reference} that this token can see")
    if not can(request.user, Capability.CLASSIFY):
        raise Problem(403, "Forbidden", f"The token owner's role does not allow this ({Capability.CLASSIFY.value})")
    obligation = services.obligation_of(incident, rule_id)
    return _out(services.settle(obligation=obligation, reason=body.reason, at=body.at, by=request.user))
