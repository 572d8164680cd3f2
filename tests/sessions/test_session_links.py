"""Links from the session page to quizzes and certificates (sessions.extensions).

sessions does not import quizzes or certificates; they register link providers in their
AppConfig.ready(). Each link is followed, so a link offered to someone who cannot open it fails.

Personas: pelatih (Polda Kalbar) leads and manages the finished session; peserta (Polsek Kapuas)
attended; pimpinan (Polres Sanggau) commands the invited unit; outsider (Polres Sintang) nothing.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.apps import session_certificate_links
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke
from quizzes.apps import session_quiz_links
from quizzes.models import Category
from quizzes.services import attempt_start, questions_import, quiz_create
from sessions.extensions import session_link_providers
from sessions.models import Participant
from tests.certificates.conftest import add_participant, make_finished_session
from tests.factories import ModuleFactory

pytestmark = pytest.mark.django_db

BANK = "$CATEGORY: Dasar\n\n::TF::UU ITE mengatur transaksi elektronik.{TRUE}\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def session(units, pelatih):
    return make_finished_session(units, pelatih, title="Penanganan TPPO")


@pytest.fixture
def attended(session, peserta):
    return add_participant(session, peserta, Participant.AttendanceStatus.HADIR, 120)


@pytest.fixture
def quiz(session, pelatih):
    module = ModuleFactory(code="tppo", title="TPPO")
    assert questions_import(module=module, content=BANK, fmt="gift").written
    now = timezone.now()
    return quiz_create(
        user=pelatih,
        session=session,
        title="Post-test TPPO",
        open_at=now - timedelta(minutes=5),
        close_at=now + timedelta(days=1),
        categories=Category.objects.filter(module=module),
    )


def links_on_page(client, session) -> list[str]:
    response = client.get(reverse("sessions:detail", kwargs={"pk": session.pk}))
    assert response.status_code == 200
    return [url for _label, url in response.context["extra_links"]]


def assert_all_open(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_the_higher_apps_register_their_providers():
    providers = session_link_providers()
    assert session_quiz_links in providers and session_certificate_links in providers


def test_the_trainer_in_scope_gets_certificates_quiz_results_and_statistics(
    session, quiz, attended, trainer_client
):
    urls = links_on_page(trainer_client, session)
    assert reverse("certificates:session", args=[session.pk]) in urls
    assert reverse("quizzes:detail", args=[quiz.pk]) in urls
    assert reverse("quizzes:results", args=[quiz.pk]) in urls
    assert reverse("quizzes:statistics", args=[quiz.pk]) in urls
    assert_all_open(trainer_client, urls)
    html = trainer_client.get(reverse("sessions:detail", kwargs={"pk": session.pk})).content
    assert reverse("quizzes:statistics", args=[quiz.pk]).encode() in html


def test_the_trainer_is_offered_a_first_quiz_when_there_is_none(session, trainer_client):
    urls = links_on_page(trainer_client, session)
    assert set(urls) == {
        reverse("certificates:session", args=[session.pk]),
        reverse("quizzes:new", args=[session.pk]),
    }
    assert_all_open(trainer_client, urls)


def test_a_participant_gets_the_quiz_then_their_attempt(session, quiz, attended, peserta,
                                                        peserta_client):  # fmt: skip
    assert links_on_page(peserta_client, session) == [reverse("quizzes:detail", args=[quiz.pk])]
    attempt = attempt_start(user=peserta, quiz=quiz)
    urls = links_on_page(peserta_client, session)
    assert urls == [reverse("quizzes:attempt", args=[attempt.pk])]
    assert_all_open(peserta_client, urls)


def test_a_participant_gets_their_certificate_but_not_the_session_list(
    session, attended, peserta_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(participant=attended)
    urls = links_on_page(peserta_client, session)
    assert urls == [reverse("certificates:detail", args=[certificate.pk])]
    assert reverse("certificates:session", args=[session.pk]) not in urls
    assert_all_open(peserta_client, urls)


def test_a_revoked_certificate_is_not_offered(
    session, attended, pelatih, peserta_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(participant=attended)
    certificate_revoke(certificate=certificate, by=pelatih, reason="Nama salah")
    assert Certificate.objects.get().is_revoked
    assert links_on_page(peserta_client, session) == []


def test_a_commander_in_scope_gets_results_and_statistics_only(
    session, quiz, attended, commander_client
):
    urls = links_on_page(commander_client, session)
    assert urls == [
        reverse("quizzes:results", args=[quiz.pk]),
        reverse("quizzes:statistics", args=[quiz.pk]),
    ]
    assert_all_open(commander_client, urls)


def test_an_operator_gets_no_quiz_or_certificate_links(session, quiz, attended, operator_client):
    assert links_on_page(operator_client, session) == []


def test_an_outsider_does_not_reach_the_page(session, quiz, outsider_client):
    response = outsider_client.get(reverse("sessions:detail", kwargs={"pk": session.pk}))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(session, anon_client):
    response = anon_client.get(reverse("sessions:detail", kwargs={"pk": session.pk}))
    assert response.status_code == 302
