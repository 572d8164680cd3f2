"""Security headers on pages, API responses and static files; cookie settings in production."""

import importlib
import re

import pytest
from django.urls import reverse

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: (rest[0] if rest else "") for name, *rest in parts}


def _assert_hardened(response, *, csp=EXPECTED_CSP):
    assert _directives(response["Content-Security-Policy"]) == csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy


@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz/", "/api/schema/"])
def test_public_responses_carry_the_security_headers(db, client, url):
    response = client.get(url)
    assert response.status_code == 200
    _assert_hardened(response)


@pytest.mark.parametrize("url", ["/", "/api/v1/me/", "/api/v1/units/", "/api/v1/personnel/"])
def test_authenticated_pages_and_api_carry_the_security_headers(peserta_client, url):
    response = peserta_client.get(url)
    assert response.status_code == 200
    _assert_hardened(response)


def test_refusals_carry_the_security_headers_too(db, client):
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    _assert_hardened(response)
    _assert_hardened(client.get("/no-such-page/"))


def test_static_files_carry_the_security_headers(db, client):
    response = client.get("/static/js/htmx.min.js")
    assert response.status_code == 200
    assert _directives(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_pages_contain_no_inline_script_or_inline_style(peserta_client, client):
    """The policy forbids inline script and style; a page that relied on them would break."""
    pages = [client.get(reverse("login")), peserta_client.get(reverse("home"))]
    for response in pages:
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"inline <script> in {response.request['PATH_INFO']}: {tag}"
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html), "inline event handler attribute"


def test_api_docs_load_their_script_from_a_url_and_relax_only_inline_style(db, client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts and all("src=" in attrs for attrs in scripts)
    _assert_hardened(response, csp={**EXPECTED_CSP, "style-src": "'self' 'unsafe-inline'"})
    init = client.get("/api/docs/?script=")
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in init.content


def test_admin_pages_carry_the_strict_policy(admin_client_):
    response = admin_client_.get("/admin/login/")
    assert response.status_code in (200, 302)
    _assert_hardened(response)


@pytest.fixture
def production_settings(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "p" * 30 + "-production-only-secret-value-xyz")
    monkeypatch.setenv("ALLOWED_HOSTS", "belajar.polri.example")
    monkeypatch.setenv("DATABASE_URL", "postgres://polri@db.example:5432/polri_belajar")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://redis.example:6379/0")
    import config.settings.production as production

    return importlib.reload(production)


def test_production_cookies_are_secure_http_only_and_same_site(production_settings):
    prod = production_settings
    assert prod.SESSION_COOKIE_SECURE is True
    assert prod.SESSION_COOKIE_HTTPONLY is True
    assert prod.SESSION_COOKIE_SAMESITE == "Lax"
    assert prod.CSRF_COOKIE_SECURE is True
    assert prod.CSRF_COOKIE_SAMESITE == "Lax"
    assert prod.SECURE_SSL_REDIRECT is True
    assert prod.SECURE_HSTS_SECONDS >= 31536000
    assert prod.SESSION_COOKIE_AGE <= 12 * 3600
    # Lockout and headers are on in production, not only where tests switch them on.
    assert prod.AXES_ENABLED is True
    assert prod.AXES_FAILURE_LIMIT <= 10
    assert prod.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert prod.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert "config.middleware.SecurityHeadersMiddleware" in prod.MIDDLEWARE
    assert (
        _directives("; ".join(f"{k} {v}" for k, v in prod.CONTENT_SECURITY_POLICY.items()))
        == EXPECTED_CSP
    )


def test_session_login_api_writes_require_csrf(peserta, password):
    """SessionAuthentication must never be CSRF-exempt: a cross-site POST without the token is
    refused even though the session cookie is valid."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(peserta)
    response = client.post("/api/v1/units/", {})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    response = client.post(reverse("logout"))
    assert response.status_code == 403
