"""The JSON API (django-ninja, OpenAPI at /api/docs). Each app contributes a router from its ``api.py``.

Errors are RFC 9457 problem details (``application/problem+json``); the plumbing (tokens, problems)
lives in ``incidentdesk.api_base``. Any service refusal (``incidentdesk.refusals.Refused``) becomes a
problem with the refusal's own status, so no endpoint keeps a list of exception types.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DatabaseError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from incidentdesk.api_base import BodyRefused, DocumentedAPI, Problem, StrictParser, problem
from incidentdesk.nospace import is_out_of_space, out_of_space
from incidentdesk.refusals import Refused
from incidentdesk.toobig import too_big

api = DocumentedAPI(title="IncidentDesk API", version="1", docs_url="/docs", urls_namespace="api",
               description=__doc__, parser=StrictParser())


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return problem(request, exc.status, exc.title, exc.detail, exc.errors)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors = [{"loc": [str(p) for p in e.get("loc", [])], "msg": e.get("msg") or "; ".join(
        f"{k}: {v}" for k, v in e.items() if k not in ("loc", "type", "ctx", "url", "input"))} for e in exc.errors]
    return problem(request, 422, "Invalid request", "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors),
                   errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = problem(request, 401, "Not authenticated",
                       "Send a valid API token with the needed scope: Authorization: Bearer idk_…")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, BodyRefused):
        return problem(request, 422, "Invalid request", str(exc.__cause__))
    return problem(request, exc.status_code, str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return too_big(request)  # in DEBUG ninja answered a 500 with the traceback


@api.exception_handler(DatabaseError)
@api.exception_handler(OSError)
def _storage(request, exc):
    if is_out_of_space(exc):
        return out_of_space(request)  # nothing was stored: every write runs in a transaction
    raise exc


@api.exception_handler(Refused)
def _refused(request, exc: Refused):
    return problem(request, exc.status, exc.title, str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(request, 404, "Not found", str(exc) or "No such resource")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem(request, 403, "Forbidden", str(exc) or "Your role does not allow this")


def _workspace_routers() -> None:
    """Everything the incident workspace does, each app's router under ``/incidents/{reference}/…``."""
    from incidentdesk.breaches.api import router as gdpr
    from incidentdesk.capa.api import router as capa
    from incidentdesk.containment.api import router as containment
    from incidentdesk.documents.api import router as documents
    from incidentdesk.evidence.api import router as evidence
    from incidentdesk.investigation.api import router as investigation
    from incidentdesk.lessons.api import router as lessons
    from incidentdesk.linking.api import router as linking
    from incidentdesk.notifications.api import router as notifications
    from incidentdesk.routing.api import router as routing

    for router in (containment, evidence, gdpr, notifications, investigation, capa, lessons, documents, routing,
                   linking):
        api.add_router("/incidents", router)


def _routers() -> None:
    from incidentdesk.incidents.api import assess_router
    from incidentdesk.incidents.api import router as incidents
    from incidentdesk.inventory.api import router as inventory
    from incidentdesk.obligations.api import law_change_router
    from incidentdesk.obligations.api import router as obligations

    api.add_router("/incidents", incidents)
    from incidentdesk.incidents.api import views_router

    api.add_router("/saved-views", views_router)
    api.add_router("/incidents", obligations)
    _workspace_routers()
    api.add_router("/inventory", inventory)
    api.add_router("/assess", assess_router)
    api.add_router("/law-change", law_change_router)

    from incidentdesk.contacts.api import router as contacts
    from incidentdesk.lessons.api import changes_router

    api.add_router("/contacts", contacts)
    api.add_router("/changes", changes_router)

    from incidentdesk.breaches.register_api import router as breach_register

    api.add_router("/breaches", breach_register)

    from incidentdesk.intake.api import router as intake

    api.add_router("/intake", intake)

    from incidentdesk.retention.api import retention_router, subjects_router
    from incidentdesk.retention.api import router as retention

    api.add_router("/incidents", retention)
    api.add_router("/retention", retention_router)
    api.add_router("/subject-access", subjects_router)

    from incidentdesk.briefings.api import router as briefings

    api.add_router("/briefings", briefings)
    from incidentdesk.preparedness.api import incident_router as exercise_steps
    from incidentdesk.preparedness.api import readiness_router
    from incidentdesk.preparedness.api import router as exercises

    api.add_router("/exercises", exercises)
    api.add_router("/incidents", exercise_steps)
    api.add_router("/readiness", readiness_router)

    from incidentdesk.audit.api import router as audit

    api.add_router("/audit", audit)

    from incidentdesk.governance.api import router as governance

    api.add_router("/documents", governance)

    from incidentdesk.reviews.api import reviews_router
    from incidentdesk.reviews.api import router as reviews

    api.add_router("/management-review", reviews)
    api.add_router("/reviews", reviews_router)
    from incidentdesk.mywork.api import router as my_work

    api.add_router("/my-work", my_work)

    from incidentdesk.comments.api import router as comments

    api.add_router("/incidents", comments)


_routers()
