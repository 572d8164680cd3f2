"""The OpenAPI schema and Swagger UI: signed-in users only in production (API_DOCS_PUBLIC off, the
base and production default), open to anyone when API_DOCS_PUBLIC is on (local settings; the
test settings too, so the rest of the suite can read the schema anonymously)."""

import pytest
from django.test import override_settings

from config.settings import base, local

SCHEMA = "/api/schema/?format=json"
DOCS = "/api/docs/"
SCRIPT = "/api/docs/?script="


def test_production_keeps_the_docs_private_by_default_and_local_opens_them():
    # production.py takes API_DOCS_PUBLIC from base.py (it cannot be imported here: it
    # refuses to load without production secrets).
    assert base.API_DOCS_PUBLIC is False
    assert local.API_DOCS_PUBLIC is True


@override_settings(API_DOCS_PUBLIC=False)
def test_private_schema_refuses_anonymous(db, anon_client):
    response = anon_client.get(SCHEMA)
    assert response.status_code in (401, 403)
    assert b"openapi" not in response.content


@override_settings(API_DOCS_PUBLIC=False)
@pytest.mark.parametrize("url", [DOCS, SCRIPT])
def test_private_docs_send_anonymous_visitors_to_the_login_page(db, anon_client, url):
    response = anon_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/docs/")


@override_settings(API_DOCS_PUBLIC=False)
def test_private_docs_and_schema_are_served_to_signed_in_users(peserta_client):
    assert peserta_client.get(SCHEMA).json()["openapi"].startswith("3.")
    page = peserta_client.get(DOCS)
    assert page.status_code == 200 and b"swagger-ui" in page.content
    assert peserta_client.get(SCRIPT).status_code == 200


@override_settings(API_DOCS_PUBLIC=False)
def test_private_schema_is_served_to_api_token_users(peserta, anon_client):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=peserta)
    anon_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert anon_client.get(SCHEMA).status_code == 200


@override_settings(API_DOCS_PUBLIC=True)
def test_public_docs_and_schema_are_served_to_anyone(db, anon_client):
    assert anon_client.get(SCHEMA).json()["openapi"].startswith("3.")
    page = anon_client.get(DOCS)
    assert page.status_code == 200 and b"swagger-ui" in page.content
    assert anon_client.get(SCRIPT).status_code == 200
