"""Shared API plumbing: token authentication, problem details, the strict parser. No routes here.

Every app's ``api.py`` imports from this module; the API root (``incidentdesk.api``) imports the apps'
routers. So no app imports the root and there is no import circle.

Errors are RFC 9457 problem details (``application/problem+json``). Authentication is a personal API
token with scopes (read, write, intake) in ``Authorization: Bearer idk_…``; what a token may see and
do is further limited by its owner's role, exactly as in the web app.
"""


from django.http import HttpRequest, JsonResponse
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

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


class NulRefused(ValueError):
    """Text with a NUL character; answered as a 422."""


class StrictParser(Parser):
    """JSON bodies and query strings, refusing NUL characters with a 422 before anything is stored."""

    def parse_body(self, request: HttpRequest):
        data = super().parse_body(request)
        if has_nul(data):
            raise NulRefused("text may not contain NUL characters")  # ninja wraps it in HttpError(400)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if has_nul(result):
            raise NinjaValidationError([{"loc": ["query"], "msg": "text may not contain NUL characters"}])
        return result


