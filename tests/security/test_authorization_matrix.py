"""Every URL and API operation × every role × in-scope / out-of-scope unit → the expected
status, and no data of another unit in any response.

How it works
- `CLASSIFICATION` lists every URL pattern of the project by its key (`namespace:name`, or the
  route when the pattern has no name) with its access kind and the cases to try. Pages without
  objects are classified below; the pages and endpoints of objects (a module, a session, an
  attempt, a certificate, an export) in tests/security/authz/rules_<app>.py.
- `test_every_url_pattern_is_classified` walks the URL conf, `test_every_api_operation_is_
  classified` walks the OpenAPI schema: a new page or endpoint fails them until it is added.
- The cases run in a `World` (tests/security/authz/world.py): personas in Polres Sanggau, Polres
  Sintang and Polda Jawa Timur, and real objects of both Polres (modules and materials with
  versions, draft/published/finished sessions with participants, quizzes and attempts, ready
  certificates and ZIP jobs, a Zoom import preview, report exports).
- `test_access_matrix` requests each GET case as each role and compares the status; every text
  response (downloads included) is also searched for people the role must not see (the markers
  of other units). `test_write_matrix` sends each write case (refused roles first): the status,
  the object read back unchanged after a refusal, and the same search for markers.
- `test_anonymous_is_refused_every_api_write` sends each non-GET operation of the schema
  anonymously: nothing but a refusal may come back.

Adding a page or endpoint: add a `Rule` under its key. Give it a GET case per interesting scope
(own unit, a unit below, another Polres, another Polda) and, for a write, a case with a valid
payload whose refusals must leave the object as it was. The helpers of
tests/security/authz/matrix.py (`login_html()`, `roles_api(...)`, `write(...)`, ...) cover the
usual. The superuser is tried on the Django admin only (elsewhere it is an admin).
"""

from __future__ import annotations

import json

import pytest
from django.contrib.admin import site as admin_site
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.factories import DEFAULT_PASSWORD, PersonnelFactory
from tests.security.authz import (
    rules_certificates,
    rules_quizzes,
    rules_reports,
    rules_sessions,
    rules_training,
)
from tests.security.authz.matrix import (
    ADMIN_LOGIN_REDIRECT,
    ANY_REDIRECT,
    LOGIN_REDIRECT,
    ROLES,
    SEES_SANGGAU,
    SEES_SINTANG,
    Case,
    Rule,
    World,
    everyone,
    get,
    is_refusal,
    login_api,
    login_html,
    roles_api,
    roles_html,
    rule,
    status_ok,
    url_case,
)
from tests.security.authz.world import MARKER_VISIBLE_TO, SINTANG_SESSION_TITLE, build_world
from training.models import Role

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
            roles_api("stranger", "admin", refused=404),
            "a person in Polda Jawa Timur",
            pk=lambda w: w.markers["jatim"].pk,
        ),
        get(
            "personnel-detail",
            roles_api("peserta", *SEES_SANGGAU, refused=404),
            "the Peserta themselves",
            pk=lambda w: w.users["peserta"].pk,
        ),
    ),
    # training: personnel import (Admin or Operator)
    "personnel:import-confirm": rule(
        "role",
        "POST",
        get("personnel:import-confirm", login_html(405)),
        note="POST only; confirms the list this browser session uploaded, scope checked again.",
    ),
    # training: curriculum
    "curriculum:module-list": rule("login", "GET", get("curriculum:module-list", login_html())),
    # sessions
    "sessions:list": rule("login", "GET", get("sessions:list", login_html())),
    "sessions:my-calendar": rule("login", "GET", get("sessions:my-calendar", login_html())),
    "sessions:feed": rule(
        "public",
        "GET",
        get("sessions:feed", everyone(404), "an unknown feed token", token="bukan-token"),
        note="Calendar feed authorised by its secret token, not by a session.",
    ),
    # quizzes
    "quizzes:list": rule("login", "GET", get("quizzes:list", login_html())),
    # certificates
    "certificates:mine": rule("login", "GET", get("certificates:mine", login_html())),
    "certificates:list": rule("login", "GET", get("certificates:list", login_html())),
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
    "api-report-completion": rule(
        "role",
        "GET",
        get(
            "api-report-completion",
            roles_api(*SEES_SANGGAU, "outsider", "stranger", refused=403),
            "own scope",
        ),
        url_case(
            "Polres Sintang",
            "/api/v1/reports/completion/?unit=POLRES-SINTANG",
            roles_api(*SEES_SINTANG),
        ),
    ),
    "api-report-export": rule("role", "POST", note="POST only: anonymous refusal below."),
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

# Pages and endpoints of objects: one module per app (tests/security/authz/rules_*.py). Writes run
# in this order, so a real write by an authorized role comes after the refusals on its object.
for _rules in (
    rules_training.RULES,
    rules_sessions.RULES,
    rules_quizzes.RULES,
    rules_certificates.RULES,
    rules_reports.RULES,
):
    assert not set(_rules) & set(CLASSIFICATION), set(_rules) & set(CLASSIFICATION)
    CLASSIFICATION.update(_rules)

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


# --- The world ------------------------------------------------------------------------------


@pytest.fixture
def world(
    units, ranks, peserta, operator, pelatih, pimpinan, admin_user, outsider, settings, tmp_path
) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    stranger = PersonnelFactory(
        unit=units["POLDA-JATIM"],
        rank=ranks["KOMPOL"],
        name="Stefanus Pelatih Jatim",
        position="Pelatih",
        roles=[Role.PELATIH],
    )
    superuser = PersonnelFactory(
        unit=units["MABES"], name="Superuser Back Office", is_staff=True, is_superuser=True
    )
    users = {
        "peserta": peserta,
        "operator": operator,
        "pelatih": pelatih,
        "pimpinan": pimpinan,
        "admin": admin_user,
        "outsider": outsider,
        "stranger": stranger,
        "superuser": superuser,
    }
    return build_world(units=units, ranks=ranks, users=users)


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


TEXT_TYPES = ("text", "json", "xml", "csv")


def _body(response) -> str | None:
    content_type = response.get("Content-Type", "")
    if not any(t in content_type for t in TEXT_TYPES):
        return None
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _leaks(world: World, role: str, response) -> list[str]:
    body = _body(response)
    if body is None:
        return []
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


def _all_cases(*, writes: bool) -> list[tuple[str, Case]]:
    keys = all_url_keys()
    cases = [
        (key, case)
        for key, r in CLASSIFICATION.items()
        if key in keys
        for case in r.cases
        if (case.method != "GET") == writes
    ]
    if not writes:
        cases += [("admin:", case) for case in admin_cases()]
    return cases


def _send(client: Client, case: Case, world: World):
    url = case.url(world)
    if case.method == "GET":
        return url, client.get(url)
    data = case.data(world) if case.data else {}
    has_file = any(hasattr(value, "read") for value in data.values())
    if case.method == "POST" and (has_file or not case.json):
        return url, client.post(url, data)
    body = json.dumps(data) if case.json else ""
    return url, client.generic(case.method, url, body, content_type="application/json")


def test_access_matrix(world):
    """Every GET case as every role it names: the status, and no marker of another unit. One
    test for the whole matrix: the world is built once and every failure is listed."""
    clients = {role: _client(world, role) for role in (*ROLES, "superuser")}
    failures = []
    cases = _all_cases(writes=False)
    assert len(cases) > 100
    for key, case in cases:
        for role, expected in case.expect.items():
            url, response = _send(clients[role], case, world)
            if not status_ok(expected, response):
                failures.append(
                    f"  {key} / {case.label}: {role} GET {url}: expected {expected}, "
                    f"got {response.status_code} {response.get('Location', '')}"
                )
            if role not in case.skip_leak_check and (leaks := _leaks(world, role, response)):
                failures.append(
                    f"  {key} / {case.label}: {role} GET {url}: shows {', '.join(leaks)}"
                )
    assert not failures, "Authorization matrix failures:\n" + "\n".join(failures)


def test_write_matrix(world):
    """Every write case as every role it names: the status; for refusals (and roles named in
    `unchanged_for`) the object is unchanged; and no marker of another unit in the answer.
    Refused roles go first, so an authorized role's real write comes after them."""
    clients = {role: _client(world, role) for role in ROLES}
    failures = []
    cases = _all_cases(writes=True)
    assert len(cases) > 50
    for key, case in cases:
        order = sorted(
            (role for role, expected in case.expect.items() if expected is not None),
            key=lambda role: not is_refusal(case.expect[role]),
        )
        for role in order:
            expected = case.expect[role]
            must_keep = case.state is not None and (
                is_refusal(expected) or role in case.unchanged_for
            )
            before = case.state(world) if must_keep else None
            url, response = _send(clients[role], case, world)
            where = f"  {key} / {case.label}: {role} {case.method} {url}"
            if not status_ok(expected, response):
                failures.append(
                    f"{where}: expected {expected}, got {response.status_code} "
                    f"{response.get('Location', '')}"
                )
            if must_keep and (after := case.state(world)) != before:
                failures.append(f"{where}: changed {before!r} -> {after!r}")
            if role not in case.skip_leak_check and (leaks := _leaks(world, role, response)):
                failures.append(f"{where}: shows {', '.join(leaks)}")
    assert not failures, "Authorization matrix write failures:\n" + "\n".join(failures)


def test_anonymous_is_refused_every_api_write(db, openapi):
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


def test_every_object_page_has_cases_for_each_write_method():
    """No classified write method on an object page is left without a case (the POST-only
    patterns without objects say why in their note)."""
    keys = all_url_keys()
    lacking = []
    for key, r in CLASSIFICATION.items():
        if key not in keys or r.note:
            continue
        tried = {case.method for case in r.cases}
        for method in r.methods - {"GET"}:
            if method not in tried and not (method == "PUT" and "PATCH" in tried):
                lacking.append(f"{key} {method}")
    assert not lacking, f"Give these write methods a case (or a note why not): {lacking}"


def test_the_matrix_fixtures_really_differ_in_scope(world):
    """Guard against a matrix that passes because every persona sees the same thing."""
    client = _client(world, "pimpinan")
    assert client.get(f"/api/v1/personnel/{world.markers['sanggau'].pk}/").status_code == 200
    assert client.get(f"/api/v1/personnel/{world.markers['sintang'].pk}/").status_code == 404
    assert world.users["peserta"].check_password(DEFAULT_PASSWORD)
    # The session marker is visible where it should be, so its absence elsewhere means
    # something.
    seen = _client(world, "outsider").get("/api/v1/sessions/").content.decode()
    assert SINTANG_SESSION_TITLE in seen
    assert SINTANG_SESSION_TITLE not in client.get("/api/v1/sessions/").content.decode()
    # Both markers are participants of the Polda-wide session: the trainer sees both, so the
    # commanders' not seeing each other's is the scope at work.
    url = f"/api/v1/sessions/{world['kalbar_finished'].pk}/participants/"
    names = _client(world, "pelatih").get(url).content.decode()
    assert world.markers["sanggau"].name in names and world.markers["sintang"].name in names
