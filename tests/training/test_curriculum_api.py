"""`/api/v1/` for modules and materials: listing, upload, download, scoped by role."""

import pytest
from django.urls import reverse

from tests.factories import ModuleFactory, sample_file
from training.models import Material, MaterialRead
from training.services.curriculum import material_link_create, material_upload, module_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def module(pelatih):
    return module_create(
        user=pelatih, code="siber-dasar", title="Dasar Kejahatan Siber", tags=["siber"], hours=2
    )


@pytest.fixture
def pdf(module, pelatih):
    return material_upload(user=pelatih, module=module, upload=sample_file("pdf"), title="Bahan")


def url(name, **kwargs):
    return reverse(name, kwargs=kwargs)


# --- Modules ------------------------------------------------------------------------------


def test_modules_are_listed_by_role(
    peserta, peserta_client, trainer_client, commander_client, anon_client, module, invite
):
    retired = ModuleFactory(is_active=False)
    codes = [m["code"] for m in trainer_client.get(url("api-modules")).json()["results"]]
    assert set(codes) == {module.code, retired.code}
    codes = [m["code"] for m in commander_client.get(url("api-modules")).json()["results"]]
    assert codes == [module.code]
    assert peserta_client.get(url("api-modules")).json()["results"] == []
    invite(peserta, module)
    data = peserta_client.get(url("api-modules")).json()["results"]
    assert [m["code"] for m in data] == [module.code]
    assert data[0]["hours"] == 2 and data[0]["can_edit"] is False
    assert anon_client.get(url("api-modules")).status_code in (401, 403)


def test_module_detail_is_404_outside_ones_reach(peserta_client, trainer_client, module):
    assert trainer_client.get(url("api-module", code=module.code)).json()["can_edit"] is True
    assert peserta_client.get(url("api-module", code=module.code)).status_code == 404


def test_a_trainer_creates_and_updates_a_module(trainer_client, pelatih):
    response = trainer_client.post(
        url("api-modules"),
        {
            "code": "forensik-digital",
            "title": "Forensik Digital",
            "objectives": ["Mengamankan bukti"],
            "tags": ["Forensik"],
            "hours": 3,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["owner"]["id"] == pelatih.pk
    assert response.json()["tags"] == ["forensik"]
    response = trainer_client.patch(
        url("api-module", code="forensik-digital"), {"hours": 4}, format="json"
    )
    assert response.status_code == 200 and response.json()["hours"] == 4


def test_module_create_refusals(trainer_client, peserta_client, commander_client, module):
    bad = trainer_client.post(url("api-modules"), {"code": "new", "title": "X"}, format="json")
    assert bad.status_code == 400 and "reserved" in bad.json()["detail"]
    dup = trainer_client.post(
        url("api-modules"), {"code": module.code, "title": "X"}, format="json"
    )
    assert dup.status_code == 400 and "already exists" in dup.json()["detail"]
    for client in (peserta_client, commander_client):
        response = client.post(url("api-modules"), {"code": "x", "title": "X"}, format="json")
        assert response.status_code == 403
    assert (
        commander_client.patch(
            url("api-module", code=module.code), {"hours": 9}, format="json"
        ).status_code
        == 403
    )
    module.refresh_from_db()
    assert module.hours == 2


# --- Materials ----------------------------------------------------------------------------


def test_a_trainer_uploads_with_multipart(trainer_client, module):
    response = trainer_client.post(
        url("api-material-upload", code=module.code),
        {"file": sample_file("docx", "Modul.docx"), "title": "Modul"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["kind"] == "file" and data["current_version"]["file_type"] == "docx"
    assert data["current_version"]["original_name"] == "Modul.docx"
    assert data["current_version"]["download_url"].endswith(
        f"/api/v1/materials/{data['id']}/download/?version=1"
    )


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("setup.pdf", b"MZ" + b"\x00" * 64, "Windows program"),
        ("page.pdf", b"<!doctype html><script>x()</script>", "HTML"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "SVG"),
        ("slides.pptx", None, "content is a PDF"),
    ],
)
def test_bad_uploads_are_400_with_the_reason(trainer_client, module, name, content, reason):
    upload = sample_file("pdf", name, content=content)
    response = trainer_client.post(
        url("api-material-upload", code=module.code), {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert not Material.objects.exists()


def test_an_oversized_upload_is_400(trainer_client, module, settings):
    settings.MATERIAL_MAX_UPLOAD_BYTES = 100
    response = trainer_client.post(
        url("api-material-upload", code=module.code),
        {"file": sample_file("pdf")},
        format="multipart",
    )
    assert response.status_code == 400 and "limit" in response.json()["detail"]


def test_an_upload_without_a_file_is_400(trainer_client, module):
    response = trainer_client.post(
        url("api-material-upload", code=module.code), {"title": "X"}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()


def test_only_editors_upload(commander_client, peserta_client, module):
    target = url("api-material-upload", code=module.code)
    assert (
        commander_client.post(target, {"file": sample_file("pdf")}, format="multipart").status_code
        == 403
    )
    assert (
        peserta_client.post(target, {"file": sample_file("pdf")}, format="multipart").status_code
        == 404
    )


def test_materials_list_with_my_reads(peserta, peserta_client, pdf, invite):
    invite(peserta, pdf.module)
    listing = url("api-module-materials", code=pdf.module.code)
    data = peserta_client.get(listing).json()
    assert [m["title"] for m in data] == ["Bahan"] and data[0]["my_read"] is None
    peserta_client.get(url("api-material-download", pk=pdf.pk))
    data = peserta_client.get(listing).json()
    assert data[0]["my_read"]["open_count"] == 1


def test_download_streams_the_file_and_records_the_read(peserta, peserta_client, pdf, invite):
    invite(peserta, pdf.module)
    response = peserta_client.get(
        url("api-material-download", pk=pdf.pk), HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert MaterialRead.objects.filter(person=peserta, material=pdf).exists()


def test_download_refusals(peserta_client, anon_client, trainer_client, pdf, module, pelatih):
    target = url("api-material-download", pk=pdf.pk)
    assert peserta_client.get(target).status_code == 404  # not invited
    assert anon_client.get(target).status_code in (401, 403)
    assert trainer_client.get(target + "?version=9").status_code == 404
    assert trainer_client.get(target + "?version=x").status_code == 400
    link = material_link_create(user=pelatih, module=module, title="L", url="https://a.example")
    response = trainer_client.get(url("api-material-download", pk=link.pk))
    assert response.status_code == 400 and "link" in response.json()["detail"]
    assert not MaterialRead.objects.exclude(person=pelatih).exists()


def test_replace_and_versions(trainer_client, peserta, peserta_client, pdf, invite):
    response = trainer_client.post(
        url("api-material-replace", pk=pdf.pk),
        {"file": sample_file("png", "bagan.png")},
        format="multipart",
    )
    assert response.status_code == 201 and response.json()["number"] == 2
    numbers = [
        v["number"] for v in trainer_client.get(url("api-material-versions", pk=pdf.pk)).json()
    ]
    assert numbers == [2, 1]
    old = trainer_client.get(url("api-material-download", pk=pdf.pk) + "?version=1")
    assert b"".join(old.streaming_content).startswith(b"%PDF-")
    invite(peserta, pdf.module)
    numbers = [
        v["number"] for v in peserta_client.get(url("api-material-versions", pk=pdf.pk)).json()
    ]
    assert numbers == [2]
    assert (
        peserta_client.get(url("api-material-download", pk=pdf.pk) + "?version=1").status_code
        == 404
    )
    bad = trainer_client.post(
        url("api-material-replace", pk=pdf.pk),
        {"file": sample_file("png", "x.png", content=b"\x7fELF" + b"\x00" * 32)},
        format="multipart",
    )
    assert bad.status_code == 400 and "Linux program" in bad.json()["detail"]


def test_links_order_and_open(trainer_client, peserta, peserta_client, pdf, invite):
    response = trainer_client.post(
        url("api-material-link", code=pdf.module.code),
        {"title": "Rekaman", "url": "https://youtu.be/x", "link_type": "video"},
        format="json",
    )
    assert response.status_code == 201
    link_id = response.json()["id"]
    bad = trainer_client.post(
        url("api-material-link", code=pdf.module.code),
        {"title": "X", "url": "javascript:alert(1)"},
        format="json",
    )
    assert bad.status_code == 400
    response = trainer_client.put(
        url("api-material-order", code=pdf.module.code), {"order": [link_id, pdf.pk]}, format="json"
    )
    assert [m["id"] for m in response.json()] == [link_id, pdf.pk]
    bad = trainer_client.put(
        url("api-material-order", code=pdf.module.code), {"order": [link_id]}, format="json"
    )
    assert bad.status_code == 400 and "exactly once" in bad.json()["detail"]
    invite(peserta, pdf.module)
    opened = peserta_client.post(url("api-material-open", pk=link_id))
    assert opened.status_code == 200 and opened.json()["open_count"] == 1


def test_material_patch_is_for_editors(trainer_client, commander_client, pdf):
    target = url("api-material", pk=pdf.pk)
    assert commander_client.get(target).status_code == 200
    assert commander_client.patch(target, {"title": "X"}, format="json").status_code == 403
    response = trainer_client.patch(target, {"title": "Bahan Baru"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Bahan Baru"


def test_the_schema_documents_the_curriculum_endpoints(trainer_client):
    schema = trainer_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/modules/",
        "/api/v1/modules/{code}/materials/",
        "/api/v1/modules/{code}/materials/upload/",
        "/api/v1/materials/{id}/download/",
    ):
        assert path in paths
    upload = paths["/api/v1/modules/{code}/materials/upload/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
