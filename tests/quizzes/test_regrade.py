"""Changing a post-test's grading method or pass mark recomputes the results already recorded
on participants, in the background, idempotently, with the certificate path downstream."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.models import Certificate
from quizzes.models import Question, Quiz
from quizzes.services import (
    answer_save,
    attempt_start,
    attempt_submit,
    quiz_regrades_sweep,
    quiz_results_recompute,
    quiz_update,
)
from sessions.models import Participant
from tests.factories import ParticipantFactory, PersonnelFactory

from .conftest import right_response, wrong_response

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _take(quiz, user, respond):
    attempt = attempt_start(user=user, quiz=quiz)
    for question in Question.objects.filter(pk__in=attempt.question_ids):
        answer_save(user=user, attempt_id=attempt.pk, question_id=question.pk,
                    response=respond(question))  # fmt: skip
    return attempt_submit(user=user, attempt_id=attempt.pk)


@pytest.fixture
def graded(make_quiz, participant, peserta, units, django_capture_on_commit_callbacks):
    """A post-test graded on the last attempt: the peserta (HADIR) got 100 then 0, so failed;
    another participant passed with a single attempt."""
    Participant.objects.filter(pk=participant.pk).update(
        attendance_status=Participant.AttendanceStatus.HADIR, minutes_attended=60
    )
    quiz = make_quiz(grading_method=Quiz.GradingMethod.LAST)
    other = PersonnelFactory(unit=units["POLRES-SANGGAU"])
    ParticipantFactory(session=quiz.session, personnel=other, unit=other.unit)
    with django_capture_on_commit_callbacks(execute=True):
        assert _take(quiz, peserta, right_response).score == 100
        assert _take(quiz, peserta, wrong_response).score == 0
        _take(quiz, other, right_response)
    return quiz


def _result(participant):
    participant.refresh_from_db()
    return participant.quiz_score, participant.quiz_passed


def test_changing_the_grading_method_recomputes_results_and_issues_the_certificate(
    graded, participant, pelatih, django_capture_on_commit_callbacks
):
    assert _result(participant) == (0, False)
    assert not Certificate.objects.filter(participant=participant).exists()
    with django_capture_on_commit_callbacks(execute=True):
        quiz = quiz_update(user=pelatih, quiz=graded, grading_method=Quiz.GradingMethod.HIGHEST)
    assert _result(participant) == (100, True)
    # Newly passing: the existing auto-issue path (participant_changed → task) issued it.
    certificate = Certificate.objects.get(participant=participant)
    quiz.refresh_from_db()
    assert not quiz.regrade_pending
    assert (quiz.regrade_total, quiz.regrade_done) == (2, 2)

    # Back to "last": the participant no longer passes; the certificate is left as it is
    # (revoking is a person's decision in the certificates app, with a reason).
    with django_capture_on_commit_callbacks(execute=True):
        quiz_update(user=pelatih, quiz=quiz, grading_method=Quiz.GradingMethod.LAST)
    assert _result(participant) == (0, False)
    certificate.refresh_from_db()
    assert certificate.status != Certificate.Status.REVOKED


def test_running_the_recompute_twice_changes_results_once(graded, participant):
    Quiz.objects.filter(pk=graded.pk).update(grading_method=Quiz.GradingMethod.AVERAGE)
    # Only the peserta's result changes (average of 100 and 0); the other had one attempt.
    assert quiz_results_recompute(quiz_id=graded.pk).changed == 1
    assert quiz_results_recompute(quiz_id=graded.pk).changed == 0
    assert _result(participant) == (50, False)


def test_changing_the_pass_mark_recomputes_who_passed(
    graded, participant, pelatih, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        quiz_update(user=pelatih, quiz=graded, pass_mark=0)
    assert _result(participant) == (0, True)


def test_other_changes_do_not_request_a_recompute(graded, pelatih):
    quiz = quiz_update(user=pelatih, quiz=graded, title="Post-test baru", pass_mark="70.00")
    assert quiz.regrade_requested_at is None


def test_a_pre_test_writes_no_results(make_quiz, participant, peserta, pelatih):
    quiz = make_quiz(kind=Quiz.Kind.PRE)
    _take(quiz, peserta, right_response)
    Quiz.objects.filter(pk=quiz.pk).update(grading_method=Quiz.GradingMethod.FIRST)
    assert quiz_results_recompute(quiz_id=quiz.pk).changed == 0
    assert _result(participant) == (None, None)


def test_the_sweeper_reruns_a_recompute_a_lost_message_left_due(graded, participant):
    long_ago = timezone.now() - timedelta(hours=1)
    Quiz.objects.filter(pk=graded.pk).update(
        grading_method=Quiz.GradingMethod.HIGHEST, regrade_requested_at=long_ago
    )
    assert _result(participant) == (0, False)
    assert quiz_regrades_sweep() == 1  # eager Celery: the task ran
    assert _result(participant) == (100, True)
    assert quiz_regrades_sweep() == 0


def test_the_settings_api_recomputes_after_a_grading_change(
    graded, participant, trainer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.patch(
            f"/api/v1/quizzes/{graded.pk}/", {"grading_method": "highest"}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert response.json()["regrade_pending"] is True  # answered before the run (on commit)
    assert _result(participant) == (100, True)
    after = trainer_client.get(f"/api/v1/quizzes/{graded.pk}/").json()
    progress = (after["regrade_pending"], after["regrade_done"], after["regrade_total"])
    assert progress == (False, 2, 2)


def test_the_command_runs_the_same_recompute(graded, participant):
    from io import StringIO

    from django.core.management import CommandError, call_command

    Quiz.objects.filter(pk=graded.pk).update(grading_method=Quiz.GradingMethod.FIRST)
    out = StringIO()
    call_command("recompute_quiz_results", quiz=graded.pk, stdout=out)
    assert out.getvalue().startswith("1 ")
    assert _result(participant) == (100, True)
    with pytest.raises(CommandError):
        call_command("recompute_quiz_results", quiz=999999)


def test_a_recompute_without_changes_costs_a_fixed_number_of_queries(
    graded, participant, django_assert_max_num_queries
):
    # Nothing changed: one quiz read, the progress updates, the ids, one scores query per
    # batch, one participants query per batch, and the stamp.
    with django_assert_max_num_queries(8):
        assert quiz_results_recompute(quiz_id=graded.pk).changed == 0


def test_a_large_recompute_continues_in_slices_from_its_cursor(
    graded, participant, pelatih, monkeypatch, django_capture_on_commit_callbacks
):
    from quizzes import tasks
    from quizzes.services import regrade

    monkeypatch.setattr(regrade, "BATCH", 1)
    # A slice by hand: one batch, then the budget is spent; the rest is left for the next run.
    Quiz.objects.filter(pk=graded.pk).update(
        grading_method=Quiz.GradingMethod.HIGHEST, regrade_requested_at=timezone.now()
    )
    first = quiz_results_recompute(quiz_id=graded.pk, time_budget=0)
    quiz = Quiz.objects.get(pk=graded.pk)
    assert not first.complete and quiz.regrade_pending
    assert (quiz.regrade_done, quiz.regrade_total) == (1, 2)
    assert quiz.regrade_cursor == min(quiz.attempts.values_list("participant_id", flat=True))
    second = quiz_results_recompute(quiz_id=graded.pk, time_budget=0)
    assert second.complete and not Quiz.objects.get(pk=graded.pk).regrade_pending
    assert first.changed + second.changed == 1  # only the peserta's result changed
    assert _result(participant) == (100, True)
    # Through Celery: each task hands the rest to the next until the quiz is done.
    monkeypatch.setattr(tasks, "TIME_BUDGET", 0)
    with django_capture_on_commit_callbacks(execute=True):
        quiz_update(user=pelatih, quiz=quiz, grading_method=Quiz.GradingMethod.LAST)
    quiz.refresh_from_db()
    assert not quiz.regrade_pending and quiz.regrade_done == 2
    assert _result(participant) == (0, False)


def test_a_run_overtaken_by_a_newer_request_leaves_the_rest_to_it(graded, monkeypatch):
    from quizzes.services import regrade

    monkeypatch.setattr(regrade, "BATCH", 1)
    Quiz.objects.filter(pk=graded.pk).update(regrade_requested_at=timezone.now())
    real = regrade.participant_record_quiz_result

    def record_then_newer_request(**kwargs):
        # A trainer changes the grading again while this run is working.
        Quiz.objects.filter(pk=graded.pk).update(
            regrade_requested_at=timezone.now() + timedelta(seconds=1), regrade_cursor=0
        )
        return real(**kwargs)

    monkeypatch.setattr(regrade, "participant_record_quiz_result", record_then_newer_request)
    Quiz.objects.filter(pk=graded.pk).update(grading_method=Quiz.GradingMethod.HIGHEST)
    run = quiz_results_recompute(quiz_id=graded.pk)
    quiz = Quiz.objects.get(pk=graded.pk)
    assert not run.complete and quiz.regrade_pending  # not stamped as done for the new request
