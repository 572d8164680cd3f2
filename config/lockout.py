"""How django-axes identifies a login attempt and what a locked-out person sees.

Configured in `config/settings/security.py` (AXES_*_CALLABLE).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from training.forms import LoginForm
from training.models import normalize_nrp


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The NRP/NIP as the login form understands it, so spacing variants count as one."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    return normalize_nrp(raw)


def lockout_client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or — behind TRUSTED_PROXY_COUNT reverse proxies that
    each append to X-Forwarded-For — the address the outermost trusted proxy saw. Entries left of
    that one are whatever the client sent and are never trusted."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


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


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The login page again, with the lockout explained, as 429 Too Many Requests."""
    form = LockedOutLoginForm(
        request, username=lockout_username(request, credentials), message=lockout_message()
    )
    context = {
        "form": form,
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, "training/login.html", context, status=429)
