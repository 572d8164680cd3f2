"""The vocabulary of the authorization matrix: roles, expected statuses, cases and rules.

A `Case` is one request (a GET, or a write with its payload) tried as each role it names; its
`expect` maps role -> status. A write case may carry a `state` function: for every role whose
expectation is a refusal, the state (read back from the database) must be the same after the
request as before it — a refused write changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

# The personas (tests/conftest.py) plus `stranger`, a Pelatih of another Polda (Jawa Timur).
ROLES = (
    "anonymous",
    "peserta",
    "operator",
    "pelatih",
    "pimpinan",
    "admin",
    "outsider",
    "stranger",
)
SIGNED_IN = ROLES[1:]

# Who oversees what: Sanggau's staff see Sanggau, the outsider (Kapolres Sintang) sees Sintang,
# the Polda Kalbar trainer sees all of Kalbar, the stranger (Pelatih Polda Jatim) sees Jatim,
# the admin sees everything, the Peserta only themselves.
SEES_SANGGAU = ("operator", "pimpinan", "pelatih", "admin")
SEES_SINTANG = ("outsider", "pelatih", "admin")

# Status expectations: an int, or one of these.
LOGIN_REDIRECT = "302 to the login page"
ADMIN_LOGIN_REDIRECT = "302 to the admin login page"
API_ANON = "401/403 (no credentials)"
HIDDEN = "403/404"
ANY_REDIRECT = "302"
# An authorized write: it must not be refused (401/403/404). What it then does (201, a 400 for
# a harmless payload, a redirect with a message) is the business of the app's own tests.
ALLOWED = "not refused (not 401/403/404/405)"

Expect = int | str
REFUSALS = (LOGIN_REDIRECT, ADMIN_LOGIN_REDIRECT, API_ANON, HIDDEN)


def status_ok(expected: Expect, response) -> bool:
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
    if expected == ALLOWED:
        return status not in (401, 403, 404, 405) and status < 500
    return status == expected


# --- Expectation helpers ----------------------------------------------------------------------


def everyone(status: Expect = 200) -> dict[str, Expect]:
    return dict.fromkeys(ROLES, status)


def login_html(status: Expect = 200) -> dict[str, Expect]:
    return {**everyone(status), "anonymous": LOGIN_REDIRECT}


def login_api(status: Expect = 200) -> dict[str, Expect]:
    return {**everyone(status), "anonymous": API_ANON}


def roles_html(*allowed: str, refused: Expect = 403, ok: Expect = 200) -> dict[str, Expect]:
    return {
        role: (ok if role in allowed else refused) if role != "anonymous" else LOGIN_REDIRECT
        for role in ROLES
    }


def roles_api(*allowed: str, refused: Expect = HIDDEN, ok: Expect = 200) -> dict[str, Expect]:
    return {
        role: (ok if role in allowed else refused) if role != "anonymous" else API_ANON
        for role in ROLES
    }


def tiers(base: dict[str, Expect], **by_role: Expect) -> dict[str, Expect]:
    """`base` with some roles changed: tiers(roles_api(...), pimpinan=403)."""
    return {**base, **by_role}


# --- Cases and rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    label: str
    url: Callable[[Any], str]
    expect: dict[str, Expect]
    # Roles whose responses are NOT searched for markers they may not see (say why).
    skip_leak_check: tuple[str, ...] = ()
    method: str = "GET"
    # The body: a callable of the World returning a dict (JSON for the API, form fields for
    # pages; files make it multipart), or None.
    data: Callable[[Any], dict] | None = None
    # For writes: a callable of the World returning what the request must leave unchanged when
    # it is refused (values read back from the database).
    state: Callable[[Any], Any] | None = None
    json: bool = False
    # Roles that must leave `state` unchanged although they are not refused (a request that is
    # accepted but may only touch the role's own scope).
    unchanged_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    kind: str  # public | login | role | scoped | staff | write-only
    methods: frozenset[str]
    cases: tuple[Case, ...] = ()
    note: str = ""


def rule(kind: str, methods: str = "GET", *cases: Case, note: str = "") -> Rule:
    return Rule(kind, frozenset(methods.upper().split()), tuple(cases), note)


def _resolve(value, world):
    return value(world) if callable(value) else value


def _builder(name: str, kwargs: dict, query: str = "") -> Callable[[Any], str]:
    def build(world) -> str:
        resolved = {k: _resolve(v, world) for k, v in kwargs.items()}
        return reverse(name, kwargs=resolved or None) + query

    return build


def get(name: str, expect: dict[str, Expect], label: str = "", **kwargs) -> Case:
    """A GET case for a named URL; kwargs are callables of the World (or plain values)."""
    return Case(label or name, _builder(name, kwargs), expect)


def url_case(label: str, url: str, expect: dict[str, Expect]) -> Case:
    return Case(label, lambda world: url, expect)


def write(
    name: str,
    method: str,
    expect: dict[str, Expect],
    label: str,
    *,
    data: Callable[[Any], dict] | dict | None = None,
    state: Callable[[Any], Any] | None = None,
    api: bool = False,
    unchanged_for: tuple[str, ...] = (),
    **kwargs,
) -> Case:
    """A write case: `method` on a named URL with `data`, each role's status, and the state a
    refused request must leave as it was. `api=True` sends JSON (unless `data` holds files)."""
    body = data if callable(data) or data is None else (lambda world, d=data: d)
    return Case(
        label,
        _builder(name, kwargs),
        expect,
        method=method.upper(),
        data=body,
        state=state,
        json=api,
        unchanged_for=unchanged_for,
    )


def is_refusal(expected: Expect) -> bool:
    if expected in REFUSALS:
        return True
    return isinstance(expected, int) and expected >= 400


@dataclass
class World:
    users: dict
    units: dict
    markers: dict  # marker name -> Personnel, one per unit whose data must not leak
    extra: dict = field(default_factory=dict)

    def __getitem__(self, key: str):
        return self.extra[key]


# --- State read back from the database (for refused writes) -----------------------------------


def row(key: str, *fields: str) -> Callable[[World], Any]:
    """The current values of `fields` of the world's object `key`, read from the database."""

    def read(world: World):
        obj = world[key]
        return type(obj).objects.filter(pk=obj.pk).values_list(*fields).first()

    return read


def count(model_path: str, **lookups) -> Callable[[World], int]:
    """How many rows of `app_label.Model` match `lookups` (values may be callables of the
    World)."""

    def read(world: World) -> int:
        from django.apps import apps

        model = apps.get_model(model_path)
        return model.objects.filter(**{k: _resolve(v, world) for k, v in lookups.items()}).count()

    return read


def both(*reads: Callable[[World], Any]) -> Callable[[World], tuple]:
    return lambda world: tuple(read(world) for read in reads)


def pk(key: str) -> Callable[[World], int]:
    return lambda world: world[key].pk
