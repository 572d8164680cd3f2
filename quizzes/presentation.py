"""What a person may see of an attempt: the questions while in progress (never credit,
feedback or pairing), and the review after submitting, limited by the quiz's review options.

Both the API and the HTML pages build their output here, so the rule lives in one place.
Every text in a payload is already HTML, built safe by `quizzes.rendering` (question text and
feedback sanitised, answers escaped): the API documents them as HTML and the templates print
them as they are. The matching `options` alone are the raw match texts (a response sends one
back as it is); templates autoescape them.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from . import grading
from .models import Attempt, Choice, Quiz
from .rendering import render_plain, render_text
from .services.attempts import DealtQuestion, dealt_questions

LEVELS = [Quiz.Review.NOTHING, Quiz.Review.SCORE, Quiz.Review.FEEDBACK, Quiz.Review.ANSWERS]


def choice_label(question, choice: Choice) -> SafeString:
    """A choice as HTML: its text escaped (answers are plain text)."""
    if question.qtype == "truefalse":
        return escape(_("True") if choice.text == "true" else _("False"))
    return render_plain(choice.text)


def question_payload(dealt: DealtQuestion) -> dict:
    """A dealt question as shown during the attempt."""
    q = dealt.question
    data = {
        "id": q.pk,
        "number": dealt.number,
        "type": q.qtype,
        "text": render_text(q.text, q.text_format),
        "response": dealt.response,
    }
    if q.qtype == "matching":
        matches = (dealt.response or {}).get("matches", {})
        data["items"] = [
            {
                "id": c.pk,
                "text": render_plain(c.text),
                "selected": matches.get(str(c.pk), ""),
            }
            for c in dealt.choices
        ]
        data["options"] = list(dealt.options)
    elif q.qtype in ("single", "multi", "truefalse"):
        data["choices"] = [{"id": c.pk, "text": choice_label(q, c)} for c in dealt.choices]
    return data


def attempt_payload(attempt: Attempt, *, dealt: list[DealtQuestion] | None = None) -> dict:
    dealt = dealt if dealt is not None else dealt_questions(attempt=attempt)
    return {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "number": attempt.number,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "server_now": timezone.now(),
        "questions": [question_payload(d) for d in dealt],
    }


def review_level(attempt: Attempt, now=None) -> str:
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return Quiz.Review.NOTHING
    return attempt.quiz.review_level(now)


def _correct_answer(question, key: list[Choice]) -> list[SafeString]:
    """The right answers as HTML, each escaped: answers are plain text."""
    qtype = question.qtype
    if qtype in ("single", "multi", "truefalse"):
        return [choice_label(question, c) for c in key if c.fraction > 0]
    if qtype == "shortanswer":
        return [render_plain(c.text) for c in key if c.fraction == 1]
    if qtype == "numerical":
        return [
            render_plain(f"{c.text} ± {c.tolerance.normalize()}" if c.tolerance else c.text)
            for c in key
            if c.fraction == 1
        ]
    if qtype == "matching":
        return [render_plain(f"{c.text} → {c.match_text}") for c in key if c.text]
    return []


def review_payload(attempt: Attempt, *, now=None) -> dict:
    """The attempt's result as its owner may see it now."""
    level = review_level(attempt, now)
    rank = LEVELS.index(level)
    data: dict = {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "number": attempt.number,
        "status": attempt.status,
        "submitted_at": attempt.submitted_at,
        "review": level,
    }
    if rank >= 1:
        data["score"] = attempt.score
        data["passed"] = attempt.score is not None and attempt.score >= attempt.quiz.pass_mark
    if rank >= 2:
        fractions = dict(attempt.answers.values_list("question_id", "fraction"))
        keys: dict[int, list[Choice]] = {}
        for choice in Choice.objects.filter(question_id__in=attempt.question_ids):
            keys.setdefault(choice.question_id, []).append(choice)
        questions = []
        for dealt in dealt_questions(attempt=attempt):
            q = dealt.question
            key = keys.get(q.pk, [])
            hit = grading.grade(q.qtype, key, dealt.response)
            feedback = [c.feedback for c in key if c.pk in hit.matched and c.feedback]
            item = question_payload(dealt)
            item["fraction"] = fractions.get(q.pk)
            item["feedback"] = [render_text(f, q.text_format) for f in feedback]
            item["general_feedback"] = render_text(q.general_feedback, q.text_format)
            if rank >= 3:
                item["correct"] = _correct_answer(q, key)
            questions.append(item)
        data["questions"] = questions
    return data
