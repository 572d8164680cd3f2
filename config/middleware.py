"""Security headers Django's SecurityMiddleware does not send.

- `Content-Security-Policy` from `CONTENT_SECURITY_POLICY` (a dict of directive -> sources), with
  per-path-prefix replacements of single directives from `CONTENT_SECURITY_POLICY_OVERRIDES`.
  A response that already carries a policy (a view that set its own) keeps it.
- `Permissions-Policy` from `PERMISSIONS_POLICY`.
- `Cross-Origin-Resource-Policy` from `CROSS_ORIGIN_RESOURCE_POLICY`.

Cross-Origin-Opener-Policy, X-Content-Type-Options, Referrer-Policy and HSTS come from Django's
SecurityMiddleware, X-Frame-Options from XFrameOptionsMiddleware.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
