"""Attempts: start (deal questions, fix the deadline), save answers, submit, grade, sweep.

Concurrency rules, settled by the database:
- One attempt in progress per participant and quiz (partial unique constraint). Starts lock the
  participant row, so starting twice at once (two tabs) returns the same attempt and the
  attempt limit is counted on what the other start committed.
- `answer_save` locks its attempt row (`select_for_update`) and checks it still accepts answers;
  submitting flips the status with a conditional UPDATE, which waits for that lock. So an
  answer is either in the graded attempt or refused — never stored after grading.
- `attempt_submit` and the overdue sweep claim the attempt with
  `UPDATE ... WHERE status = 'in_progress'` and grade only when that changed one row: double
  clicks, two tabs and the sweeper racing a late submit produce one grade.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions.models import Participant
from sessions.selectors import participant_for
from sessions.services import participant_record_quiz_result
from training.errors import ApplicationError

from .. import grading
from ..models import Answer, Attempt, Choice, Question, Quiz

logger = logging.getLogger(__name__)


# --- dealing -------------------------------------------------------------------------------
@dataclass
class DealtQuestion:
    """A question as a person sees it in an attempt: no credit, no feedback, no pairing."""

    question: Question
    choices: list[Choice] = field(default_factory=list)  # in dealt order (matching: the items)
    options: list[str] = field(default_factory=list)  # matching: the offered matches, dealt order
    response: dict = field(default_factory=dict)
    number: int = 0


def _deal(quiz: Quiz, rng: random.Random) -> tuple[list[int], dict[str, dict]]:
    # In bank order (category, position): the order an unshuffled quiz deals them in.
    ordered = list(
        Question.objects.filter(category__in=quiz.categories.values("pk"), is_active=True)
        .order_by("category__name", "position", "pk")
        .values_list("pk", flat=True)
    )
    if not ordered:
        raise ApplicationError(_("This quiz has no questions yet."))
    pool = sorted(ordered)
    count = quiz.questions_per_attempt or len(pool)
    chosen = rng.sample(pool, min(count, len(pool)))
    if not quiz.shuffle_questions:
        rank = {pk: index for index, pk in enumerate(ordered)}
        chosen.sort(key=rank.__getitem__)
    order: dict[str, dict] = {}
    rows = Choice.objects.filter(question_id__in=chosen).values_list(
        "question_id", "question__qtype", "pk", "text", "match_text"
    )
    by_question: dict[int, list] = {}
    for qid, qtype, pk, text, match_text in rows.order_by("question_id", "position", "pk"):
        by_question.setdefault(qid, []).append((qtype, pk, text, match_text))
    for qid in chosen:
        items = by_question.get(qid, [])
        qtype = items[0][0] if items else ""
        ids = [pk for _t, pk, text, _m in items if qtype != "matching" or text]
        entry: dict = {"c": ids}
        if qtype == "matching":
            options = sorted({m for *_x, m in items})
            rng.shuffle(options)
            entry["m"] = options
        if quiz.shuffle_choices and qtype in ("single", "multi", "matching"):
            rng.shuffle(entry["c"])
        order[str(qid)] = entry
    return chosen, order


def dealt_questions(*, attempt: Attempt, with_responses: bool = True) -> list[DealtQuestion]:
    """The attempt's questions in dealt order with their choices in dealt order: 3 queries."""
    return _dealt(attempt.question_ids, attempt.choice_order, attempt if with_responses else None)


def _dealt(question_ids, choice_order, attempt: Attempt | None) -> list[DealtQuestion]:
    questions = Question.objects.in_bulk(question_ids)
    choices = {c.pk: c for c in Choice.objects.filter(question_id__in=question_ids)}
    responses = {}
    if attempt is not None:
        responses = dict(attempt.answers.values_list("question_id", "response"))
    dealt = []
    for number, qid in enumerate(question_ids, start=1):
        question = questions.get(qid)
        if question is None:
            continue
        entry = choice_order.get(str(qid), {})
        dealt.append(
            DealtQuestion(
                question=question,
                choices=[choices[pk] for pk in entry.get("c", []) if pk in choices],
                options=list(entry.get("m", [])),
                response=responses.get(qid) or {},
                number=number,
            )
        )
    return dealt


def attempt_deal_preview(*, user, quiz: Quiz, seed: int | None = None) -> list[DealtQuestion]:
    """What a participant would be dealt, for trainers: nothing is stored, nothing graded."""
    from ..selectors import quiz_can_manage

    if not quiz_can_manage(user=user, quiz=quiz):
        raise PermissionDenied(_("Only the quiz's trainers may preview it."))
    question_ids, order = _deal(quiz, random.Random(seed))  # noqa: S311 - not security
    return _dealt(question_ids, order, None)


# --- start ---------------------------------------------------------------------------------
def attempt_start(*, user, quiz: Quiz, now=None) -> Attempt:
    """Start (or resume) the user's attempt at `quiz`.

    Only participants of the quiz's session (PermissionDenied for anyone else, a 403 in the
    API); only while the quiz is open; at most
    `attempts_allowed` attempts. An attempt still in progress is returned as it is; one past its
    deadline is closed and graded first.
    """
    now = now or timezone.now()
    participant = participant_for(session=quiz.session, user=user)
    if participant is None:
        raise PermissionDenied(_("Only participants of this session may take this quiz."))
    current = Attempt.objects.filter(
        quiz=quiz, participant=participant, status=Attempt.Status.IN_PROGRESS
    ).first()
    if current is not None:
        if current.accepts_answers(now):
            return current
        _claim_and_grade(attempt_id=current.pk, status=Attempt.Status.OVERDUE, now=now)
    if now < quiz.open_at:
        raise ApplicationError(_("The quiz has not opened yet."))
    if now >= quiz.close_at:
        raise ApplicationError(_("The quiz is closed."))
    with transaction.atomic():
        # Starts by one participant queue on their row (two tabs, a double click): each one sees
        # the attempt the one before it opened and resumes it, rather than counting it as used
        # and refusing, or opening another.
        Participant.objects.select_for_update().filter(pk=participant.pk).values_list("pk").get()
        current = Attempt.objects.filter(
            quiz=quiz, participant=participant, status=Attempt.Status.IN_PROGRESS
        ).first()
        if current is not None:
            return current
        last = Attempt.objects.filter(quiz=quiz, participant=participant).aggregate(n=Max("number"))
        number = (last["n"] or 0) + 1
        if quiz.attempts_allowed and number > quiz.attempts_allowed:
            raise ApplicationError(_("You have used all your attempts at this quiz."))
        question_ids, order = _deal(quiz, random.SystemRandom())
        deadline = min(now + timedelta(minutes=quiz.time_limit_minutes), quiz.close_at)
        return Attempt.objects.create(
            quiz=quiz, participant=participant, number=number, started_at=now,
            deadline=deadline, question_ids=question_ids, choice_order=order,
        )  # fmt: skip


# --- answers -------------------------------------------------------------------------------
@transaction.atomic
def answer_save(*, user, attempt_id: int, question_id: int, response, now=None) -> Answer:
    """Store the user's response to one question of their attempt (insert or replace).

    Refused when the attempt is not theirs, is finished, or its deadline (plus the grace period)
    has passed, and when the response does not fit the question. A constant number of queries,
    whatever the size of the quiz.
    """
    now = now or timezone.now()
    # `of=("self",)`: the default ordering joins the quiz, the session and the participant; a
    # plain FOR UPDATE would lock those rows too and queue every participant's answers on them.
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .filter(pk=attempt_id, participant__personnel=user)
        .only("pk", "status", "deadline", "question_ids")
        .first()
    )
    if attempt is None:
        raise ApplicationError(_("This attempt is not yours."))
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise ApplicationError(_("This attempt has been submitted; answers can no longer change."))
    if not attempt.accepts_answers(now):
        raise ApplicationError(_("Time is up: the answer was not saved."))
    try:
        question_id = int(question_id)
    except (TypeError, ValueError):
        raise ApplicationError(_("Unknown question.")) from None
    if question_id not in attempt.question_ids:
        raise ApplicationError(_("This question is not part of your attempt."))
    key = list(Choice.objects.filter(question_id=question_id).select_related("question"))
    qtype = key[0].question.qtype if key else ""
    try:
        cleaned = grading.clean_response(qtype, key, response)
    except grading.ResponseError as error:
        raise ApplicationError(str(error)) from None
    answer = Answer(attempt_id=attempt.pk, question_id=question_id, response=cleaned, saved_at=now)
    Answer.objects.bulk_create(
        [answer],
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=["response", "saved_at"],
    )
    return answer


# --- submit and grade ----------------------------------------------------------------------
def attempt_submit(*, user, attempt_id: int, now=None) -> Attempt:
    """Submit the user's attempt and grade it, once.

    Idempotent: submitting an attempt that is already finished returns it unchanged. After the
    deadline plus grace it is closed as overdue instead, grading what was saved.
    """
    now = now or timezone.now()
    attempt = Attempt.objects.filter(pk=attempt_id, participant__personnel=user).first()
    if attempt is None:
        raise ApplicationError(_("This attempt is not yours."))
    if attempt.status == Attempt.Status.IN_PROGRESS:
        status = Attempt.Status.OVERDUE if attempt.is_overdue(now) else Attempt.Status.SUBMITTED
        _claim_and_grade(attempt_id=attempt.pk, status=status, now=now)
    return Attempt.objects.select_related("quiz", "participant").get(pk=attempt.pk)


@transaction.atomic
def _claim_and_grade(*, attempt_id: int, status: str, now) -> bool:
    """Flip in_progress → `status` and grade, in one transaction. False if someone else did."""
    claimed = Attempt.objects.filter(pk=attempt_id, status=Attempt.Status.IN_PROGRESS).update(
        status=status, submitted_at=now
    )
    if claimed != 1:
        return False
    attempt = Attempt.objects.select_related("quiz", "participant").get(pk=attempt_id)
    _grade(attempt, now)
    return True


def _grade(attempt: Attempt, now) -> None:
    questions = Question.objects.in_bulk(attempt.question_ids)
    keys: dict[int, list[Choice]] = {}
    for choice in Choice.objects.filter(question_id__in=attempt.question_ids):
        keys.setdefault(choice.question_id, []).append(choice)
    saved = dict(attempt.answers.values_list("question_id", "response"))
    earned, possible = Decimal(0), Decimal(0)
    rows = []
    for qid in attempt.question_ids:
        question = questions.get(qid)
        if question is None:
            continue
        result = grading.grade(question.qtype, keys.get(qid, []), saved.get(qid))
        fraction = result.fraction.quantize(Decimal("0.00001"))
        earned += fraction * question.default_mark
        possible += question.default_mark
        rows.append(
            Answer(
                attempt=attempt,
                question_id=qid,
                response=saved.get(qid) or {},
                saved_at=now,
                fraction=fraction,
            )  # fmt: skip
        )
    # One upsert: graded fractions for saved answers, empty rows for unanswered questions
    # (so statistics count them as wrong).
    Answer.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["attempt", "question"],
        update_fields=["fraction"],
    )  # fmt: skip
    attempt.earned = earned.quantize(Decimal("0.0001"))
    attempt.possible = possible
    attempt.score = grading.percent(earned, possible)
    attempt.graded_at = now
    attempt.save(update_fields=["earned", "possible", "score", "graded_at"])
    _record_result(attempt.quiz, attempt.participant)


def _record_result(quiz: Quiz, participant: Participant) -> None:
    """Write the post-test result (per the grading method) to the session participant."""
    if quiz.kind != Quiz.Kind.POST:
        return
    scores = list(
        Attempt.objects.filter(quiz=quiz, participant=participant, score__isnull=False)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .order_by("number")
        .values_list("score", flat=True)
    )
    score = grading.combine(quiz.grading_method, scores)
    if score is None:
        return
    participant_record_quiz_result(
        participant=participant, score=score, passed=score >= quiz.pass_mark
    )


def attempts_close_overdue(*, now=None, limit: int = 1000) -> int:
    """Close every attempt past its deadline plus grace, grading what was saved. Returns how
    many this call closed; safe to run in parallel with itself and with late submits."""
    now = now or timezone.now()
    due = list(
        Attempt.objects.filter(
            status=Attempt.Status.IN_PROGRESS, deadline__lt=now - Attempt.grace()
        ).values_list("pk", flat=True)[:limit]
    )
    closed = 0
    for attempt_id in due:
        if _claim_and_grade(attempt_id=attempt_id, status=Attempt.Status.OVERDUE, now=now):
            closed += 1
    if closed:
        logger.info("Closed %s overdue quiz attempts", closed)
    return closed
