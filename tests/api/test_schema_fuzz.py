"""Schemathesis against the OpenAPI document: no 5xx, and every response matches its declared schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance


@pytest.fixture
def api_schema(db):
    """The app called in-process, as Django's test client does: requests must not close the test database."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(people, record):
    from incidentdesk.accounts.tokens import create_token

    record()  # one incident, so paths with a reference can find something
    return create_token(user=people["manager"], name="fuzz", scopes=["read", "write"], by=None)[1]


def test_the_api_conforms_to_its_schema(api_schema, bearer):
    """Every operation, 15 generated requests each (schemathesis' pytest plugin does not run on pytest 9)."""
    headers = {"Authorization": f"Bearer {bearer}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        check()
