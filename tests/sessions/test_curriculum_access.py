"""Curriculum access through sessions: invitees read the materials of their sessions' modules.

The sessions app registers its providers with training.access in AppConfig.ready(); these tests
go through training's real pages and API, so they fail if the registration is missing.

Personas (tests/sessions/conftest.py): peserta is invited to the Polda Kalbar session (Polsek
Kapuas, in Sanggau); a Peserta of Polres Sintang is not.
"""

import pytest
from django.urls import reverse

from sessions.selectors import module_ids_for_participant, sessions_using_module
from tests.factories import PersonnelFactory, sample_file
from training import access
from training.models import MaterialRead, Role
from training.services.curriculum import material_upload, module_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(pelatih):
    return module_create(user=pelatih, code="siber-dasar", title="Dasar Kejahatan Siber", hours=2)


@pytest.fixture
def other_module(pelatih):
    return module_create(user=pelatih, code="forensik", title="Forensik Digital", hours=2)


@pytest.fixture
def pdf(module, pelatih):
    return material_upload(
        user=pelatih, module=module, upload=sample_file("pdf", "Bahan Siber.pdf"), title="Bahan"
    )


@pytest.fixture
def other_pdf(other_module, pelatih):
    return material_upload(
        user=pelatih, module=other_module, upload=sample_file("pdf", "Forensik.pdf")
    )


@pytest.fixture
def session(session_factory, peserta, module):
    return session_factory(title="Sesi Siber Sanggau", modules=[module])


@pytest.fixture
def sintang_peserta(units, ranks):
    return PersonnelFactory(
        unit=units["POLRES-SINTANG"], rank=ranks["BRIPKA"], roles=[Role.PESERTA]
    )


@pytest.fixture
def sintang_client(sintang_peserta, client):
    client.force_login(sintang_peserta)
    return client


def open_url(material):
    return reverse("curriculum:material-open", kwargs={"pk": material.pk})


def download_url(material):
    return reverse("api-material-download", kwargs={"pk": material.pk})


def test_the_providers_are_registered_by_the_app():
    assert module_ids_for_participant in access.module_access_providers()
    assert sessions_using_module in access._usage_providers


def test_an_invited_peserta_opens_a_material_of_their_sessions_module(
    session, pdf, peserta, peserta_client
):
    response = peserta_client.get(open_url(pdf))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert MaterialRead.objects.filter(person=peserta, material=pdf).count() == 1


def test_an_invited_peserta_downloads_through_the_api(session, pdf, peserta_client):
    response = peserta_client.get(download_url(pdf))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_invited_peserta_sees_the_module_page(session, pdf, peserta_client):
    url = reverse("curriculum:module-detail", kwargs={"code": pdf.module.code})
    response = peserta_client.get(url)
    assert response.status_code == 200
    assert "Bahan" in response.content.decode()


def test_an_invitation_grants_only_the_session_modules(session, other_pdf, peserta_client):
    # The other module is not in the session: being invited somewhere is not enough.
    assert peserta_client.get(open_url(other_pdf)).status_code in (403, 404)
    assert peserta_client.get(download_url(other_pdf)).status_code in (403, 404)


def test_a_peserta_not_invited_is_refused(session, pdf, sintang_client):
    assert sintang_client.get(open_url(pdf)).status_code in (403, 404)
    assert sintang_client.get(download_url(pdf)).status_code in (403, 404)
    module_url = reverse("curriculum:module-detail", kwargs={"code": pdf.module.code})
    assert sintang_client.get(module_url).status_code in (403, 404)
    assert not MaterialRead.objects.filter(material=pdf).exists()


def test_anonymous_is_sent_to_login(session, pdf, anon_client):
    response = anon_client.get(open_url(pdf))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert anon_client.get(download_url(pdf)).status_code in (401, 403)


def test_the_provider_is_a_subquery_not_a_list(session, module, peserta, django_assert_num_queries):
    # Building the condition must not query: training embeds it in its own query.
    with django_assert_num_queries(0):
        ids = module_ids_for_participant(peserta)
    assert list(ids) == [{"module_id": module.pk}]


def test_the_module_page_lists_the_sessions_that_used_it(session, module, pdf, trainer_client):
    url = reverse("curriculum:module-detail", kwargs={"code": module.code})
    response = trainer_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sesi Siber Sanggau" in html
    assert reverse("sessions:detail", kwargs={"pk": session.pk}) in html


def test_the_module_page_lists_only_sessions_the_viewer_may_see(
    session_factory, module, pdf, peserta, peserta_client, units
):
    seen = session_factory(title="Sesi Sanggau", modules=[module])
    hidden = session_factory(title="Sesi Sintang", modules=[module], invite=("POLRES-SINTANG",))
    url = reverse("curriculum:module-detail", kwargs={"code": module.code})
    html = peserta_client.get(url).content.decode()
    assert reverse("sessions:detail", kwargs={"pk": seen.pk}) in html
    assert "Sesi Sintang" not in html
    assert reverse("sessions:detail", kwargs={"pk": hidden.pk}) not in html


def test_usage_provider_is_scoped_by_the_user(session_factory, module, peserta, outsider):
    session = session_factory(modules=[module])
    assert list(sessions_using_module(module=module, user=peserta)) == [session]
    # The Sintang commander sees neither the session nor anything through it.
    assert list(sessions_using_module(module=module, user=outsider)) == []
