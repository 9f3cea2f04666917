"""Shared API plumbing: token authentication, problem details, the strict parser. No routes here.

Every app's ``api.py`` imports from this module; the API root (``incidentdesk.api``) imports the apps'
routers. So no app imports the root and there is no import circle.

Errors are RFC 9457 problem details (``application/problem+json``). Authentication is a personal API
token with scopes (read, write, intake) in ``Authorization: Bearer idk_…``; what a token may see and
do is further limited by its owner's role, exactly as in the web app.
"""

from datetime import UTC, datetime
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import CursorPagination
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import AfterValidator, AwareDatetime

from incidentdesk import jsonbody
from incidentdesk.accounts.tokens import authenticate


class TokenAuth(HttpBearer):
    """A bearer token carrying ``scope``; the request's user becomes the token's owner."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str):
        found = authenticate(token, self.scope)
        if found is None:
            return None
        request.user = found.user
        return found


READ, WRITE, INTAKE = TokenAuth("read"), TokenAuth("write"), TokenAuth("intake")


def may_read(request: HttpRequest) -> bool:
    """Whether the token of this request may read (its ``read`` scope, within its owner's current role).

    A write-only token (say, a script that records incidents) gets back only what its write produced, not
    the incident it wrote to: writing must not become a way to read.
    """
    return "read" in getattr(request.auth, "effective_scopes", ())


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    errors: list[dict] | None = None


#: Error responses every endpoint may give, declared so the OpenAPI document is complete.
PROBLEMS = {status: ProblemOut for status in (401, 403, 404, 409, 413, 422)}


class Problem(Exception):
    """An error to report as problem details."""

    def __init__(self, status: int, title: str, detail: str = "", errors: list | None = None) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors


def problem(request: HttpRequest, status: int, title: str, detail: str = "", errors: list | None = None):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": request.path}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type="application/problem+json")


def has_nul(value) -> bool:
    """True if a NUL character hides anywhere in the value (PostgreSQL text cannot store it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


class BodyRefused(ValueError):
    """A JSON body the parser refuses (ninja wraps it in HttpError(400)); answered as a 422 with the reason."""


class NulRefused(BodyRefused):
    """Text with a NUL character; answered as a 422."""


class DeepRefused(BodyRefused):
    """A body nested deeper than ``jsonbody.MAX_DEPTH``; answered as a 422."""


class StrictParser(Parser):
    """JSON bodies and query strings, refusing NUL characters and deep nesting with a 422 before anything
    is stored."""

    def parse_body(self, request: HttpRequest):
        try:
            data = jsonbody.loads(request.body)
        except jsonbody.TooDeep as exc:
            raise DeepRefused(str(exc)) from exc  # ninja wraps it in HttpError(400)
        if has_nul(data):
            raise NulRefused("text may not contain NUL characters")  # ninja wraps it in HttpError(400)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if has_nul(result):
            raise NinjaValidationError([{"loc": ["query"], "msg": "text may not contain NUL characters"}])
        return result




def require(request: HttpRequest, capability) -> None:
    """403 problem unless the token owner's role grants ``capability`` (the same check as the web view)."""
    from incidentdesk.accounts.permissions import can

    if not can(request.user, capability):
        raise Problem(403, "Forbidden", f"The token owner's role does not allow this ({capability.value})")


def workspace_of(request: HttpRequest, reference: str):
    """The incident whose workspace the token owner may open, as the web's ``workspace_of``: 403 without the
    workspace capability, 404 when the incident does not exist or is not visible (restricted, not named)."""
    from incidentdesk.accounts.permissions import Capability
    from incidentdesk.incidents.models import Incident

    require(request, Capability.VIEW_WORKSPACE)
    incident = Incident.objects.visible_to(request.user).filter(reference=reference.strip().upper()).first()
    if incident is None:
        raise Problem(404, "Not found", f"No incident {reference} that this token can see")
    return incident


def owned(request: HttpRequest, model, pk: int, incident, what: str):
    """A row of ``model`` that the token owner may see and that belongs to ``incident``; 404 otherwise."""
    row = model.objects.visible_to(request.user).filter(pk=pk, incident=incident).first()
    if row is None:
        raise Problem(404, "Not found", f"No {what} {pk} on {incident.reference}")
    return row


def _to_utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None and value.tzinfo is not None else value


#: A time in a response: always aware, always UTC.
UtcDateTime = Annotated[datetime, AfterValidator(_to_utc)]


def _plausible(value: datetime) -> datetime:
    """An input time, moved to UTC (any offset the sender used is kept only as the instant it names).

    Times before 2000 are typing errors in an incident register (and PostgreSQL refuses offsets beyond
    ±16 hours, which Python accepts): both are refused as a 422 instead of reaching the database.
    """
    value = value.astimezone(UTC)
    if value.year < 2000:
        raise ValueError("a time before the year 2000 is not plausible here: check the year")
    return value


#: A time in a request: with a UTC offset, plausible, stored as UTC.
When = Annotated[AwareDatetime, AfterValidator(_plausible)]


def choices(enum) -> str:
    """A field description listing a TextChoices' values with their labels."""
    return "One of: " + "; ".join(f"{value} ({label})" for value, label in enum.choices)


class RegisterCursor(CursorPagination):
    """ninja's cursor pagination, answering a forged or damaged cursor with a 422 instead of a 500.

    The cursor is base64 of the last position; a decodable cursor whose position is not a valid value of
    the ordering field (a date that is not a date) used to reach the database filter and fail there.
    """

    def _find_position(self, queryset, cursor):
        try:
            return super()._find_position(queryset, cursor)
        except (DjangoValidationError, ValueError, TypeError) as exc:
            raise Problem(422, "Invalid request", "cursor: not a cursor this API gave out; start again "
                          "without it") from exc
