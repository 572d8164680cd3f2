"""Two submits at the same moment produce one grade (real threads: PostgreSQL only)."""

import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from quizzes.models import Attempt
from quizzes.services import attempt_start, attempt_submit, attempts_close_overdue


@pytest.mark.django_db
def test_a_claimed_attempt_is_not_graded_twice(quiz, participant, peserta):
    """Sequential stand-in for a race: the second claimer finds the row already flipped."""
    attempt = attempt_start(user=peserta, quiz=quiz)
    with mock.patch("quizzes.services.attempts.participant_record_quiz_result") as record:
        attempt_submit(user=peserta, attempt_id=attempt.pk)
        attempt_submit(user=peserta, attempt_id=attempt.pk)
        attempts_close_overdue(now=attempt.deadline + Attempt.grace() * 3)
    assert record.call_count == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_grade_once(quiz, participant, peserta):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    attempt = attempt_start(user=peserta, quiz=quiz)
    barrier = threading.Barrier(4)
    calls = []
    real = __import__("quizzes.services.attempts", fromlist=["_grade"])._grade

    def counting_grade(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    errors = []

    def submit():
        try:
            barrier.wait()
            attempt_submit(user=peserta, attempt_id=attempt.pk)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    with mock.patch("quizzes.services.attempts._grade", counting_grade):
        threads = [threading.Thread(target=submit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(calls) == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.score == Decimal("0.00")
