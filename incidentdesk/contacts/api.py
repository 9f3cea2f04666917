"""API: the contacts and escalation directory (seed §7); changing it needs the same role as on the web."""

from datetime import date

from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, Problem, UtcDateTime, choices, require

from . import services
from .models import Contact, ContactKind

router = Router(tags=["contacts"])


class ContactIn(Schema):
    kind: ContactKind = Field(description=choices(ContactKind))
    name: str = Field(min_length=1, max_length=200, description="Who")
    organisation: str = Field("", max_length=200, description="Their organisation")
    email: str = Field("", max_length=254, description="Email address (checked)")
    phone: str = Field("", max_length=50, description="Phone number")
    how_to_reach: str = Field("", description="Portal, form, hours, escalation order")
    escalation_order: int = Field(1, ge=0, le=32767, description="1 first, then 2…")
    last_verified_on: date = Field(description="When these details were last checked (not in the future)")
    private: bool = Field(False, description="Internal only: left out of published documents")


class ContactOut(Schema):
    id: int = Field(description="The contact's id")
    kind: str = Field(description=choices(ContactKind))
    name: str = Field(description="Who")
    organisation: str = Field(description="Their organisation")
    email: str = Field(description="Email address (may be empty)")
    phone: str = Field(description="Phone number")
    how_to_reach: str = Field(description="Portal, form, hours, escalation order")
    escalation_order: int = Field(description="1 first, then 2…")
    last_verified_on: date = Field(description="When these details were last checked")
    private: bool = Field(description="Internal only: left out of published documents")
    stale: bool = Field(description="Not verified for more than 12 months")
    updated_at: UtcDateTime = Field(description="Last changed (UTC)")


def _out(contact: Contact) -> dict:
    return {**{f: getattr(contact, f) for f in ContactOut.model_fields if f != "stale"}, "stale": contact.stale()}


def _fields(body: ContactIn) -> dict:
    return body.dict() | {"kind": str(body.kind)}


def _contact(contact_id: int) -> Contact:
    contact = Contact.objects.filter(pk=contact_id).first()
    if contact is None:
        raise Problem(404, "Not found", f"No contact {contact_id}")
    return contact


@router.get("", response={200: list[ContactOut], **PROBLEMS}, auth=READ,
            summary="The directory, by kind and escalation order")
def list_contacts(request):
    require(request, Capability.VIEW_REGISTER)
    return [_out(c) for c in Contact.objects.all()]


@router.post("", response={201: ContactOut, **PROBLEMS}, auth=WRITE, summary="Add a contact")
def add_contact(request, body: ContactIn):
    require(request, Capability.MANAGE_INVENTORY)
    return Status(201, _out(services.save_contact(by=request.user, **_fields(body))))


@router.put("/{int:contact_id}", response={200: ContactOut, **PROBLEMS}, auth=WRITE, summary="Change a contact")
def update_contact(request, contact_id: int, body: ContactIn):
    require(request, Capability.MANAGE_INVENTORY)
    return _out(services.save_contact(by=request.user, contact=_contact(contact_id), **_fields(body)))


@router.post("/{int:contact_id}/verified", response={200: ContactOut, **PROBLEMS}, auth=WRITE,
             summary="Mark the contact's details verified today")
def mark_verified(request, contact_id: int):
    require(request, Capability.MANAGE_INVENTORY)
    return _out(services.save_contact(by=request.user, contact=_contact(contact_id), last_verified_on=date.today()))
