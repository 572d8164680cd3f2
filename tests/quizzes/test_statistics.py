"""Statistics: distribution, pass rate by unit, facility and discrimination, constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Question
from quizzes.services import answer_save, attempt_start, attempt_submit, quiz_statistics_compute
from quizzes.tasks import quiz_statistics_compute_task
from tests.factories import ParticipantFactory, PersonnelFactory

from .conftest import right_response, wrong_response

pytestmark = pytest.mark.django_db


def _take(user, quiz, n_right):
    attempt = attempt_start(user=user, quiz=quiz)
    questions = Question.objects.filter(pk__in=attempt.question_ids).order_by("name")
    for i, question in enumerate(questions):
        chooser = right_response if i < n_right else wrong_response
        answer_save(user=user, attempt_id=attempt.pk, question_id=question.pk,
                    response=chooser(question))  # fmt: skip
    return attempt_submit(user=user, attempt_id=attempt.pk)


def test_statistics_describe_the_quiz(quiz, session, participant, peserta, units):
    people = [peserta]
    for unit in ("POLRES-SANGGAU", "POLRES-SANGGAU"):
        person = PersonnelFactory(unit=units[unit])
        ParticipantFactory(session=session, personnel=person, unit=units[unit])
        people.append(person)
    # Questions by name: MATCH, MC, MULTI, NUM, SA, TF. Scores 100, 50, 0.
    for person, n_right in zip(people, (6, 3, 0), strict=True):
        _take(person, quiz, n_right)
    stats = quiz_statistics_compute(quiz_id=quiz.pk)
    assert stats["attempts"] == 3 and stats["pass_rate"] == pytest.approx(33.3)
    bands = {band["from"]: band["count"] for band in stats["distribution"]}
    assert bands[90] == 1 and bands[50] == 1 and bands[0] == 1
    units_by_code = {u["code"]: u for u in stats["units"]}
    assert units_by_code["POLSEK-KAPUAS-SANGGAU"]["passed"] == 1
    assert units_by_code["POLRES-SANGGAU"]["people"] == 2
    assert units_by_code["POLRES-SANGGAU"]["pass_rate"] == 0
    by_name = {q["name"]: q for q in stats["questions"]}
    # MATCH was answered right by the top two: facility 2/3, upper 1 - lower 0.
    assert by_name["MATCH"]["facility"] == pytest.approx(2 / 3, abs=1e-3)
    assert by_name["MATCH"]["discrimination"] == 1
    assert by_name["TF"]["facility"] == pytest.approx(1 / 3, abs=1e-3)
    quiz.refresh_from_db()
    assert quiz.stats_computed_at is not None and quiz.stats["attempts"] == 3


def test_statistics_cost_the_same_queries_for_more_people(
    quiz, session, participant, peserta, units
):
    _take(peserta, quiz, 6)
    with CaptureQueriesContext(connection) as few:
        quiz_statistics_compute(quiz_id=quiz.pk)
    for _ in range(4):
        person = PersonnelFactory(unit=units["POLRES-SANGGAU"])
        ParticipantFactory(session=session, personnel=person, unit=person.unit)
        _take(person, quiz, 2)
    with CaptureQueriesContext(connection) as many:
        quiz_statistics_compute(quiz_id=quiz.pk)
    assert len(many) == len(few) <= 6


def test_statistics_task_is_idempotent(quiz, participant, peserta):
    _take(peserta, quiz, 6)
    assert quiz_statistics_compute_task.delay(quiz.pk).get() == 1
    assert quiz_statistics_compute_task.delay(quiz.pk).get() == 1
    quiz.refresh_from_db()
    assert Decimal(str(quiz.stats["average"])) == Decimal("100.0")
