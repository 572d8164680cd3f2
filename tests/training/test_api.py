"""/api/v1/ for the organisation: me, units, personnel; authentication; schema and docs."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PersonnelFactory
from training.models import Role

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
UNITS = "/api/v1/units/"
PERSONNEL = "/api/v1/personnel/"


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def _nrps(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["nrp"] for row in response.json()["results"]}


# --- /me/ ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client_name", "persona", "role", "unit"),
    [
        ("peserta_client", "peserta", Role.PESERTA, "POLSEK-KAPUAS-SANGGAU"),
        ("operator_client", "operator", Role.OPERATOR, "POLRES-SANGGAU"),
        ("trainer_client", "pelatih", Role.PELATIH, "POLDA-KALBAR"),
        ("commander_client", "pimpinan", Role.PIMPINAN, "POLRES-SANGGAU"),
        ("admin_client_", "admin_user", Role.ADMIN, "MABES"),
    ],
)
def test_me_describes_the_caller(request, client_name, persona, role, unit):
    client, user = request.getfixturevalue(client_name), request.getfixturevalue(persona)
    response = client.get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["nrp"] == user.nrp and body["name"] == user.name
    assert body["roles"] == [role]
    assert body["unit"]["code"] == unit
    assert body["rank"]["abbreviation"] == user.rank.abbreviation
    assert "password" not in body


@pytest.mark.parametrize("url", [ME, UNITS, PERSONNEL, UNITS + "POLRES-SANGGAU/", "/api/v1/ranks/"])
def test_anonymous_callers_are_refused(anon_client, units, url):
    response = anon_client.get(url)
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_me_is_read_only(commander_client):
    assert commander_client.post(ME, {"name": "Someone Else"}).status_code == 405


# --- units ---------------------------------------------------------------------------------


def test_units_are_scoped_to_the_commanders_subtree(commander_client):
    codes = _codes(commander_client.get(UNITS))
    assert "POLRES-SANGGAU" in codes and "POLSEK-KAPUAS-SANGGAU" in codes
    assert "POLRES-SINTANG" not in codes and "POLDA-KALBAR" not in codes


def test_a_peserta_lists_only_their_own_unit(peserta_client):
    assert _codes(peserta_client.get(UNITS)) == {"POLSEK-KAPUAS-SANGGAU"}


def test_an_admin_lists_every_unit_page_by_page(admin_client_, units):
    body = admin_client_.get(UNITS).json()
    assert body["count"] == len(units)
    assert len(body["results"]) == 50 and body["next"]


def test_units_within_a_subtree_and_of_a_kind(admin_client_):
    assert _codes(admin_client_.get(UNITS, {"within": "POLRES-SANGGAU", "kind": "POLSEK"})) == {
        "POLSEK-KAPUAS-SANGGAU",
        "POLSEK-MELIAU-SANGGAU",
        "POLSEK-ENTIKONG-SANGGAU",
        "POLSEK-SEKAYAM-SANGGAU",
        "POLSEK-BATANG-TARANG-SANGGAU",
    }
    kalbar_polres = _codes(admin_client_.get(UNITS, {"within": "POLDA-KALBAR", "kind": "POLRES"}))
    assert len(kalbar_polres) == 14 and "POLRES-SINTANG" in kalbar_polres


def test_within_does_not_widen_the_scope(commander_client):
    # Asking for all of Kalbar still yields only what the Sanggau commander may see.
    codes = _codes(commander_client.get(UNITS, {"within": "POLDA-KALBAR"}))
    assert "POLRES-SINTANG" not in codes and "POLRES-SANGGAU" in codes
    # A unit outside the scope reads exactly like one that does not exist.
    outside = commander_client.get(UNITS, {"within": "POLRES-SINTANG"})
    unknown = commander_client.get(UNITS, {"within": "POLRES-ATLANTIS"})
    assert outside.status_code == unknown.status_code == 400
    assert outside.json() == {"within": ["Tidak ada satuan dengan kode POLRES-SINTANG."]}


def test_unit_filters_refuse_bad_values_with_a_message(admin_client_):
    response = admin_client_.get(UNITS, {"within": "POLRES-ATLANTIS"})
    assert response.status_code == 400
    assert "POLRES-ATLANTIS" in json.dumps(response.json())
    assert admin_client_.get(UNITS, {"kind": "KODAM"}).status_code == 400


def test_unit_detail_by_code_inside_and_outside_scope(commander_client):
    response = commander_client.get(UNITS + "POLSEK-KAPUAS-SANGGAU/")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["parent"], body["tz_abbreviation"]) == (
        "Polsek Kapuas",
        "POLRES-SANGGAU",
        "WIB",
    )
    # Outside the subtree it does not exist for this caller: 404, not 403.
    assert commander_client.get(UNITS + "POLRES-SINTANG/").status_code == 404
    assert commander_client.get(UNITS + "NO-SUCH-UNIT/").status_code == 404


# --- personnel -----------------------------------------------------------------------------


def test_personnel_are_scoped(commander_client, peserta, operator, pimpinan, outsider, pelatih):
    nrps = _nrps(commander_client.get(PERSONNEL))
    assert nrps == {peserta.nrp, operator.nrp, pimpinan.nrp}
    assert outsider.nrp not in nrps and pelatih.nrp not in nrps


def test_a_peserta_lists_only_themselves(peserta_client, peserta, operator):
    assert _nrps(peserta_client.get(PERSONNEL)) == {peserta.nrp}
    assert peserta_client.get(f"{PERSONNEL}{operator.pk}/").status_code == 404


def test_personnel_filter_by_unit_covers_the_subtree(trainer_client, peserta, operator, outsider):
    # Polres Sanggau's subtree includes the Polsek Kapuas Peserta.
    assert _nrps(trainer_client.get(PERSONNEL, {"unit": "POLRES-SANGGAU"})) == {
        peserta.nrp,
        operator.nrp,
    }
    assert _nrps(trainer_client.get(PERSONNEL, {"unit": "POLSEK-KAPUAS-SANGGAU"})) == {peserta.nrp}
    assert _nrps(trainer_client.get(PERSONNEL, {"unit": "POLRES-SINTANG"})) == {outsider.nrp}


def test_personnel_filter_by_unit_stays_inside_scope(commander_client, outsider):
    # Out of scope reads as "does not exist", in the same words.
    outside = commander_client.get(PERSONNEL, {"unit": "POLRES-SINTANG"})
    assert outside.status_code == 400
    assert outside.json() == {"unit": ["Tidak ada satuan dengan kode POLRES-SINTANG."]}
    assert commander_client.get(PERSONNEL, {"unit": "NOPE"}).status_code == 400


def test_personnel_filter_by_rank_code_or_abbreviation(commander_client, peserta, operator):
    assert _nrps(commander_client.get(PERSONNEL, {"rank": "BRIPKA"})) == {peserta.nrp}
    assert _nrps(commander_client.get(PERSONNEL, {"rank": "briptu"})) == {operator.nrp}
    assert _nrps(commander_client.get(PERSONNEL, {"rank": "Jenderal Polisi"})) == set()


def test_personnel_detail_outside_scope_is_404(commander_client, outsider, peserta):
    assert commander_client.get(f"{PERSONNEL}{peserta.pk}/").json()["nrp"] == peserta.nrp
    assert commander_client.get(f"{PERSONNEL}{outsider.pk}/").status_code == 404


def test_personnel_are_read_only(admin_client_, peserta):
    assert admin_client_.delete(f"{PERSONNEL}{peserta.pk}/").status_code == 405
    assert admin_client_.post(PERSONNEL, {"nrp": "12345678"}).status_code == 405


# --- token authentication ------------------------------------------------------------------


def test_token_authentication(pimpinan, peserta):
    token = Token.objects.create(user=pimpinan)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(ME).json()["nrp"] == pimpinan.nrp
    assert peserta.nrp in _nrps(client.get(PERSONNEL))


def test_a_wrong_or_deactivated_token_is_refused(pimpinan):
    token = Token.objects.create(user=pimpinan)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get(ME).status_code in (401, 403)
    pimpinan.is_active = False
    pimpinan.save(update_fields=["is_active"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(ME).status_code in (401, 403)


def test_session_writes_need_csrf(pimpinan):
    # Session authentication is never CSRF-exempt.
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(pimpinan)
    assert client.get(ME).status_code == 200
    assert client.post(ME, {}).status_code == 403


# --- schema and docs -----------------------------------------------------------------------


def test_schema_lists_the_organisation_endpoints(anon_client):
    response = anon_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (ME, UNITS, UNITS + "{code}/", PERSONNEL, PERSONNEL + "{id}/", "/api/v1/ranks/"):
        assert path in paths, path
    parameters = {p["name"] for p in paths[PERSONNEL]["get"]["parameters"]}
    assert {"unit", "rank"} <= parameters
    assert {"within", "kind"} <= {p["name"] for p in paths[UNITS]["get"]["parameters"]}
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_docs_render_with_local_files_only(anon_client):
    response = anon_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references
    for ref in references:
        # Served offline: no CDN, no other host, not even protocol-relative URLs.
        assert ref.startswith("/") and not ref.startswith("//"), ref
        if ref.startswith("/static/"):
            assert finders.find(ref.removeprefix("/static/").split("?")[0]), ref
    assert not re.search(r"https?://|cdn", html, re.IGNORECASE)


def test_docs_script_points_at_the_local_schema(anon_client):
    html = anon_client.get("/api/docs/").content.decode()
    # The split view serves its settings as a script file (no inline script for the CSP).
    script = re.search(r'<script src="(/api/docs/\?script=[^"]*)"', html)
    assert script, html
    body = anon_client.get(script.group(1)).content.decode()
    assert "/api/schema/" in body
    assert not re.search(r"https?://", body)


def test_an_inactive_session_user_is_refused(units):
    user = PersonnelFactory(unit=units["POLRES-SANGGAU"], roles=[Role.PIMPINAN])
    client = APIClient()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(UNITS).status_code in (401, 403)
