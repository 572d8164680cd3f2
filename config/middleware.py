"""Security headers Django's SecurityMiddleware does not send, and bad input on the pages.

- `Content-Security-Policy` from `CONTENT_SECURITY_POLICY` (a dict of directive -> sources), with
  per-path-prefix replacements of single directives from `CONTENT_SECURITY_POLICY_OVERRIDES`.
  A response that already carries a policy (a view that set its own) keeps it.
- `Permissions-Policy` from `PERMISSIONS_POLICY`.
- `Cross-Origin-Resource-Policy` from `CROSS_ORIGIN_RESOURCE_POLICY`.

Cross-Origin-Opener-Policy, X-Content-Type-Options, Referrer-Policy and HSTS come from Django's
SecurityMiddleware, X-Frame-Options from XFrameOptionsMiddleware.

`BadInputMiddleware` answers a page view's `InvalidId` (from `core.fields.parse_id`) and a value
that slipped past form validation (OverflowError, DataError) with a 400 and a message, like
config.api does for the API; the latter is logged as a warning, since a field lacks validation.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from core.fields import OUT_OF_RANGE_ERRORS, InvalidId, out_of_range_message

logger = logging.getLogger("config.bad_input")


def build_policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        base = dict(settings.CONTENT_SECURITY_POLICY)
        self.default_policy = build_policy(base)
        # Longest prefix first, so the most specific override wins.
        self.overrides = sorted(
            (
                (prefix, build_policy({**base, **changes}))
                for prefix, changes in settings.CONTENT_SECURITY_POLICY_OVERRIDES.items()
            ),
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self.permissions_policy = settings.PERMISSIONS_POLICY
        self.resource_policy = settings.CROSS_ORIGIN_RESOURCE_POLICY

    def policy_for(self, path: str) -> str:
        for prefix, policy in self.overrides:
            if path.startswith(prefix):
                return policy
        return self.default_policy

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy_for(request.path))
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if self.resource_policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", self.resource_policy)
        return response


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, InvalidId):
            return _bad_request(exception.message)
        if isinstance(exception, OUT_OF_RANGE_ERRORS):
            logger.warning(
                "Refused out-of-range input with a 400 (a field lacks validation): %s %s",
                request.method,
                request.get_full_path(),
                exc_info=exception,
            )
            return _bad_request(out_of_range_message())
        return None


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
