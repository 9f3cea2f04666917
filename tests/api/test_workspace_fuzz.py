"""Schemathesis on the workspace operations with real paths: the reference of a visible incident and the
ids of its own rows, so generated bodies reach the services (the general fuzz mostly meets 404s)."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from .test_schema_fuzz import api_schema  # noqa: F401 - the same in-process schema fixture

PREFIXES = ("/api/incidents/{reference}/", "/api/contacts", "/api/changes")
SKIP = ("/transition", "/facts", "/classify", "/actions", "/obligations")


@pytest.fixture
def token(people):
    from incidentdesk.accounts.tokens import create_token

    return create_token(user=people["manager"], name="fuzz", scopes=["read", "write"], by=None)[1]


def test_workspace_operations_never_fail_with_a_server_error(api_schema, token, workspace):  # noqa: F811
    from incidentdesk.contacts.services import save_contact

    _, ids = workspace
    contact = save_contact(by=None, kind="legal", name="Counsel", last_verified_on=date(2026, 1, 1))
    values = {"reference": ids["ref"], "evidence_id": ids["evidence"], "draft_id": ids["draft"],
              "action_id": ids["action"], "lesson_id": ids["lesson"], "contact_id": contact.pk}
    headers = {"Authorization": f"Bearer {token}"}
    operations = [r.ok() for r in api_schema.get_all_operations()]
    operations = [o for o in operations if o.path.startswith(PREFIXES) and not o.path.endswith(SKIP)]
    assert len(operations) >= 25

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            for name in list(case.path_parameters or {}):
                case.path_parameters[name] = values.get(name, case.path_parameters[name])
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        check()
