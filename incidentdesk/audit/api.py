"""API: a signed checkpoint of the audit chain's head, for an auditor to keep outside IncidentDesk.

The same permission as the audit log page (administrators and auditors); a read-scope token.
"""

from dataclasses import asdict

from ninja import Field, Router, Schema

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, require

from . import services

router = Router(tags=["audit"])


class CheckpointOut(Schema):
    seq: int = Field(description="The last event of the audit log when the checkpoint was made")
    hash: str = Field(description="That event's seal (HMAC-SHA256, 64 hex characters)")
    at: str = Field(description="When the checkpoint was made (UTC, ISO 8601)")
    key_id: str = Field(description="The audit key that signed the checkpoint")
    mac: str = Field(description="The signature: HMAC-SHA256 under that key over the fields above")
    legacy_until: int | None = Field(None, description="Only on the checkpoint of an upgrade: the last event "
                                     "sealed in the format older than the key")


@router.get("/checkpoint", response={200: CheckpointOut, **PROBLEMS}, auth=READ,
            summary="A signed checkpoint of the audit log's head (keep it; incidentdesk audit verify --checkpoint)")
def checkpoint(request):
    require(request, Capability.VIEW_AUDIT)
    return asdict(services.head_checkpoint())
