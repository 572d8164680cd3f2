"""NUL characters in any input are a 400, never a database error (PostgreSQL refuses them)."""

import pytest

from training.models import Unit

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_json_body_lookup_is_a_400(trainer_client, units):
    response = trainer_client.post(
        "/api/v1/sessions/",
        {
            "title": "Pelatihan",
            "host_unit": "POLDA-KALBAR\x00",
            "start_at": "2026-12-01T09:00:00+07:00",
            "end_at": "2026-12-01T11:00:00+07:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_query_string_is_a_400(commander_client, units):
    response = commander_client.get("/api/v1/units/", {"within": "POLRES-SANGGAU\x00"})
    assert response.status_code == 400


def test_a_nul_in_a_path_is_a_400(commander_client, units):
    assert commander_client.get("/api/v1/units/POLRES%00SANGGAU/").status_code == 400


def test_a_nul_in_an_urlencoded_form_is_a_400_and_writes_nothing(client, peserta, password):
    before = Unit.objects.count()
    from urllib.parse import urlencode

    response = client.post(
        "/accounts/login/",
        urlencode({"username": "123\x00", "password": password}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert Unit.objects.count() == before


def test_a_nul_in_a_multipart_api_field_is_a_400(admin_client_, units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.csv", b"NRP;NAMA;PANGKAT;SATUAN\n", content_type="text/csv")
    response = admin_client_.post(
        "/api/v1/personnel/import/", {"file": upload, "dry_run": "tr\x00ue"}, format="multipart"
    )
    assert response.status_code == 400


def test_ordinary_input_still_passes(commander_client, units):
    assert commander_client.get("/api/v1/units/", {"within": "POLRES-SANGGAU"}).status_code == 200
