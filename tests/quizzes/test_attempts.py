"""Attempt rules: who may start, dealing, deadline, attempts allowed, grading methods."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from quizzes.models import Answer, Attempt, Question, Quiz
from quizzes.services import (
    answer_save,
    attempt_deal_preview,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
    dealt_questions,
)
from quizzes.tasks import attempts_close_overdue_task
from tests.factories import ParticipantFactory, PersonnelFactory
from training.errors import ApplicationError

from .conftest import right_response, wrong_response

pytestmark = pytest.mark.django_db


def _answer_all(user, attempt, chooser):
    for question in Question.objects.filter(pk__in=attempt.question_ids):
        answer_save(
            user=user, attempt_id=attempt.pk, question_id=question.pk, response=chooser(question)
        )


def test_start_deals_every_question_with_a_server_deadline(quiz, peserta):
    before = timezone.now()
    attempt = attempt_start(user=peserta, quiz=quiz)
    assert attempt.number == 1 and attempt.status == Attempt.Status.IN_PROGRESS
    assert sorted(attempt.question_ids) == sorted(
        Question.objects.filter(module__code="cyber-crime").values_list("pk", flat=True)
    )
    assert (
        before + timedelta(minutes=30) <= attempt.deadline <= timezone.now() + timedelta(minutes=30)
    )
    matching = Question.objects.get(name="MATCH")
    entry = attempt.choice_order[str(matching.pk)]
    assert sorted(entry["m"]) == ["Distraktor", "Jahat", "Pancingan"]
    assert len(entry["c"]) == 2  # the distractor is offered as a match, not as an item


def test_deadline_never_passes_the_closing_time(make_quiz, participant, peserta):
    quiz = make_quiz(close_at=timezone.now() + timedelta(minutes=10))
    attempt = attempt_start(user=peserta, quiz=quiz)
    assert attempt.deadline == quiz.close_at


def test_questions_per_attempt_draws_a_subset(make_quiz, participant, peserta):
    quiz = make_quiz(questions_per_attempt=3)
    attempt = attempt_start(user=peserta, quiz=quiz)
    assert len(attempt.question_ids) == 3 and len(set(attempt.question_ids)) == 3


def test_starting_again_resumes_the_attempt_in_progress(quiz, peserta):
    first = attempt_start(user=peserta, quiz=quiz)
    assert attempt_start(user=peserta, quiz=quiz).pk == first.pk
    assert Attempt.objects.count() == 1


def test_it_refuses_people_who_are_not_participants(quiz, pelatih, outsider):
    for user in (pelatih, outsider, PersonnelFactory()):
        with pytest.raises(PermissionDenied):
            attempt_start(user=user, quiz=quiz)
    assert not Attempt.objects.exists()


def test_it_refuses_before_opening_and_after_closing(make_quiz, participant, peserta):
    quiz = make_quiz(
        open_at=timezone.now() + timedelta(hours=1), close_at=timezone.now() + timedelta(hours=2)
    )
    with pytest.raises(ApplicationError, match="(?i)opened|dibuka"):
        attempt_start(user=peserta, quiz=quiz)
    with pytest.raises(ApplicationError):
        attempt_start(user=peserta, quiz=quiz, now=quiz.close_at + timedelta(seconds=1))


def test_attempts_allowed_is_enforced(quiz, peserta):
    for _ in range(2):
        attempt = attempt_start(user=peserta, quiz=quiz)
        attempt_submit(user=peserta, attempt_id=attempt.pk)
    with pytest.raises(ApplicationError):
        attempt_start(user=peserta, quiz=quiz)
    assert Attempt.objects.count() == 2


def test_full_marks_are_written_to_the_participant(quiz, peserta, participant):
    attempt = attempt_start(user=peserta, quiz=quiz)
    _answer_all(peserta, attempt, right_response)
    attempt = attempt_submit(user=peserta, attempt_id=attempt.pk)
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.score == Decimal("100.00")
    participant.refresh_from_db()
    assert participant.quiz_score == Decimal("100.00") and participant.quiz_passed is True


def test_partial_credit_and_unanswered_questions(quiz, peserta, participant):
    attempt = attempt_start(user=peserta, quiz=quiz)
    sa = Question.objects.get(name="SA")
    answer_save(
        user=peserta, attempt_id=attempt.pk, question_id=sa.pk, response={"text": "lemsaneg"}
    )
    attempt = attempt_submit(user=peserta, attempt_id=attempt.pk)
    # 0.5 out of 6 questions of one mark each.
    assert attempt.score == Decimal("8.33")
    assert Answer.objects.filter(attempt=attempt).count() == 6  # unanswered stored as 0
    participant.refresh_from_db()
    assert participant.quiz_passed is False


def test_a_submitted_attempt_is_immutable(quiz, peserta):
    attempt = attempt_start(user=peserta, quiz=quiz)
    attempt_submit(user=peserta, attempt_id=attempt.pk)
    question_id = attempt.question_ids[0]
    with pytest.raises(ApplicationError):
        answer_save(user=peserta, attempt_id=attempt.pk, question_id=question_id, response={})
    again = attempt_submit(user=peserta, attempt_id=attempt.pk)
    assert again.graded_at == Attempt.objects.get(pk=attempt.pk).graded_at


def test_answers_after_deadline_and_grace_are_refused(quiz, peserta):
    attempt = attempt_start(user=peserta, quiz=quiz)
    question = Question.objects.get(name="NUM")
    within_grace = attempt.deadline + timedelta(seconds=10)
    answer_save(user=peserta, attempt_id=attempt.pk, question_id=question.pk,
                response={"value": "2008"}, now=within_grace)  # fmt: skip
    too_late = attempt.deadline + Attempt.grace() + timedelta(seconds=1)
    with pytest.raises(ApplicationError):
        answer_save(user=peserta, attempt_id=attempt.pk, question_id=question.pk,
                    response={"value": "1"}, now=too_late)  # fmt: skip
    assert Answer.objects.get(attempt=attempt).response == {"value": "2008"}


def test_answers_to_someone_elses_attempt_or_other_questions_are_refused(quiz, peserta, session):
    attempt = attempt_start(user=peserta, quiz=quiz)
    other = ParticipantFactory(session=session).personnel
    with pytest.raises(ApplicationError):
        answer_save(user=other, attempt_id=attempt.pk, question_id=attempt.question_ids[0],
                    response={})  # fmt: skip
    with pytest.raises(ApplicationError):
        answer_save(user=peserta, attempt_id=attempt.pk, question_id=999999, response={})
    with pytest.raises(ApplicationError):
        attempt_submit(user=other, attempt_id=attempt.pk)
    mc = Question.objects.get(name="MC")
    with pytest.raises(ApplicationError):
        answer_save(user=peserta, attempt_id=attempt.pk, question_id=mc.pk, response={"choice": -1})
    assert not Answer.objects.exists()


def test_overdue_sweep_grades_what_was_saved_once(quiz, peserta, participant):
    attempt = attempt_start(user=peserta, quiz=quiz)
    _answer_all(peserta, attempt, right_response)
    later = attempt.deadline + Attempt.grace() + timedelta(seconds=1)
    assert attempts_close_overdue(now=later) == 1
    assert attempts_close_overdue(now=later) == 0  # running it twice grades once
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OVERDUE and attempt.score == Decimal("100.00")
    participant.refresh_from_db()
    assert participant.quiz_score == Decimal("100.00")
    # A late submit after the sweep changes nothing.
    assert attempt_submit(user=peserta, attempt_id=attempt.pk).graded_at == attempt.graded_at


def test_overdue_task_runs_the_sweep(quiz, peserta):
    attempt = attempt_start(user=peserta, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(hours=1))
    assert attempts_close_overdue_task.delay().get() == 1
    assert attempts_close_overdue_task.delay().get() == 0


def test_submit_after_the_deadline_closes_as_overdue(quiz, peserta):
    attempt = attempt_start(user=peserta, quiz=quiz)
    late = attempt.deadline + Attempt.grace() + timedelta(minutes=1)
    assert attempt_submit(user=peserta, attempt_id=attempt.pk, now=late).status == "overdue"


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", "100.00"), ("last", "0.00"), ("first", "100.00"), ("average", "50.00")],
)
def test_grading_methods_decide_the_participant_result(
    make_quiz, participant, peserta, method, expected
):
    quiz = make_quiz(grading_method=method, attempts_allowed=0)
    for chooser in (right_response, wrong_response):
        attempt = attempt_start(user=peserta, quiz=quiz)
        _answer_all(peserta, attempt, chooser)
        attempt_submit(user=peserta, attempt_id=attempt.pk)
    participant.refresh_from_db()
    assert participant.quiz_score == Decimal(expected)
    assert participant.quiz_passed is (Decimal(expected) >= quiz.pass_mark)


def test_a_pre_test_does_not_touch_the_participant_result(make_quiz, participant, peserta):
    quiz = make_quiz(kind=Quiz.Kind.PRE)
    attempt = attempt_start(user=peserta, quiz=quiz)
    _answer_all(peserta, attempt, right_response)
    attempt_submit(user=peserta, attempt_id=attempt.pk)
    participant.refresh_from_db()
    assert participant.quiz_score is None


def test_trainer_preview_creates_no_attempt(quiz, pelatih, peserta):
    dealt = attempt_deal_preview(user=pelatih, quiz=quiz, seed=1)
    assert len(dealt) == 6
    assert not Attempt.objects.exists()
    with pytest.raises(PermissionDenied):
        attempt_deal_preview(user=peserta, quiz=quiz)


def test_dealt_questions_follow_the_stored_order(quiz, peserta):
    attempt = attempt_start(user=peserta, quiz=quiz)
    dealt = dealt_questions(attempt=attempt)
    assert [d.question.pk for d in dealt] == attempt.question_ids
    for d in dealt:
        assert [c.pk for c in d.choices] == attempt.choice_order[str(d.question.pk)]["c"]
