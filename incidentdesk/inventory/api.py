"""API: the AI tool inventory."""

from typing import Literal

from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.api_base import PROBLEMS, READ, WRITE, Problem

from . import services
from .models import AITool, RiskClass, ToolRole

router = Router(tags=["inventory"])


class ToolIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    provider: str = ""
    version: str = ""
    purpose: str = ""
    approved: bool = True
    risk_class: RiskClass = Field(RiskClass.MINIMAL, description="AI Act class; high-risk ones name their annex")
    ai_act_role: ToolRole | Literal[""] = Field("", description="Our AI Act role for this tool; empty: the "
                                                                 "organisation profile's role")
    medical_device: bool | None = Field(None, description="Is, or is a safety component of, a medical device "
                                                          "(AI Act Art 73(10)); null: not known")
    equivalent_reporting: bool | None = Field(None, description="Its provider has equivalent EU incident-reporting "
                                                                "duties (AI Act Art 73(9)); null: not known")
    data_classes_allowed: list[str] = []
    owner: str = ""
    provider_incident_contact: str = ""
    rollback_procedure: str = ""
    briefing_required: bool = Field(False, description="Everyone with access must be briefed on the current "
                                                       "incident procedure before use (procedure §9)")


class ToolOut(ToolIn):
    id: int


def _require_register(request) -> None:
    """As on the inventory page: the reporter role follows its reports and does not read the inventory."""
    if not can(request.user, Capability.VIEW_REGISTER):
        raise Problem(403, "Forbidden", "The token owner's role does not allow reading the inventory")


@router.get("", response={200: list[ToolOut], **PROBLEMS}, auth=READ, summary="The inventory")
def list_tools(request):
    _require_register(request)
    return list(AITool.objects.all())


@router.get("/{tool_id}", response={200: ToolOut, **PROBLEMS}, auth=READ, summary="One tool")
def read_tool(request, tool_id: int):
    _require_register(request)
    tool = AITool.objects.filter(pk=tool_id).first()
    if tool is None:
        raise Problem(404, "Not found", f"No tool {tool_id}")
    return tool


@router.post("", response={201: ToolOut, **PROBLEMS}, auth=WRITE, summary="Add a tool")
def add_tool(request, body: ToolIn):
    if not can(request.user, Capability.MANAGE_INVENTORY):
        raise Problem(403, "Forbidden", "The token owner's role does not allow changing the inventory")
    tool = services.save_tool(by=request.user, **body.dict())
    return Status(201, tool)
