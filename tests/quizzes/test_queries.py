"""Saving an answer and submitting cost a constant number of queries, whatever the quiz size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Category, Question
from quizzes.services import answer_save, attempt_start, attempt_submit, questions_import

from .conftest import right_response

pytestmark = pytest.mark.django_db


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


def _measure(make_quiz, peserta, extra):
    module = Category.objects.first().module
    if extra:
        text = "\n\n".join(f"::X{i}::Soal {i}?{{=a{i} ~b{i} ~c{i}}}" for i in range(extra))
        questions_import(module=module, content="$CATEGORY: Dasar\n\n" + text, fmt="gift")
    quiz = make_quiz(attempts_allowed=0)
    attempt = attempt_start(user=peserta, quiz=quiz)
    question = Question.objects.get(name="MC")
    save = _queries(lambda: answer_save(user=peserta, attempt_id=attempt.pk,
                                        question_id=question.pk,
                                        response=right_response(question)))  # fmt: skip
    submit = _queries(lambda: attempt_submit(user=peserta, attempt_id=attempt.pk))
    quiz.delete()
    return save, submit, len(attempt.question_ids)


def test_queries_do_not_grow_with_the_number_of_questions(make_quiz, participant, peserta):
    small = _measure(make_quiz, peserta, 0)
    large = _measure(make_quiz, peserta, 30)
    assert large[2] == small[2] + 30
    assert large[0] == small[0], "answer save"
    assert large[1] == small[1], "submit"
    assert small[0] <= 6
