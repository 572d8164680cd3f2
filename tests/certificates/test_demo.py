"""The demo tells a new user's story: the Peserta attended a finished session, passed its
post-test and holds a ready certificate whose PDF exists; others hold certificates too; there
is a session to check in to now and one to come; and seeding again changes nothing."""

from collections import Counter

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.services.demo import certificates_demo_seed
from quizzes.models import Attempt, Quiz
from sessions.demo import SERIES
from sessions.models import Participant, TrainingSession
from tests.demo_story import demo_story, demo_story_db  # noqa: F401 - fixtures
from training.models import Personnel
from training.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_seed

PESERTA = DEMO_ACCOUNTS["Peserta"].nrp
Status = Participant.AttendanceStatus

pytestmark = pytest.mark.usefixtures("demo_story")


def _peserta_certificates():
    return Certificate.objects.filter(participant__personnel__nrp=PESERTA).select_related(
        "participant__session"
    )


def test_the_demo_peserta_holds_a_ready_certificate_whose_pdf_exists():
    ready = [c for c in _peserta_certificates() if c.status == Certificate.Status.READY]
    assert ready, "the demo Peserta's certificates are rendered while seeding"
    for certificate in ready:
        assert certificate.file.name and default_storage.exists(certificate.file.name)
        with default_storage.open(certificate.file.name, "rb") as handle:
            assert handle.read(5) == b"%PDF-"
        session = certificate.participant.session
        assert session.status == TrainingSession.Status.FINISHED
        assert session.end_at < timezone.now()
        assert certificate.recipient_nrp == PESERTA


def test_the_demo_peserta_attended_and_passed_a_finished_session_through_the_services():
    quiz = Quiz.objects.get(session__title__in=[s.title for s in SERIES])
    participant = Participant.objects.get(session=quiz.session, personnel__nrp=PESERTA)
    # Checked in on time themselves (the service records the source and the moment).
    assert participant.attendance_status == Status.HADIR
    assert participant.attendance_source == Participant.Source.SELF
    assert participant.checked_in_at is not None
    # A submitted attempt, graded by the service, whose result reached the participant.
    attempt = Attempt.objects.get(quiz=quiz, participant=participant)
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.graded_at is not None
    assert attempt.score >= quiz.pass_mark
    assert attempt.answers.count() == len(attempt.question_ids) > 0
    assert attempt.answers.filter(fraction__isnull=True).count() == 0
    assert participant.quiz_passed is True and participant.quiz_score == attempt.score
    assert participant.completed_at is not None
    certificate = participant.certificates.get()
    assert certificate.status == Certificate.Status.READY


def test_the_peserta_finds_and_downloads_the_certificate(client):
    response = client.post(reverse("login"), {"username": PESERTA, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("certificates:mine"))
    certificate = _peserta_certificates().filter(status=Certificate.Status.READY).first()
    assert certificate.number in page.content.decode()
    download = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert body[:5] == b"%PDF-"


def test_others_attended_with_every_status_took_the_quiz_and_hold_certificates():
    series = [s.title for s in SERIES]
    statuses = Counter(
        Participant.objects.filter(session__title__in=series).values_list(
            "attendance_status", flat=True
        )
    )
    assert set(statuses) == set(Status.values)  # HADIR ... ALPA, nobody left unrecorded
    assert statuses[Status.HADIR] > statuses[Status.ALPA] > 0
    attempts = Attempt.objects.filter(quiz__session__title__in=series)
    assert attempts.filter(score__lt=70).exists() and attempts.filter(score__gte=70).exists()
    assert attempts.filter(number=2).exists(), "some who failed took it again"
    assert not attempts.filter(status=Attempt.Status.IN_PROGRESS).exists()
    holders = Certificate.objects.exclude(participant__personnel__nrp=PESERTA)
    assert holders.values("participant__personnel").distinct().count() > 100
    # Everyone holding one completed by the rule: attended and, where there is a quiz, passed.
    for certificate in holders.select_related("participant"):
        assert certificate.participant.attendance_status in (Status.HADIR, Status.TERLAMBAT)
        assert certificate.participant.completed_at is not None


def test_the_peserta_can_check_in_now_and_has_a_session_to_come():
    peserta = Personnel.objects.get(nrp=PESERTA)
    mine = TrainingSession.objects.filter(participants__personnel=peserta)
    now = timezone.now()
    live = mine.get(status=TrainingSession.Status.LIVE)
    assert live.checkin_opens_at <= now <= live.checkin_closes_at
    assert Quiz.objects.filter(session=live, open_at__lte=now, close_at__gt=now).exists()
    assert mine.filter(status=TrainingSession.Status.SCHEDULED, start_at__gt=now).exists()


def test_a_demo_account_certificate_that_failed_to_render_is_rendered_again():
    certificate = _peserta_certificates().first()
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.FAILED, error="ImportError: a broken install"
    )
    assert certificates_demo_seed() == 0
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY and certificate.error == ""
    assert default_storage.exists(certificate.file.name)


def _everything() -> dict:
    return {
        "sessions": set(TrainingSession.objects.values_list("title", "status", "start_at")),
        "participants": set(
            Participant.objects.values_list(
                "session__title",
                "personnel__nrp",
                "attendance_status",
                "attendance_source",
                "quiz_score",
                "completed_at",
            )
        ),
        "attempts": set(
            Attempt.objects.values_list("quiz__title", "participant_id", "number", "score")
        ),
        "certificates": set(Certificate.objects.values_list("number", "status", "file")),
    }


def test_seeding_again_changes_nothing():
    before = _everything()
    demo_seed()
    assert certificates_demo_seed() == 0
    assert _everything() == before
