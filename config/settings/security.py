"""Login lockout and browser security headers, shared by every environment.

Imported at the end of `base.py`, so it extends the lists defined there (installed apps,
middleware, authentication backends). Environment variables tune it:

- `AXES_FAILURE_LIMIT` (default 5): failed logins from one IP address for one NRP/NIP before
  that pair is locked out.
- `AXES_COOLOFF_MINUTES` (default 30): how long a lockout lasts.
- `LOGIN_ADDRESS_FAILURE_LIMIT` (default 30): failed logins from one address, whatever the
  NRP/NIP, before that address is refused (the right password too) — password spraying across
  the NRPs printed on certificates. 0 turns this budget off.
- `LOGIN_ADDRESS_WINDOW_MINUTES` (default 15): the window those failures are counted in, and how
  long the address is then refused. Counted in the cache (Redis in production); when the cache
  is down the budget is not applied (logged) and the per-NRP lockout still holds.
- `TRUSTED_PROXY_COUNT` (default 0): how many reverse proxies in front of gunicorn append to
  `X-Forwarded-For`; the client address (`core.client.client_address`, used by the lockout, the
  address budget, certificate verification and the API throttles) is read from there only when
  this is set.
"""

from datetime import timedelta

from . import base as _base

env = _base.env
_APPS_BEFORE = _base.INSTALLED_APPS
_MIDDLEWARE_BEFORE = _base.MIDDLEWARE
_BACKENDS_BEFORE = getattr(
    _base, "AUTHENTICATION_BACKENDS", ["django.contrib.auth.backends.ModelBackend"]
)

# --- Login lockout (django-axes) ------------------------------------------------------------
INSTALLED_APPS = [*_APPS_BEFORE, "axes"]
# Axes' backend must come first: it refuses a locked-out NRP/IP pair before any password check.
# Django's ModelBackend is replaced by the same backend within the address failure budget.
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *[
        "config.lockout.AddressBudgetBackend" if b == _MODEL_BACKEND else b
        for b in _BACKENDS_BEFORE
        if b != "axes.backends.AxesStandaloneBackend"
    ],
]
_SECURITY = "django.middleware.security.SecurityMiddleware"
_AT = _MIDDLEWARE_BEFORE.index(_SECURITY) + 1 if _SECURITY in _MIDDLEWARE_BEFORE else 0
MIDDLEWARE = [
    *_MIDDLEWARE_BEFORE[:_AT],
    # Before WhiteNoise, so static files carry the headers too.
    "config.middleware.SecurityHeadersMiddleware",
    *_MIDDLEWARE_BEFORE[_AT:],
    # Turns a login refused by the address failure budget into the login page, explained.
    "config.lockout.LoginAddressBudgetMiddleware",
    # Last, as axes requires: it turns a flagged login request into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# Lock the (NRP, IP) pair: one person mistyping at a shared Polres terminal does not lock out
# the whole room, and an attacker cannot lock a commander out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# "1234 5678", "1234-5678" and "12345678" are one NRP; count them together.
AXES_USERNAME_CALLABLE = "config.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "config.lockout.lockout_client_ip"
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Password spraying: one guess each at many NRPs from one address (config/lockout.py).
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
LOGIN_ADDRESS_WINDOW_MINUTES = env.int("LOGIN_ADDRESS_WINDOW_MINUTES", default=15)

# --- Browser security headers ---------------------------------------------------------------
# No inline script or style anywhere: templates load static/js and static/css only.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# Per-path relaxations, each one a third-party page that cannot do without. The Swagger UI page
# (served by drf-spectacular's split view, so its script is an external file) ships one inline
# <style> block; nothing else on it is relaxed.
CONTENT_SECURITY_POLICY_OVERRIDES = {
    "/api/docs/": {"style-src": "'self' 'unsafe-inline'"},
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
