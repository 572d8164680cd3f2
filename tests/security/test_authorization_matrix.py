"""Every URL and API operation × every role → the expected status, and no other unit's data.

How it works
- `CLASSIFICATION` below lists every URL pattern of the project by its key (`namespace:name`, or
  the route when the pattern has no name) with its access kind and the GET cases to try.
- `test_every_url_pattern_is_classified` walks the URL conf, `test_every_api_operation_is_
  classified` walks the OpenAPI schema: a new page or endpoint fails them until it is added here.
- `test_access_matrix` requests each case as each role and compares the status; every text
  response is also searched for people the role must not see (the markers of other units).
- `test_anonymous_is_refused_every_api_write` sends each non-GET operation of the schema
  anonymously: nothing but a refusal may come back.

Adding a page or endpoint: add a `Rule` under its key. Give it GET cases (a URL built from the
`World`, and the status per role) for each interesting scope: own unit, a unit below, another
Polres. The defaults (`login_html()`, `login_api()`, `roles_html(...)`, ...) cover the usual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.admin import site as admin_site
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.factories import DEFAULT_PASSWORD, PersonnelFactory
from training.models import Role

ROLES = ("anonymous", "peserta", "operator", "pelatih", "pimpinan", "admin", "outsider")
SANGGAU_ROLES = ("peserta", "operator", "pimpinan")

# Status expectations: an int, or one of these.
LOGIN_REDIRECT = "302 to the login page"
ADMIN_LOGIN_REDIRECT = "302 to the admin login page"
API_ANON = "401/403 (no credentials)"
HIDDEN = "403/404"
ANY_REDIRECT = "302"

Expect = int | str


def _status_ok(expected: Expect, response) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    if expected == LOGIN_REDIRECT:
        return status == 302 and location.startswith(reverse("login"))
    if expected == ADMIN_LOGIN_REDIRECT:
        return status == 302 and location.startswith(reverse("admin:login"))
    if expected == API_ANON:
        return status in (401, 403)
    if expected == HIDDEN:
        return status in (403, 404)
    if expected == ANY_REDIRECT:
        return status == 302
    return status == expected


# --- Expectation helpers ----------------------------------------------------------------------


def everyone(status: Expect = 200) -> dict[str, Expect]:
    return dict.fromkeys(ROLES, status)


def login_html(status: Expect = 200) -> dict[str, Expect]:
    return {**everyone(status), "anonymous": LOGIN_REDIRECT}


def login_api(status: Expect = 200) -> dict[str, Expect]:
    return {**everyone(status), "anonymous": API_ANON}


def roles_html(*allowed: str, refused: Expect = 403) -> dict[str, Expect]:
    return {
        role: (200 if role in allowed else refused) if role != "anonymous" else LOGIN_REDIRECT
        for role in ROLES
    }


def roles_api(*allowed: str, refused: Expect = HIDDEN) -> dict[str, Expect]:
    return {
        role: (200 if role in allowed else refused) if role != "anonymous" else API_ANON
        for role in ROLES
    }


# Who oversees what: Sanggau's staff see Sanggau, the outsider (Kapolres Sintang) sees Sintang,
# the Polda trainer sees all of Kalbar, the admin sees everything, the Peserta only themselves.
SEES_SANGGAU = ("operator", "pimpinan", "pelatih", "admin")
SEES_SINTANG = ("outsider", "pelatih", "admin")


# --- The world every case runs in ---------------------------------------------------------------


@dataclass
class World:
    users: dict
    units: dict
    markers: dict  # marker name -> Personnel, one per unit whose data must not leak
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    label: str
    url: Callable[[World], str]
    expect: dict[str, Expect]
    # Roles whose responses are NOT searched for markers they may not see (say why).
    skip_leak_check: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    kind: str  # public | login | role | scoped | staff | write-only
    methods: frozenset[str]
    cases: tuple[Case, ...] = ()
    note: str = ""


def rule(kind: str, methods: str = "GET", *cases: Case, note: str = "") -> Rule:
    return Rule(kind, frozenset(methods.upper().split()), tuple(cases), note)


def get(name: str, expect: dict[str, Expect], label: str = "", **kwargs) -> Case:
    """A case for a named URL; kwargs are callables of the World (or plain values)."""

    def build(world: World) -> str:
        resolved = {k: (v(world) if callable(v) else v) for k, v in kwargs.items()}
        return reverse(name, kwargs=resolved or None)

    return Case(label or name, build, expect)


def url_case(label: str, url: str, expect: dict[str, Expect]) -> Case:
    return Case(label, lambda world: url, expect)


# Patterns whose GET cases need objects (a session, an attempt, a certificate) of other units.
PENDING = "Object-level cases: see WORLD_CASES (added per app as its objects exist)."

# --- The classification -------------------------------------------------------------------------
# Keys are `namespace:name` (or the route for unnamed patterns). Keep them grouped by app.

CLASSIFICATION: dict[str, Rule] = {
    # training: home, login, health
    "home": rule("login", "GET", get("home", login_html())),
    "healthz": rule("public", "GET", get("healthz", everyone())),
    "login": rule(
        "public",
        "GET POST",
        get("login", {**everyone(ANY_REDIRECT), "anonymous": 200}),
        note="Signed-in people are sent home. Lockout: tests/security/test_lockout.py.",
    ),
    "logout": rule("login", "POST", get("logout", everyone(405)), note="POST only."),
    "set_language": rule("public", "POST", note="Sets a cookie and redirects; no data."),
    # training: API
    "api-me": rule("login", "GET", get("api-me", login_api())),
    "api-ranks": rule("login", "GET", get("api-ranks", login_api())),
    "unit-list": rule("scoped", "GET", get("unit-list", login_api())),
    "unit-detail": rule(
        "scoped",
        "GET",
        get(
            "unit-detail",
            roles_api(*SEES_SANGGAU, refused=404),
            "Polres Sanggau",
            code="POLRES-SANGGAU",
        ),
        get(
            "unit-detail",
            roles_api(*SEES_SINTANG, refused=404),
            "Polres Sintang",
            code="POLRES-SINTANG",
        ),
        get(
            "unit-detail",
            roles_api("peserta", *SEES_SANGGAU, refused=404),
            "the Peserta's own Polsek",
            code="POLSEK-KAPUAS-SANGGAU",
        ),
    ),
    "personnel-list": rule("scoped", "GET", get("personnel-list", login_api())),
    "personnel-detail": rule(
        "scoped",
        "GET",
        get(
            "personnel-detail",
            roles_api(*SEES_SINTANG, refused=404),
            "a person in Polres Sintang",
            pk=lambda w: w.markers["sintang"].pk,
        ),
        get(
            "personnel-detail",
            roles_api(*SEES_SANGGAU, refused=404),
            "a person in Polres Sanggau",
            pk=lambda w: w.markers["sanggau"].pk,
        ),
        get(
            "personnel-detail",
            roles_api("peserta", *SEES_SANGGAU, refused=404),
            "the Peserta themselves",
            pk=lambda w: w.users["peserta"].pk,
        ),
    ),
    # training: personnel import (Admin or Operator)
    "personnel:import": rule(
        "role", "GET POST", get("personnel:import", roles_html("operator", "admin"))
    ),
    "personnel:import-confirm": rule(
        "role", "POST", get("personnel:import-confirm", login_html(405)), note="POST only."
    ),
    "api-personnel-import": rule("role", "POST", note=PENDING),
    # training: curriculum
    "curriculum:module-list": rule("login", "GET", get("curriculum:module-list", login_html())),
    "curriculum:module-create": rule(
        "role", "GET POST", get("curriculum:module-create", roles_html("pelatih", "admin"))
    ),
    "curriculum:module-detail": rule("login", "GET", note=PENDING),
    "curriculum:module-update": rule("role", "GET POST", note=PENDING),
    "curriculum:material-detail": rule("login", "GET", note=PENDING),
    "curriculum:material-open": rule("login", "GET", note=PENDING),
    "curriculum:material-version": rule("login", "GET", note=PENDING),
    "curriculum:material-update": rule("role", "GET POST", note=PENDING),
    "curriculum:material-replace": rule("role", "GET POST", note=PENDING),
    "curriculum:material-move": rule("role", "POST", note=PENDING),
    "curriculum:material-set-active": rule("role", "POST", note=PENDING),
    "curriculum:material-upload": rule("role", "GET POST", note=PENDING),
    "curriculum:material-link": rule("role", "GET POST", note=PENDING),
    "api-modules": rule("login", "GET POST", get("api-modules", login_api())),
    "api-module": rule("login", "GET PATCH", note=PENDING),
    "api-module-materials": rule("login", "GET", note=PENDING),
    "api-material-upload": rule("role", "POST", note=PENDING),
    "api-material-link": rule("role", "POST", note=PENDING),
    "api-material-order": rule("role", "PUT", note=PENDING),
    "api-material": rule("login", "GET PATCH", note=PENDING),
    "api-material-versions": rule("login", "GET", note=PENDING),
    "api-material-replace": rule("role", "POST", note=PENDING),
    "api-material-download": rule("login", "GET", note=PENDING),
    "api-material-open": rule("login", "POST", note=PENDING),
    # sessions
    "sessions:list": rule("login", "GET", get("sessions:list", login_html())),
    "sessions:create": rule(
        "role", "GET POST", get("sessions:create", roles_html("pelatih", "admin"))
    ),
    "sessions:my-calendar": rule("login", "GET", get("sessions:my-calendar", login_html())),
    "sessions:feed": rule(
        "public",
        "GET",
        get("sessions:feed", everyone(404), "an unknown feed token", token="bukan-token"),
        note="Calendar feed authorised by its secret token, not by a session.",
    ),
    "sessions:detail": rule(
        "scoped",
        "GET",
        get(
            "sessions:detail",
            login_html(404) | dict.fromkeys(SEES_SINTANG, 200),
            "a published session of Polres Sintang",
            pk=lambda w: w.extra["sintang_session"].pk,
        ),
    ),
    "sessions:edit": rule("role", "GET POST", note=PENDING),
    "sessions:publish": rule("role", "POST", note=PENDING),
    "sessions:cancel": rule("role", "POST", note=PENDING),
    "sessions:check-in": rule("login", "POST", note=PENDING),
    "sessions:ics": rule("scoped", "GET", note=PENDING),
    "sessions:sheet": rule("role", "GET POST", note=PENDING),
    "sessions:zoom-import": rule("role", "GET POST", note=PENDING),
    "sessions:summary": rule("role", "GET", note=PENDING),
    "sessions-api:session-list": rule(
        "login", "GET POST", get("sessions-api:session-list", login_api())
    ),
    "sessions-api:session-detail": rule(
        "scoped",
        "GET PATCH DELETE",
        get(
            "sessions-api:session-detail",
            roles_api(*SEES_SINTANG, refused=404),
            "a published session of Polres Sintang",
            pk=lambda w: w.extra["sintang_session"].pk,
        ),
    ),
    "sessions-api:session-publish": rule("role", "POST", note=PENDING),
    "sessions-api:session-cancel": rule("role", "POST", note=PENDING),
    "sessions-api:participant-list": rule("role", "GET POST", note=PENDING),
    "sessions-api:check-in": rule("login", "POST", note=PENDING),
    "sessions-api:attendance": rule("role", "GET POST PUT PATCH", note=PENDING),
    "sessions-api:zoom-import": rule("role", "POST", note=PENDING),
    "sessions-api:summary": rule("role", "GET", note=PENDING),
    # quizzes
    "quizzes:list": rule("login", "GET", get("quizzes:list", login_html())),
    "quizzes:session": rule("role", "GET", note=PENDING),
    "quizzes:new": rule("role", "GET POST", note=PENDING),
    "quizzes:detail": rule("scoped", "GET", note=PENDING),
    "quizzes:edit": rule("role", "GET POST", note=PENDING),
    "quizzes:preview": rule("role", "GET", note=PENDING),
    "quizzes:start": rule("login", "POST", note=PENDING),
    "quizzes:results": rule("role", "GET", note=PENDING),
    "quizzes:statistics": rule("role", "GET", note=PENDING),
    "quizzes:attempt": rule("login", "GET", note=PENDING),
    "quizzes:answer": rule("login", "POST", note=PENDING),
    "quizzes:submit": rule("login", "POST", note=PENDING),
    "quizzes:result": rule("login", "GET", note=PENDING),
    "quizzes:bank": rule("role", "GET", note=PENDING),
    "quizzes:import": rule("role", "GET POST", note=PENDING),
    "quizzes:export": rule("role", "GET", note=PENDING),
    "api-quiz-list": rule("login", "GET POST", get("api-quiz-list", login_api())),
    "api-quiz-detail": rule("scoped", "GET PATCH", note=PENDING),
    "api-quiz-results": rule("role", "GET", note=PENDING),
    "api-quiz-statistics": rule("role", "GET", note=PENDING),
    "api-attempt-start": rule("login", "POST", note=PENDING),
    "api-attempt-detail": rule("login", "GET", note=PENDING),
    "api-answer-save": rule("login", "PUT", note=PENDING),
    "api-attempt-submit": rule("login", "POST", note=PENDING),
    "api-attempt-result": rule("login", "GET", note=PENDING),
    "api-question-import": rule("role", "POST", note=PENDING),
    # certificates
    "certificates:mine": rule("login", "GET", get("certificates:mine", login_html())),
    "certificates:list": rule("login", "GET", get("certificates:list", login_html())),
    "certificates:detail": rule("scoped", "GET", note=PENDING),
    "certificates:download": rule("scoped", "GET", note=PENDING),
    "certificates:revoke": rule("role", "POST", note=PENDING),
    "certificates:reissue": rule("role", "POST", note=PENDING),
    "certificates:retry": rule("role", "POST", note=PENDING),
    "certificates:session": rule("role", "GET", note=PENDING),
    "certificates:session-rule": rule("role", "GET POST", note=PENDING),
    "certificates:session-issue": rule("role", "POST", note=PENDING),
    "certificates:session-zip": rule("role", "POST", note=PENDING),
    "certificates:job": rule("role", "GET", note=PENDING),
    "certificates:job-download": rule("role", "GET", note=PENDING),
    "certificate-verify": rule(
        "public",
        "GET",
        get("certificate-verify", everyone(404), "an unknown code", code="BUKAN-KODE-ASLI"),
        note="Anyone holding a certificate's code may verify it.",
    ),
    "api-certificates": rule("login", "GET", get("api-certificates", login_api())),
    "api-certificates-mine": rule("login", "GET", get("api-certificates-mine", login_api())),
    "api-certificate-verify": rule(
        "public",
        "GET",
        get("api-certificate-verify", everyone(404), "an unknown code", code="BUKAN-KODE"),
    ),
    "api-certificate": rule("scoped", "GET", note=PENDING),
    "api-certificate-download": rule("scoped", "GET", note=PENDING),
    "api-certificate-revoke": rule("role", "POST", note=PENDING),
    "api-certificate-reissue": rule("role", "POST", note=PENDING),
    "api-certificate-retry": rule("role", "POST", note=PENDING),
    "api-certificates-session-rule": rule("role", "GET PUT PATCH", note=PENDING),
    "api-certificates-session-issue": rule("role", "POST", note=PENDING),
    "api-certificates-session-zip": rule("role", "POST", note=PENDING),
    "api-certificate-job": rule("role", "GET", note=PENDING),
    "api-certificate-job-download": rule("role", "GET", note=PENDING),
    # reports
    "reports:dashboard": rule(
        "login",
        "GET",
        get("reports:dashboard", login_html(), "own scope (Peserta: own record)"),
        url_case(
            "drill down into Polres Sintang",
            "/reports/?unit=POLRES-SINTANG",
            # A Peserta is shown their own record whatever unit is asked for.
            {**roles_html(*SEES_SINTANG, refused=404), "peserta": 200},
        ),
        url_case(
            "drill down into Polres Sanggau",
            "/reports/?unit=POLRES-SANGGAU",
            {**roles_html(*SEES_SANGGAU, refused=404), "peserta": 200},
        ),
    ),
    "reports:export-request": rule(
        "role",
        "POST",
        get("reports:export-request", {**everyone(405), "anonymous": LOGIN_REDIRECT}),
        note="POST only.",
    ),
    "reports:export-status": rule("role", "GET", note=PENDING),
    "reports:export-download": rule("role", "GET", note=PENDING),
    "api-report-completion": rule(
        "role",
        "GET",
        get("api-report-completion", roles_api(*SEES_SANGGAU, "outsider", refused=403)),
        url_case(
            "Polres Sintang",
            "/api/v1/reports/completion/?unit=POLRES-SINTANG",
            roles_api(*SEES_SINTANG),
        ),
    ),
    "api-report-export": rule("role", "POST", note="POST only: anonymous refusal below."),
    "api-report-export-status": rule("role", "GET", note=PENDING),
    "api-report-export-download": rule("role", "GET", note=PENDING),
    # OpenAPI schema and docs are public: they describe endpoints, never data.
    "api-schema": rule(
        "public",
        "GET",
        url_case(
            "schema",
            "/api/schema/?format=json",
            # One schema for everyone; generating it is slow, so two viewpoints suffice.
            {"anonymous": 200, "peserta": 200},
        ),
    ),
    "api-docs": rule(
        "public",
        "GET",
        get("api-docs", everyone()),
        url_case("docs script", "/api/docs/?script=", everyone()),
    ),
}

# Whole URL namespaces or route prefixes with one access rule. The Django admin checks
# `is_staff` on every page itself (AdminSite.has_permission); the cases sample it.
PREFIX_RULES: dict[str, Rule] = {
    "admin:": rule(
        "staff",
        "GET POST",
        note="Django admin: staff only; cases generated per registered model below.",
    ),
    "admin/": rule("staff", "GET POST", note="Django admin's unnamed redirects and catch-all."),
}


def admin_cases() -> list[Case]:
    staff_only = {**everyone(ADMIN_LOGIN_REDIRECT), "superuser": 200}
    cases = [url_case("admin index", "/admin/", staff_only)]
    for model in admin_site._registry:
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/"
        cases.append(url_case(f"admin {opts.label} list", url, staff_only))
    return cases


# --- Walking the URL conf ---------------------------------------------------------------------


def _walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield (name or route), route, pattern


def _rule_for(key: str) -> Rule | None:
    if key in CLASSIFICATION:
        return CLASSIFICATION[key]
    for prefix, prefix_rule in PREFIX_RULES.items():
        if key.startswith(prefix):
            return prefix_rule
    return None


def all_url_keys() -> dict[str, str]:
    return {key: route for key, route, _ in _walk(get_resolver())}


def test_every_url_pattern_is_classified():
    missing = [
        f"  {key!r}  (route {route!r})"
        for key, route in sorted(all_url_keys().items())
        if _rule_for(key) is None
    ]
    assert not missing, (
        "These URL patterns are not in the authorization matrix. Classify each one in "
        "CLASSIFICATION in tests/security/test_authorization_matrix.py (who may see it, with a "
        "GET case per scope), so its access rules are tested:\n" + "\n".join(missing)
    )


def test_every_classified_pattern_with_a_get_has_cases_or_a_reason():
    keys = all_url_keys()
    lacking = [
        key
        for key, r in CLASSIFICATION.items()
        if key in keys and "GET" in r.methods and not r.cases and not r.note
    ]
    assert not lacking, f"Give these GET patterns cases (or a note why not): {lacking}"


# --- Walking the OpenAPI schema -----------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(openapi: dict):
    for path, item in openapi["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method.upper(), item[method]


def _key_for_path(path: str) -> str:
    concrete = path
    while "{" in concrete:
        start = concrete.index("{")
        concrete = concrete[:start] + "1" + concrete[concrete.index("}", start) + 1 :]
    match = resolve(concrete)
    return match.view_name if match.url_name else match.route


def test_every_api_operation_is_classified(openapi):
    problems = []
    for path, method, _ in _operations(openapi):
        key = _key_for_path(path)
        found = _rule_for(key)
        if found is None:
            problems.append(f"  {method} {path}: pattern {key!r} is not classified")
        elif method not in found.methods and not (method == "PUT" and "PATCH" in found.methods):
            problems.append(
                f"  {method} {path}: {key!r} is classified for {sorted(found.methods)} only"
            )
    assert not problems, (
        "The OpenAPI schema has operations the authorization matrix does not know. Add them to "
        "CLASSIFICATION in tests/security/test_authorization_matrix.py:\n" + "\n".join(problems)
    )


# --- The world ------------------------------------------------------------------------------------


@pytest.fixture
def world(units, ranks, peserta, operator, pelatih, pimpinan, admin_user, outsider) -> World:
    superuser = PersonnelFactory(
        unit=units["MABES"], name="Superuser Back Office", is_staff=True, is_superuser=True
    )
    markers = {
        "sintang": PersonnelFactory(
            nrp="77000001",
            name="Saksi Rahasia Sintang",
            unit=units["POLRES-SINTANG"],
            rank=ranks["BRIPKA"],
            roles=[Role.PESERTA],
        ),
        "sanggau": PersonnelFactory(
            nrp="77000002",
            name="Saksi Rahasia Sanggau",
            unit=units["POLRES-SANGGAU"],
            rank=ranks["BRIPKA"],
            roles=[Role.PESERTA],
        ),
    }
    users = {
        "peserta": peserta,
        "operator": operator,
        "pelatih": pelatih,
        "pimpinan": pimpinan,
        "admin": admin_user,
        "outsider": outsider,
        "superuser": superuser,
    }
    world = World(users=users, units=units, markers=markers)
    _add_sessions(world)
    return world


def _add_sessions(world: World) -> None:
    """A published session hosted and attended by Polres Sintang: Sanggau must not see it."""
    try:
        from sessions.services import session_create, session_publish
    except ImportError:  # the sessions app is not there yet
        return
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=3)
    session = session_create(
        user=world.users["admin"],
        title=SINTANG_SESSION_TITLE,
        host_unit=world.units["POLRES-SINTANG"],
        start_at=start,
        end_at=start + timedelta(hours=2),
        invited_units=[world.units["POLRES-SINTANG"]],
    )
    world.extra["sintang_session"] = session_publish(session=session, user=world.users["admin"])


SINTANG_SESSION_TITLE = "Sesi Rahasia Polres Sintang"

# Which marker each role may see; every other marker must not appear in its responses.
MARKER_VISIBLE_TO = {
    "sintang": {"outsider", "pelatih", "admin", "superuser"},
    "sanggau": {"operator", "pimpinan", "pelatih", "admin", "superuser"},
}


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _leaks(world: World, role: str, response) -> list[str]:
    content_type = response.get("Content-Type", "")
    if response.streaming or not any(t in content_type for t in ("text", "json", "xml", "csv")):
        return []
    body = response.content.decode("utf-8", errors="replace")
    found = []
    for marker, person in world.markers.items():
        if role in MARKER_VISIBLE_TO[marker]:
            continue
        for needle in (person.name, person.nrp):
            if needle in body:
                found.append(f"{marker} marker ({needle})")
    if role not in MARKER_VISIBLE_TO["sintang"] and SINTANG_SESSION_TITLE in body:
        found.append(f"the Sintang session ({SINTANG_SESSION_TITLE})")
    return found


def _all_cases() -> list[tuple[str, Case]]:
    keys = all_url_keys()
    cases = [(key, case) for key, r in CLASSIFICATION.items() if key in keys for case in r.cases]
    cases += [("admin:", case) for case in admin_cases()]
    return cases


def test_access_matrix(world):
    """One test for the whole matrix: the world is built once and every failure is listed."""
    clients = {role: _client(world, role) for role in (*ROLES, "superuser")}
    failures = []
    cases = _all_cases()
    assert len(cases) > 20
    for key, case in cases:
        url = case.url(world)
        expectations = {**case.expect}
        if "admin" in expectations:
            expectations.setdefault("superuser", expectations["admin"])
        for role, expected in expectations.items():
            response = clients[role].get(url)
            if not _status_ok(expected, response):
                failures.append(
                    f"  {key} / {case.label}: {role} GET {url}: expected {expected}, "
                    f"got {response.status_code} {response.get('Location', '')}"
                )
            if role not in case.skip_leak_check and (leaks := _leaks(world, role, response)):
                failures.append(
                    f"  {key} / {case.label}: {role} GET {url}: shows {', '.join(leaks)}"
                )
    assert not failures, "Authorization matrix failures:\n" + "\n".join(failures)


def test_anonymous_is_refused_every_api_write(world, openapi):
    client = Client()
    failures = []
    for path, method, _ in _operations(openapi):
        if method == "GET":
            continue
        key = _key_for_path(path)
        found = _rule_for(key)
        if found is None or found.kind == "public":
            continue
        url = path
        while "{" in url:
            start = url.index("{")
            url = url[:start] + "1" + url[url.index("}", start) + 1 :]
        response = client.generic(method, url, "{}", content_type="application/json")
        if response.status_code not in (401, 403):
            failures.append(f"  {method} {url}: {response.status_code}")
    assert not failures, "Anonymous writes not refused:\n" + "\n".join(failures)


def test_the_matrix_fixtures_really_differ_in_scope(world):
    """Guard against a matrix that passes because every persona sees the same thing."""
    client = _client(world, "pimpinan")
    assert client.get(f"/api/v1/personnel/{world.markers['sanggau'].pk}/").status_code == 200
    assert client.get(f"/api/v1/personnel/{world.markers['sintang'].pk}/").status_code == 404
    assert world.users["peserta"].check_password(DEFAULT_PASSWORD)
    if "sintang_session" in world.extra:
        # The session marker is visible where it should be, so its absence elsewhere means
        # something.
        seen = _client(world, "outsider").get("/api/v1/sessions/").content.decode()
        assert SINTANG_SESSION_TITLE in seen
        assert SINTANG_SESSION_TITLE not in client.get("/api/v1/sessions/").content.decode()
