"""Property-based API testing: every operation of /api/schema/, as every role, against the WSGI app.

Schemathesis generates requests from the OpenAPI schema (valid and invalid bodies, query strings
and path parameters) and sends them straight to Django's WSGI application: no network, the test
database, eager Celery. Each example is sent as one role (anonymous, or a persona with an API
token), drawn by Hypothesis, so every role meets every operation over the examples.

Checks: no 5xx, and whatever the server answers conforms to the schema (status code documented
when it is a success, body shape, content type, headers). Bounded: a few examples per operation,
derandomized so a run is reproducible.

Two runs aim at input that breaks the stack below validation rather than the validation itself:

- big integers: the same schema with every integer (query, path, body, array items) forced to
  25 digits, beyond 64 bits, so each operation meets them where a plain fuzz rarely would;
- deep bodies: every JSON POST/PUT/PATCH gets a body nested 50,000 levels, as each role.

And across the whole module, every `django.request` ERROR record (a 500, logged by Django) is
collected; the last test fails if there was any, whichever check let it through.
"""

import copy
import json
import logging
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
)

from quizzes.models import Category, Question
from quizzes.services import questions_import, quiz_create
from tests.factories import LinkMaterialFactory, ParticipantFactory, TrainingSessionFactory
from training.services.curriculum import module_create

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


HUGE = 10**24  # 25 digits
DEEP = 50_000


def _force_huge_integers(node):
    """Every integer schema in `node` (in place) admits exactly one value: a 25-digit one."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "format"):
                node.pop(bound, None)
            node.update(minimum=HUGE, maximum=HUGE)
        for value in node.values():
            _force_huge_integers(value)
    elif isinstance(node, list):
        for value in node:
            _force_huge_integers(value)
    return node


huge_schema = schemathesis.openapi.from_dict(_force_huge_integers(copy.deepcopy(schema.raw_schema)))
huge_schema.app = schema.app
huge_schema.location = schema.location


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# Module-wide on purpose: the 500s of every test in this module, read by the last test.
SERVER_ERRORS = _Collect()


@pytest.fixture(autouse=True)
def collect_server_errors():
    logger = logging.getLogger("django.request")
    logger.addHandler(SERVER_ERRORS)
    yield
    logger.removeHandler(SERVER_ERRORS)


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


BANK = """\
$CATEGORY: Dasar

::MC::Apa kepanjangan ITE?{=Informasi dan Transaksi Elektronik ~Internet Teknologi}
"""


@pytest.fixture
def world(pelatih, peserta, units) -> dict[str, str]:
    """Path parameters that name real rows, by parameter name or, for `{id}`, by the resource
    before it (`/api/v1/<resource>/{id}/...`): a client's integers then reach the validation and
    the queries behind the lookup of the object, instead of a 404 before them."""
    now = timezone.now()
    module = module_create(user=pelatih, code="siber-dasar", title="Dasar Kejahatan Siber")
    material = LinkMaterialFactory(module=module)
    questions_import(module=module, content=BANK, fmt="gift")
    session = TrainingSessionFactory(
        host_unit=units["POLDA-KALBAR"],
        start_at=now - timedelta(hours=2),
        end_at=now - timedelta(hours=1),
        led_by=pelatih,
    )
    ParticipantFactory(session=session, personnel=peserta, unit=peserta.unit)
    category = Category.objects.get(module=module)
    quiz = quiz_create(
        user=pelatih,
        session=session,
        title="Post-test",
        open_at=now - timedelta(minutes=5),
        close_at=now + timedelta(days=1),
        categories=[category],
    )
    question = Question.objects.get(category=category)
    return {
        "code": module.code,
        "session_id": str(session.pk),
        "question_id": str(question.pk),
        "materials": str(material.pk),
        "sessions": str(session.pk),
        "quizzes": str(quiz.pk),
        "questions": str(question.pk),
        "question-categories": str(category.pk),
    }


def _fill(path: str, world: dict[str, str]) -> str:
    """`path` with its parameters replaced by the world's rows ("1" when it has none)."""
    resource = path.split("/")[3]
    for name in ("code", "session_id", "question_id"):
        path = path.replace(f"{{{name}}}", world.get(name, "1"))
    return path.replace("{id}", world.get(resource, "1"))


def _world_path_parameters(case, world: dict[str, str]) -> dict:
    resource = case.operation.path.split("/")[3]
    known = {**world, "id": world.get(resource)}
    return {
        name: known[name] if known.get(name) else value
        for name, value in (case.path_parameters or {}).items()
    }


@huge_schema.parametrize()
@huge_schema.given(
    role=st.sampled_from(ROLES), real_path=st.sampled_from([True, True, True, False])
)
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_25_digit_integers_are_never_a_server_error(case, role, real_path, tokens, world):
    """Every integer in the query and the body is 25 digits long; the path names real rows
    (mostly), or is 25 digits too."""
    if real_path:
        case.path_parameters = _world_path_parameters(case, world)
    headers = {} if role == "anonymous" else {"Authorization": f"Token {tokens[role]}"}
    response = case.call(headers=headers)
    case.validate_response(response, checks=[not_a_server_error], headers=headers)


def _json_writes() -> list[tuple[str, str]]:
    writes = []
    for path, item in schema.raw_schema["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method in ("post", "put", "patch") and "application/json" in content:
                writes.append((method.upper(), path))
    return writes


def test_a_body_nested_fifty_thousand_levels_is_never_a_server_error(client, tokens, world):
    """Django's test client re-raises a view's exception: a RecursionError fails here loudly."""
    body = "[" * DEEP + "]" * DEEP
    parsed = set()
    for method, template in _json_writes():
        url = _fill(template, world)
        for role in ROLES:
            headers = {} if role == "anonymous" else {"HTTP_AUTHORIZATION": f"Token {tokens[role]}"}
            response = client.generic(method, url, body, content_type="application/json", **headers)
            assert response.status_code < 500, (method, url, role)
            if response.status_code == 400 and "JSON" in response.json().get("detail", ""):
                parsed.add((method, template))
    # The refusal must come from the parser, not from a 404 before it, for the operations whose
    # path names no object and for those the world above provides.
    expected = {
        ("POST", "/api/v1/modules/"),
        ("POST", "/api/v1/sessions/"),
        ("POST", "/api/v1/quizzes/"),
        ("POST", "/api/v1/reports/exports/"),
        ("PATCH", "/api/v1/modules/{code}/"),
        ("PUT", "/api/v1/modules/{code}/materials/order/"),
        ("PATCH", "/api/v1/materials/{id}/"),
        ("PATCH", "/api/v1/sessions/{id}/"),
        ("PATCH", "/api/v1/quizzes/{id}/"),
        ("PUT", "/api/v1/questions/{id}/"),
        ("PUT", "/api/v1/certificates/sessions/{session_id}/rule/"),
    }
    assert expected <= parsed, expected - parsed


def _integer_inputs() -> list[tuple[str, str, str, str, bool]]:
    """(method, path, where, name, is_list) for every integer query parameter and every integer
    (or list of integers) property of a JSON body in the schema."""
    components = schema.raw_schema.get("components", {}).get("schemas", {})
    found = []
    for path, item in schema.raw_schema["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["schema"].get("type") == "integer":
                    found.append((method.upper(), path, "query", parameter["name"], False))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            ref = body["schema"].get("$ref", "")
            properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
            for name, prop in properties.items():
                if prop.get("readOnly"):
                    continue
                if prop.get("type") == "integer":
                    found.append((method.upper(), path, "body", name, False))
                elif prop.get("items", {}).get("type") == "integer":
                    found.append((method.upper(), path, "body", name, True))
    return found


def test_each_integer_input_alone_at_25_digits_is_never_a_server_error(client, tokens, world):
    """One integer at a time, everything else absent and the path naming real rows, as each
    role that may reach it: the request gets past lookups and permissions to the field (or to
    the query or the write behind it, where a missing bound shows as a 500)."""
    for method, template, where, name, is_list in _integer_inputs():
        url = _fill(template, world)
        value = [HUGE] if is_list else HUGE
        for role in ("admin", "pelatih", "operator", "pimpinan", "peserta"):
            headers = {"HTTP_AUTHORIZATION": f"Token {tokens[role]}"}
            if where == "query":
                response = client.generic(method, f"{url}?{name}={HUGE}", **headers)
            else:
                body = json.dumps({name: value})
                response = client.generic(
                    method, url, body, content_type="application/json", **headers
                )
            assert response.status_code < 500, (method, url, where, name, role)


def test_no_server_error_was_logged_during_the_fuzz():
    """Last in the module: no 500 anywhere in the run above (a check could miss one, e.g. in a
    response a check does not look at; Django's own log does not)."""
    failures = [record.getMessage() for record in SERVER_ERRORS.records]
    assert failures == []
