"""Curriculum HTML pages: browsing, opening and downloading (authorization), trainer pages."""

import pytest
from django.urls import reverse

from tests.factories import ModuleFactory, sample_file
from training.models import Material, MaterialRead, Module
from training.services.curriculum import (
    material_link_create,
    material_replace,
    material_upload,
    module_create,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def module(pelatih):
    return module_create(user=pelatih, code="siber-dasar", title="Dasar Kejahatan Siber", hours=2)


@pytest.fixture
def pdf(module, pelatih):
    return material_upload(
        user=pelatih, module=module, upload=sample_file("pdf", "Bahan Siber.pdf"), title="Bahan"
    )


def open_url(material, **query):
    url = reverse("curriculum:material-open", kwargs={"pk": material.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Download authorization ---------------------------------------------------------------


def test_an_invited_participant_opens_the_file_and_the_read_is_recorded(
    peserta, peserta_client, pdf, invite
):
    invite(peserta, pdf.module)
    response = peserta_client.get(open_url(pdf))
    assert response.status_code == 200
    assert body(response).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert 'filename="Bahan Siber.pdf"' in response["Content-Disposition"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    read = MaterialRead.objects.get(person=peserta, material=pdf)
    assert read.open_count == 1


def test_download_param_asks_for_an_attachment(peserta, peserta_client, pdf, invite):
    invite(peserta, pdf.module)
    response = peserta_client.get(open_url(pdf, download=1))
    assert response["Content-Disposition"].startswith("attachment")


def test_a_participant_not_invited_gets_404_and_no_read(peserta_client, operator_client, pdf):
    for client in (peserta_client, operator_client):
        assert client.get(open_url(pdf)).status_code == 404
        url = reverse("curriculum:material-detail", kwargs={"pk": pdf.pk})
        assert client.get(url).status_code == 404
    assert not MaterialRead.objects.exists()


def test_trainers_and_commanders_open_everything(trainer_client, commander_client, pdf):
    for client in (trainer_client, commander_client):
        response = client.get(open_url(pdf))
        assert response.status_code == 200
        assert body(response).startswith(b"%PDF-")
    assert MaterialRead.objects.filter(material=pdf).count() == 2


def test_anonymous_visitors_are_sent_to_login(anon_client, pdf):
    response = anon_client.get(open_url(pdf))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert anon_client.get(reverse("curriculum:module-list")).status_code == 302


def test_files_are_not_reachable_from_a_media_url(trainer_client, pdf, settings):
    name = pdf.current_version.file.name
    assert trainer_client.get(f"{settings.MEDIA_URL}{name}").status_code == 404
    assert trainer_client.get(f"/media/{name}").status_code == 404


def test_a_range_request_streams_part_of_a_video(peserta, peserta_client, module, pelatih, invite):
    video = material_upload(user=pelatih, module=module, upload=sample_file("mp4"))
    invite(peserta, module)
    response = peserta_client.get(open_url(video), HTTP_RANGE="bytes=4-11")
    assert response.status_code == 206
    assert body(response) == b"ftypisom"
    assert response["Content-Range"] == f"bytes 4-11/{video.current_version.size}"
    # Seeking is not a new opening; only a request from the start counts.
    assert not MaterialRead.objects.exists()
    peserta_client.get(open_url(video), HTTP_RANGE="bytes=0-")
    assert MaterialRead.objects.get().open_count == 1
    bad = peserta_client.get(open_url(video), HTTP_RANGE="bytes=999999-")
    assert bad.status_code == 416


def test_a_link_redirects_and_records_the_read(peserta, peserta_client, module, pelatih, invite):
    link = material_link_create(
        user=pelatih, module=module, title="Video", url="https://youtu.be/abc", link_type="video"
    )
    invite(peserta, module)
    response = peserta_client.get(open_url(link))
    assert response.status_code == 302 and response["Location"] == "https://youtu.be/abc"
    assert MaterialRead.objects.filter(person=peserta, material=link).exists()


def test_earlier_versions_are_for_trainers_only(
    peserta, peserta_client, trainer_client, pdf, pelatih, invite
):
    material_replace(user=pelatih, material=pdf, upload=sample_file("docx", "Bahan v2.docx"))
    invite(peserta, pdf.module)
    first = reverse("curriculum:material-version", kwargs={"pk": pdf.pk, "number": 1})
    second = reverse("curriculum:material-version", kwargs={"pk": pdf.pk, "number": 2})
    response = trainer_client.get(first)
    assert response.status_code == 200 and body(response).startswith(b"%PDF-")
    assert peserta_client.get(first).status_code == 404
    response = peserta_client.get(second)
    assert response.status_code == 200
    # Office files are always downloaded, never shown inline.
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="Bahan v2.docx"' in response["Content-Disposition"]


def test_a_file_missing_from_storage_is_a_404(trainer_client, pdf):
    from django.core.files.storage import default_storage

    default_storage.delete(pdf.current_version.file.name)
    assert trainer_client.get(open_url(pdf)).status_code == 404


# --- Browsing -----------------------------------------------------------------------------


def test_the_module_list_shows_what_each_person_may_read(
    peserta, peserta_client, commander_client, module, invite
):
    other = ModuleFactory(title="Modul Lain")
    response = commander_client.get(reverse("curriculum:module-list"))
    assert response.status_code == 200
    assert "Dasar Kejahatan Siber" in response.text and "Modul Lain" in response.text
    response = peserta_client.get(reverse("curriculum:module-list"))
    assert "Dasar Kejahatan Siber" not in response.text
    invite(peserta, other)
    response = peserta_client.get(reverse("curriculum:module-list") + "?q=lain")
    assert "Modul Lain" in response.text and "Dasar Kejahatan Siber" not in response.text


def test_the_module_page_lists_materials_and_marks_what_i_opened(
    peserta, peserta_client, pdf, invite
):
    invite(peserta, pdf.module)
    url = reverse("curriculum:module-detail", kwargs={"code": pdf.module.code})
    response = peserta_client.get(url)
    assert response.status_code == 200
    assert "Bahan" in response.text and "✓" not in response.text
    assert "Upload a file" not in response.text and "Unggah" not in response.text
    peserta_client.get(open_url(pdf))
    response = peserta_client.get(url)
    assert "✓" in response.text


def test_the_module_page_is_404_for_someone_not_invited(peserta_client, module):
    url = reverse("curriculum:module-detail", kwargs={"code": module.code})
    assert peserta_client.get(url).status_code == 404


def test_the_module_page_shows_the_sessions_reported_by_a_usage_provider(trainer_client, module):
    from training.access import register_module_usage_provider, unregister_module_usage_provider

    class Usage:
        def __str__(self):
            return "Polri Belajar Polda Kalbar 2022"

        def get_absolute_url(self):
            return "/sessions/7/"

    def provider(*, module, user):
        return [Usage()]

    register_module_usage_provider(provider)
    try:
        url = reverse("curriculum:module-detail", kwargs={"code": module.code})
        response = trainer_client.get(url)
    finally:
        unregister_module_usage_provider(provider)
    assert "Polri Belajar Polda Kalbar 2022" in response.text and "/sessions/7/" in response.text


def test_the_material_page_plays_videos_inline(trainer_client, module, pelatih):
    video = material_upload(user=pelatih, module=module, upload=sample_file("mp4"))
    response = trainer_client.get(reverse("curriculum:material-detail", kwargs={"pk": video.pk}))
    assert response.status_code == 200
    assert "<video" in response.text


# --- Trainer pages ------------------------------------------------------------------------


def test_a_trainer_creates_a_module_from_the_form(trainer_client, pelatih):
    response = trainer_client.post(
        reverse("curriculum:module-create"),
        {
            "code": "forensik-digital",
            "title": "Forensik Digital",
            "summary": "Dasar-dasar",
            "objectives": "Mengamankan bukti\nMembuat salinan forensik",
            "tags": "forensik, bukti",
            "hours": 3,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    module = Module.objects.get(code="forensik-digital")
    assert module.owner == pelatih and module.hours == 3
    assert module.objectives == ["Mengamankan bukti", "Membuat salinan forensik"]


def test_the_module_form_shows_refusals(trainer_client, module):
    response = trainer_client.post(
        reverse("curriculum:module-create"), {"code": module.code, "title": "Dua", "hours": 1}
    )
    assert response.status_code == 400
    assert "already exists" in response.text or "sudah ada" in response.text


@pytest.mark.parametrize("client_name", ["peserta_client", "commander_client", "operator_client"])
def test_non_trainers_cannot_create_modules(request, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(reverse("curriculum:module-create")).status_code == 403
    response = client.post(reverse("curriculum:module-create"), {"code": "x", "title": "X"})
    assert response.status_code == 403
    assert not Module.objects.filter(code="x").exists()


def test_editing_a_module(trainer_client, module, outsider_client):
    url = reverse("curriculum:module-update", kwargs={"code": module.code})
    assert trainer_client.get(url).status_code == 200
    response = trainer_client.post(
        url, {"title": "Judul Baru", "hours": 4, "tags": "a, b", "is_active": "on"}
    )
    assert response.status_code == 302
    module.refresh_from_db()
    assert (module.title, module.hours, module.tags) == ("Judul Baru", 4, ["a", "b"])
    # A commander reads the module but may not edit it.
    assert outsider_client.get(url).status_code == 403
    assert outsider_client.post(url, {"title": "X", "hours": 1}).status_code == 403
    # An unticked box retires the module: commanders no longer see it at all.
    trainer_client.post(url, {"title": "Judul Baru", "hours": 4})
    module.refresh_from_db()
    assert module.title == "Judul Baru" and not module.is_active
    assert outsider_client.get(url).status_code == 404


def test_upload_through_the_page_with_progress_returns_json(trainer_client, module):
    url = reverse("curriculum:material-upload", kwargs={"code": module.code})
    response = trainer_client.post(
        url,
        {"title": "Slide", "file": sample_file("pptx", "slide.pptx")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    assert response.json()["redirect"].endswith(f"/modules/{module.code}/")
    assert module.materials.get().current_version.file_type == "pptx"


def test_a_refused_upload_on_the_page_says_why(trainer_client, module):
    url = reverse("curriculum:material-upload", kwargs={"code": module.code})
    evil = sample_file("pdf", "materi.pdf", content=b"<html><script>alert(1)</script></html>")
    response = trainer_client.post(url, {"file": evil}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 400
    assert any("HTML" in error for error in response.json()["errors"])
    evil.seek(0)
    response = trainer_client.post(url, {"file": evil})  # without JavaScript
    assert response.status_code == 400 and "HTML" in response.text
    assert not Material.objects.exists()


def test_the_upload_form_carries_the_progress_bar(trainer_client, module):
    response = trainer_client.get(reverse("curriculum:module-detail", kwargs={"code": module.code}))
    assert "data-upload" in response.text and "<progress" in response.text
    assert "js/upload.js" in response.text


def test_only_editors_upload_through_the_page(commander_client, peserta_client, module):
    url = reverse("curriculum:material-upload", kwargs={"code": module.code})
    assert commander_client.post(url, {"file": sample_file("pdf")}).status_code == 403
    assert peserta_client.post(url, {"file": sample_file("pdf")}).status_code == 404
    assert not Material.objects.exists()


def test_moving_replacing_editing_and_archiving_from_the_pages(trainer_client, module, pelatih):
    a = material_upload(user=pelatih, module=module, upload=sample_file("pdf"), title="A")
    b = material_upload(user=pelatih, module=module, upload=sample_file("png"), title="B")
    trainer_client.post(
        reverse("curriculum:material-move", kwargs={"pk": b.pk}), {"direction": "up"}
    )
    assert [m.title for m in module.materials.order_by("position")] == ["B", "A"]

    response = trainer_client.post(
        reverse("curriculum:material-replace", kwargs={"pk": a.pk}),
        {"file": sample_file("xlsx", "data.xlsx")},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.current_version.number == 2 and a.current_version.file_type == "xlsx"

    page = trainer_client.get(reverse("curriculum:material-detail", kwargs={"pk": a.pk}))
    assert "materi.pdf" in page.text and "data.xlsx" in page.text  # both versions listed

    trainer_client.post(
        reverse("curriculum:material-update", kwargs={"pk": a.pk}),
        {"title": "A baru", "description": "Catatan"},
    )
    trainer_client.post(
        reverse("curriculum:material-set-active", kwargs={"pk": a.pk}), {"is_active": "0"}
    )
    a.refresh_from_db()
    assert (a.title, a.description, a.is_active) == ("A baru", "Catatan", False)


def test_adding_a_link_from_the_page(trainer_client, module):
    url = reverse("curriculum:material-link", kwargs={"code": module.code})
    response = trainer_client.post(
        url, {"title": "Rekaman", "url": "javascript:alert(1)", "link_type": "video"}
    )
    assert response.status_code == 400
    response = trainer_client.post(
        url, {"title": "Rekaman", "url": "https://youtu.be/x", "link_type": "video"}
    )
    assert response.status_code == 302
    assert module.materials.get().url == "https://youtu.be/x"


def test_a_commander_cannot_reorder_or_archive(commander_client, pdf):
    move = reverse("curriculum:material-move", kwargs={"pk": pdf.pk})
    archive = reverse("curriculum:material-set-active", kwargs={"pk": pdf.pk})
    assert commander_client.post(move, {"direction": "down"}).status_code == 403
    assert commander_client.post(archive, {"is_active": "0"}).status_code == 403
    pdf.refresh_from_db()
    assert pdf.is_active
