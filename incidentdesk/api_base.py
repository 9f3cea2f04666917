"""Shared API plumbing: token authentication, problem details, the strict parser. No routes here.

Every app's ``api.py`` imports from this module; the API root (``incidentdesk.api``) imports the apps'
routers. So no app imports the root and there is no import circle.

Errors are RFC 9457 problem details (``application/problem+json``). Authentication is a personal API
token with scopes (read, write, intake) in ``Authorization: Bearer idk_…``; what a token may see and
do is further limited by its owner's role, exactly as in the web app.

``DocumentedAPI`` is the API root's class: its OpenAPI document declares, for every operation, each
problem the shared plumbing can answer (with its media type), refuses two different schemas under one
name, and JSON bodies are validated strictly (a JSON ``true`` is not the integer 1, ``"yes"`` is not a
boolean), so the API refuses what its document refuses.
"""

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.pagination import CursorPagination
from ninja.params.models import BodyModel, _MultiPartBodyModel
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


#: Error responses every endpoint may give. ``DocumentedAPI`` declares them on every operation anyway (with
#: the problem media type); endpoints name them so that ninja lets a handler return them.
PROBLEMS = {status: ProblemOut for status in (401, 403, 404, 409, 413, 422)}

PROBLEM_MEDIA_TYPE = "application/problem+json"

#: What the shared plumbing answers on any operation, whatever the endpoint itself declares.
_ANY_OPERATION = {
    401: "Not authenticated: no token, or an unknown, revoked or malformed one (nothing was done)",
    403: "The token lacks the scope, or its owner's role or the incident's restriction does not allow this",
    409: "The current state does not allow this, or a request with the same Idempotency-Key is still running",
    413: "The request is larger than the limit; nothing was stored",
    422: "The request is not valid (each error names the field and what is wrong); nothing was stored",
    507: "The server's disk is full; nothing from this request was saved",
}
#: ... on an operation with parameters in its path.
_WITH_PATH_PARAMETERS = {404: "No such resource, or not one this token may see"}
#: ... on an operation that reads a request body.
_WITH_BODY = {400: "The body cannot be read (not JSON, or a broken form); nothing was stored"}
_WWW_AUTHENTICATE = {"WWW-Authenticate": {"description": "Bearer: how to authenticate", "required": True,
                                          "schema": {"type": "string"}}}


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


class _NamedOnceSchema(OpenAPISchema):
    """ninja's OpenAPI document, refusing two different schemas under one name.

    ninja keeps the last of two same-named schemas (``DecisionIn`` of the GDPR decision and of lessons), so
    the document described one endpoint's body with the other's fields.
    """

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if self.schemas.get(name, definition) != definition:
                raise ImproperlyConfigured(f"two different API schemas are named {name}: rename one")
        super().add_schema_definitions(definitions)


def _declare_problems(path: str, operation: dict) -> None:
    """Every problem the plumbing can answer on ``operation``, as ``application/problem+json``."""
    statuses = dict(_ANY_OPERATION)
    if "{" in path:
        statuses |= _WITH_PATH_PARAMETERS
    if "requestBody" in operation:
        statuses |= _WITH_BODY
    responses = {str(status): response for status, response in operation.get("responses", {}).items()}
    for status, why in statuses.items():
        responses[str(status)] = {"description": why}
    for status, response in responses.items():
        if int(status) >= 400:
            response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF_TEMPLATE.format(model="ProblemOut")}}}
    responses["401"]["headers"] = _WWW_AUTHENTICATE
    operation["responses"] = dict(sorted(responses.items()))


_JSON_TYPES: dict[str, Any] = {
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}
#: Text formats pydantic's lax mode reads too widely ("0" as 1970-01-01, a number of seconds as a time).
_FORMATS = {"date": (re.compile(r"\d{4}-\d{2}-\d{2}\Z"), "must be a date written YYYY-MM-DD"),
            "date-time": (re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}"),
                          "must be a time written YYYY-MM-DDTHH:MM with a UTC offset")}
_TYPE_WORDS = {"boolean": "true or false", "integer": "a whole number", "number": "a number", "string": "text",
               "array": "a list", "object": "an object", "null": "null"}


def _misfits(value: Any, schema: dict, defs: dict, loc: tuple) -> list[dict]:
    """Where ``value`` is not of the JSON type its schema names (only types: pydantic checks the rest)."""
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]] | {k: v for k, v in schema.items() if k != "$ref"}
    for branches, need_all in (("allOf", True), ("anyOf", False), ("oneOf", False)):
        if branches in schema:
            results = [_misfits(value, branch, defs, loc) for branch in schema[branches]]
            if need_all and any(results):
                return next(r for r in results if r)
            if not need_all and all(results):
                return results[0]
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    if kinds and not any(_JSON_TYPES[k](value) for k in kinds):
        return [{"loc": list(loc), "msg": "must be " + " or ".join(_TYPE_WORDS[k] for k in kinds)}]
    shape = _FORMATS.get(schema.get("format", ""))
    if shape and isinstance(value, str) and not shape[0].match(value):
        return [{"loc": list(loc), "msg": shape[1]}]
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [m for i, item in enumerate(value) for m in _misfits(item, schema["items"], defs, (*loc, i))]
    if isinstance(value, dict):
        properties, extra = schema.get("properties", {}), schema.get("additionalProperties")
        return [m for key, item in value.items()
                for m in _misfits(item, properties.get(key, extra if isinstance(extra, dict) else {}), defs,
                                  (*loc, key))]
    return []


@classmethod
def _resolve_strictly(cls, request: HttpRequest, api: NinjaAPI, path_params: dict) -> Any:
    """A JSON body whose values are of the JSON types its schema names, then ninja's validation.

    pydantic's lax mode coerced ``true`` to 1, ``"yes"`` to True and a number to a time (``"level": true``
    classified an incident); strict mode cannot be used because ninja's schemas validate attribute-wise.
    """
    data = cls.get_request_data(request, api, path_params)
    if data is None:
        return cls()
    data = cls._map_data_paths(data)
    schema = cls.__dict__.get("_json_schema_for_types")
    if schema is None:
        schema = cls._json_schema_for_types = cls.model_json_schema()
    misfits = _misfits(data, schema, schema.get("$defs", {}), ("body",))
    if misfits:
        raise NinjaValidationError(misfits)
    return cls.model_validate(data, context={"request": request})


@csrf_exempt  # as ninja's own views: an API request carries a token, not a session cookie
def _no_such_path(request: HttpRequest) -> JsonResponse:
    return problem(request, 404, "Not found", "No such API path: see /api/docs")


class DocumentedAPI(NinjaAPI):
    """The API root: JSON bodies of the declared types; an OpenAPI document declaring every response it gives."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        document = _NamedOnceSchema(self, path_prefix)
        document["components"]["schemas"].setdefault(
            "ProblemOut", ProblemOut.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization"))
        for path, operations in document["paths"].items():
            for operation in operations.values():
                _declare_problems(path, operation)
        return document

    def _get_urls(self) -> list:
        """ninja's URLs, then a 404 problem for any other path under the API (a path whose id is not a number
        used to fall through to the web's HTML "Not found" page)."""
        from django.urls import re_path

        return [*super()._get_urls(), re_path(r"", _no_such_path, name="no-such-path")]

    @property
    def urls(self):
        """Read once, when Django loads the URLs: every router is added by then, before any request."""
        self._strict_json_bodies()
        return super().urls

    def _strict_json_bodies(self) -> None:
        for bound in self._get_bound_routers():
            for path_view in bound.path_operations.values():
                for operation in path_view.operations:
                    for model in operation.models:
                        if issubclass(model, BodyModel) and not issubclass(model, _MultiPartBodyModel):
                            model.resolve = _resolve_strictly


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
    try:
        value = value.astimezone(UTC)
    except OverflowError as exc:  # year 1 east of UTC has no UTC instant
        raise ValueError("a time before the year 2000 is not plausible here: check the year") from exc
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


# --- Who does a task (issue 13): the body of every ".../assignee" route, and the person it names -----------
class AssigneeIn(Schema):
    """A task's assignee, by username or full name; null gives it to no one."""

    assignee: str | None = Field(None, description="Username (or full name) of the person who does it; null: no one")


class AssignIn(AssigneeIn):
    """A task's assignee and due time."""

    due_at: When | None = Field(None, description="By when (with a UTC offset); null: no due time")


def person(name: str | None) -> Any:
    """The person a body names, or None; an unknown name is a 404 problem, as any refusal."""
    from incidentdesk.assignment import person_named

    return person_named(name) if name and name.strip() else None


def person_name(user: Any) -> str | None:
    """A person in a response: the username (what the API takes back), or null."""
    return user.get_username() if user is not None else None
