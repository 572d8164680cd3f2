"""How a login attempt is identified and limited, and what a refused person sees.

Two limits, both keyed on `core.client.client_address`:

- django-axes locks one (NRP/NIP, address) pair after `AXES_FAILURE_LIMIT` failures: someone
  guessing one person's password. Configured in `config/settings/security.py`
  (AXES_*_CALLABLE name the functions below).
- The address failure budget (`AddressBudgetBackend`): `LOGIN_ADDRESS_FAILURE_LIMIT` failed
  logins from one address, whatever the NRP/NIP, within `LOGIN_ADDRESS_WINDOW_MINUTES`, and that
  address is refused for `LOGIN_ADDRESS_WINDOW_MINUTES` (the right password too, or spraying one
  guess at many NRPs would simply continue). NRPs are printed on public certificates, so one
  guess each against many accounts is the cheap attack the per-pair lockout never sees. The
  counts live in the cache; when the cache cannot be reached the budget is not applied (logged)
  and the per-pair lockout, in the database, still holds.

Both are active when `AXES_ENABLED` is (the test suite turns it off; tests/security/ on).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from redis.exceptions import RedisError

from core.client import client_address
from training.forms import LoginForm
from training.models import normalize_nrp

logger = logging.getLogger(__name__)


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The NRP/NIP as the login form understands it, so spacing variants count as one."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    return normalize_nrp(raw)


def lockout_client_ip(request: HttpRequest) -> str | None:
    """The address axes locks a pair on: `core.client.client_address`, like every budget."""
    return client_address(request)


class LockedOutLoginForm(LoginForm):
    """The login form, empty but for the NRP, carrying the lockout message as its only error."""

    def __init__(self, request: HttpRequest, *, username: str, message: str) -> None:
        super().__init__(request, initial={"username": username})
        self.lockout_message = message

    def non_field_errors(self):
        return self.error_class(
            [self.lockout_message], error_class="nonfield", renderer=self.renderer
        )


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return ngettext(
        "Too many failed login attempts for this NRP/NIP. Try again in %(minutes)d minute, "
        "or ask an administrator to unlock the account.",
        "Too many failed login attempts for this NRP/NIP. Try again in %(minutes)d minutes, "
        "or ask an administrator to unlock the account.",
        minutes,
    ) % {"minutes": minutes}


def _refused_page(request: HttpRequest, *, username: str, message: str) -> HttpResponse:
    """The login page again, with `message` as its only error, as 429 Too Many Requests."""
    context = {
        "form": LockedOutLoginForm(request, username=username, message=message),
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, "training/login.html", context, status=429)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The login page again, with the lockout explained, as 429 Too Many Requests."""
    return _refused_page(
        request, username=lockout_username(request, credentials), message=lockout_message()
    )


# --- The address failure budget ---------------------------------------------------------------

# Set on the request by AddressBudgetBackend when it refuses: the time (epoch seconds) the
# address may try again. LoginAddressBudgetMiddleware turns it into the refusal page.
REFUSED_UNTIL = "login_address_refused_until"


def address_budget_enabled() -> bool:
    return bool(settings.AXES_ENABLED) and settings.LOGIN_ADDRESS_FAILURE_LIMIT > 0


def _window_seconds() -> int:
    return max(1, settings.LOGIN_ADDRESS_WINDOW_MINUTES) * 60


def _failures_key(client: str | None) -> str:
    return f"login:address:failures:{client or 'unknown'}"


def _refused_key(client: str | None) -> str:
    return f"login:address:refused-until:{client or 'unknown'}"


def address_refused_until(*, client: str | None) -> float | None:
    """When `client` may try to log in again (epoch seconds), or None if it may now. None too
    when the cache cannot be reached (logged): the budget fails open."""
    try:
        until = cache.get(_refused_key(client))
    except RedisError as exc:
        logger.warning("Cache unreachable; login address budget not applied: %s", exc)
        return None
    if until is None or until <= time.time():
        return None
    return until


def address_failure_record(*, client: str | None) -> None:
    """Count one failed login from `client`. The failure that spends the budget refuses the
    address for one window from now; the count itself expires one window after the first
    failure, so it is gone by the time the refusal ends."""
    window = _window_seconds()
    key = _failures_key(client)
    try:
        cache.add(key, 0, timeout=window)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            failures = 1
        if failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            # add, not set: further failures while refused (there are none through the
            # backend, which refuses first) never push the end of the refusal back.
            cache.add(_refused_key(client), time.time() + window, timeout=window)
    except RedisError as exc:
        logger.warning("Cache unreachable; failed login not counted for its address: %s", exc)


def address_refused_message(until: float) -> str:
    minutes = max(1, math.ceil((until - time.time()) / 60))
    return ngettext(
        "Too many failed login attempts from this network address. Wait %(minutes)d minute, "
        "then try again.",
        "Too many failed login attempts from this network address. Wait %(minutes)d minutes, "
        "then try again.",
        minutes,
    ) % {"minutes": minutes}


class AddressBudgetBackend(ModelBackend):
    """Django's `ModelBackend` (NRP/NIP and password), in the address failure budget: it refuses
    every attempt from an address whose budget is spent before looking at the password, and
    counts each attempt it rejects. It stands where `ModelBackend` would, after axes' backend,
    so a pair axes has locked is refused there and not counted twice."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not address_budget_enabled():
            return super().authenticate(request, username, password, **kwargs)
        client = client_address(request)
        until = address_refused_until(client=client)
        if until is not None:
            setattr(request, REFUSED_UNTIL, until)
            # Stops authenticate() here: no other backend is asked.
            raise PermissionDenied("This address has used up its failed-login budget.")
        user = super().authenticate(request, username, password, **kwargs)
        if user is None and password is not None:
            address_failure_record(client=client)
        return user


class LoginAddressBudgetMiddleware:
    """Turns a login the address budget refused into the login page with the wait explained
    (429), wherever the login form was (the site's or the admin's)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        until = getattr(request, REFUSED_UNTIL, None)
        if until is None:
            return response
        return _refused_page(
            request,
            username=lockout_username(request, None),
            message=address_refused_message(until),
        )
