"""A Peserta on a phone checks in to a live session, takes and submits its quiz and sees the
result, then downloads the certificate of a session they completed from "My certificates"."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certificates.services import certificate_issue
from quizzes.models import Category, Question, Quiz
from quizzes.services import (
    answer_save,
    attempt_start,
    attempt_submit,
    questions_import,
    quiz_create,
)
from sessions.models import Participant, SessionInvitedUnit, TrainingSession
from tests.e2e.journeys import live_session
from tests.factories import ModuleFactory, ParticipantFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Two single-choice questions; the right answers are the texts in RIGHT.
GIFT = """\
$CATEGORY: Siber

::ITE::Apa kepanjangan ITE?{=Informasi dan Transaksi Elektronik ~Internet dan Teknologi Elektronik}

::TAHUN::Tahun berapa UU ITE pertama disahkan?{=Tahun 2008 ~Tahun 1999}
"""
RIGHT = {"ITE": "Informasi dan Transaksi Elektronik", "TAHUN": "Tahun 2008"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Certificate PDFs go to a fresh folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _login(page, person, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", person.nrp)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")


def _bank(code):
    module = ModuleFactory(code=code, title="Penanganan Kejahatan Siber")
    report = questions_import(module=module, content=GIFT, fmt="gift")
    assert report.written, report.problems
    return Category.objects.filter(module=module)


def _quiz(pelatih, session, categories):
    now = timezone.now()
    return quiz_create(
        user=pelatih,
        session=session,
        title="Post-test Kejahatan Siber",
        open_at=now - timedelta(hours=1),
        close_at=now + timedelta(days=1),
        categories=categories,
        review_after_submit=Quiz.Review.SCORE,
        time_limit_minutes=30,
        attempts_allowed=1,
    )


def _completed_session(pelatih, peserta, units, categories):
    """Finished yesterday; the Peserta was HADIR throughout and passed its quiz."""
    end = timezone.now() - timedelta(days=1)
    session = TrainingSessionFactory(
        title="Penanganan TPPO di Wilayah Perbatasan",
        host_unit=units["POLDA-KALBAR"],
        led_by=pelatih,
        status=TrainingSession.Status.FINISHED,
        start_at=end - timedelta(hours=2),
        end_at=end,
    )
    SessionInvitedUnit.objects.create(session=session, unit=units["POLRES-SANGGAU"])
    participant = ParticipantFactory(
        session=session,
        personnel=peserta,
        unit=peserta.unit,
        attendance_status=Participant.AttendanceStatus.HADIR,
        minutes_attended=120,
    )
    quiz = _quiz(pelatih, session, categories)
    attempt = attempt_start(user=peserta, quiz=quiz)
    for question in Question.objects.filter(category__in=categories):
        right = question.choices.get(fraction=1)
        answer_save(
            user=peserta,
            attempt_id=attempt.pk,
            question_id=question.pk,
            response={"choice": right.pk},
        )
    attempt_submit(user=peserta, attempt_id=attempt.pk)
    participant.refresh_from_db()
    assert participant.quiz_passed is True
    # Passing completed the session (auto-issued); issuing again returns the same certificate.
    return certificate_issue(participant=participant, issued_by=pelatih)


def test_peserta_checks_in_takes_the_quiz_and_downloads_a_certificate(
    phone, peserta, pelatih, units, password
):
    page, steps = phone
    categories = _bank("kejahatan-siber")
    live = live_session(pelatih, units, title="Polri Belajar: Kejahatan Siber")
    quiz = _quiz(pelatih, live, categories)
    certificate = _completed_session(pelatih, peserta, units, categories)

    _login(page, peserta, password)
    page.goto(f"/sessions/{live.pk}/")
    checkin = page.locator("#checkin")
    checkin.get_by_role("button").click()
    # htmx swaps in the recorded status.
    expect(checkin.locator(".badge")).to_have_text(re.compile(r"HADIR|TERLAMBAT", re.I))
    steps.shot("checked in")
    status = Participant.objects.get(session=live, personnel=peserta).attendance_status
    assert status in ("HADIR", "TERLAMBAT")

    # The session page links the quiz; start it.
    page.click(f"a[href='/quizzes/{quiz.pk}/']")
    page.wait_for_url(f"**/quizzes/{quiz.pk}/")
    steps.shot("quiz page")
    page.click(f"form[action='/quizzes/{quiz.pk}/start/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))
    questions = page.locator("li.question")
    expect(questions).to_have_count(2)
    expect(page.locator("#countdown [data-remaining]")).to_have_text(re.compile(r"\d+:\d\d"))
    steps.shot("attempt")
    for name, text in RIGHT.items():
        question = questions.filter(has=page.locator("label.choice", has_text=text))
        question.locator("label.choice", has_text=text).click()
        # Each answer is saved on its own as soon as it is chosen.
        expect(question.locator(".save-state")).to_contain_text("✓")
    steps.shot("answered")
    page.click("#submit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/result/$"))
    score = page.locator("p.score")
    expect(score).to_contain_text("100")
    steps.shot("result")
    participant = Participant.objects.get(session=live, personnel=peserta)
    assert participant.quiz_passed is True

    # "My certificates" lists the completed session's certificate; download the PDF.
    page.goto("/certificates/")
    row = page.locator("table tbody tr", has_text=certificate.number)
    expect(row).to_contain_text("Penanganan TPPO")
    steps.shot("my certificates")
    with page.expect_download() as info:
        row.locator(f"a[href='/certificates/{certificate.pk}/download/']").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    steps.assert_no_browser_errors()
