"""Property-based API testing: every operation of /api/schema/, as every role, against the WSGI app.

Schemathesis generates requests from the OpenAPI schema (valid and invalid bodies, query strings
and path parameters) and sends them straight to Django's WSGI application: no network, the test
database, eager Celery. Each example is sent as one role (anonymous, or a persona with an API
token), drawn by Hypothesis, so every role meets every operation over the examples.

Checks: no 5xx, and whatever the server answers conforms to the schema (status code documented
when it is a success, body shape, content type, headers). Bounded: a few examples per operation,
derandomized so a run is reproducible.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
)

ROLES = ("anonymous", "peserta", "operator", "pelatih", "pimpinan", "admin", "outsider")
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]


# Loaded at collection: generating the schema needs Django (set up by pytest-django) but no
# database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


# Operations whose responses do not match the schema today: findings for the app that owns
# them. Only the schema-conformance check is waived for them; no 5xx is still enforced. Remove an
# entry once its owner fixes it.
KNOWN_SCHEMA_MISMATCHES: dict[str, str] = {}


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: the WSGI handler must not close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(
    keep_test_connection, peserta, operator, pelatih, pimpinan, admin_user, outsider
) -> dict[str, str]:
    people = {
        "peserta": peserta,
        "operator": operator,
        "pelatih": pelatih,
        "pimpinan": pimpinan,
        "admin": admin_user,
        "outsider": outsider,
    }
    return {role: Token.objects.create(user=person).key for role, person in people.items()}


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES))
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_and_never_fails_for_any_role(case, role, tokens):
    headers = {} if role == "anonymous" else {"Authorization": f"Token {tokens[role]}"}
    response = case.call(headers=headers)
    checks = CHECKS
    if case.operation.label in KNOWN_SCHEMA_MISMATCHES:
        checks = [check for check in CHECKS if check is not response_schema_conformance]
    case.validate_response(response, checks=checks, headers=headers)
