"""Demo data: the post-tests of the demo sessions, and the attempts of the finished ones.

- "Cyber Crime" (running now): `data/demo_cyber_crime.gift`, open for the demo Peserta to take.
- The finished series (`sessions.demo.SERIES`): a post-test for the sessions whose module has
  a GIFT file here (`SERIES_GIFT`), taken by most of those who attended, at the times they
  would have. The demo Peserta takes it through every service a browser calls
  (`attempt_start`, `answer_save`, `attempt_submit`) and passes. The others' attempts and
  answers are written in bulk and each submitted through `attempt_submit`, so the service
  grades them and writes the results to the participants as in production. Who answers what
  is decided by `stable_fraction` (deterministic); some fail and most of those retake. At the
  polda scale only the demo scale's people take them.

Idempotent: questions are not imported twice, a quiz is looked up by session and kind, and a
quiz that has attempts gets no more (its attempts are written in one transaction).
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from django.db import transaction

from sessions.demo import PESERTA_NRP, SERIES
from sessions.models import Participant, TrainingSession
from training.models import Module
from training.services.demo import demo_scale_nrps
from training.services.demo_people import stable_fraction

from . import grading
from .models import Answer, Attempt, Category, Choice, Question, Quiz
from .services import answer_save, attempt_start, attempt_submit, questions_import
from .services.attempts import _deal

DATA = Path(__file__).parent / "data"
DEMO_GIFT = DATA / "demo_cyber_crime.gift"
# The series sessions with a post-test, by module. The earlier one had none: its certificates
# rest on attendance alone.
SERIES_GIFT = {
    "cyber-06-disrupsi-penegakan-hukum": DATA / "demo_disrupsi_penegakan_hukum.gift",
}
TAKE_RATE = 0.92  # of those who attended
RETAKE_RATE = 0.6  # of those who failed


def _say(stdout, message: str) -> None:
    if stdout:
        stdout(message)


def _questions_load(*, module: Module, path: Path) -> None:
    report = questions_import(module=module, content=path.read_text(), fmt="gift")
    if not report.ok:  # the bundled files are tested; this guards against editing mistakes
        raise RuntimeError(f"Demo GIFT file {path.name} has errors: {report.errors}")


def _post_test(*, session: TrainingSession, module: Module, category: str, **settings) -> Quiz:
    quiz, created = Quiz.objects.get_or_create(
        session=session,
        kind=Quiz.Kind.POST,
        defaults={
            "title": f"Post-test: {session.title}"[:255],
            "open_at": session.start_at,
            "close_at": session.end_at + timedelta(days=7),
            "attempts_allowed": 2,
            "pass_mark": 70,
            "review_after_submit": Quiz.Review.FEEDBACK,
            "review_after_close": Quiz.Review.ANSWERS,
            "created_by": session.led_by,
            **settings,
        },
    )
    if created:
        quiz.categories.set(Category.objects.filter(module=module, name=category))
    return quiz


@transaction.atomic
def quiz_demo_seed(*, stdout=None, scale: str = "demo") -> Quiz | None:
    """The post-tests of the demo sessions. Returns the "Cyber Crime" one (None without that
    session); the series' quizzes and attempts are added as well."""
    _series_quizzes_seed(stdout=stdout, scale=scale)
    session = (
        TrainingSession.objects.filter(title__icontains="Cyber Crime")
        .exclude(title__in=[s.title for s in SERIES])
        .order_by("pk")
        .first()
    )
    if session is None:
        _say(stdout, "quizzes: no Cyber Crime demo session; no demo quiz.")
        return None
    link = session.session_modules.select_related("module").order_by("order", "id").first()
    module = link.module if link else None
    if module is None:
        module, _created = Module.objects.get_or_create(
            code="cyber-crime", defaults={"title": "Penanganan Cyber Crime"}
        )
    _questions_load(module=module, path=DEMO_GIFT)
    quiz = _post_test(
        session=session, module=module, category="Cyber Crime/Post-test", time_limit_minutes=20
    )
    _say(stdout, f"quizzes: demo post-test “{quiz.title}”.")
    return quiz


# --- The finished series ----------------------------------------------------------------------


def _series_quizzes_seed(*, stdout, scale: str) -> None:
    takers = None if scale == "demo" else demo_scale_nrps()
    for series in SERIES:
        session = TrainingSession.objects.filter(title=series.title).order_by("pk").first()
        module = Module.objects.filter(code=series.module).first()
        path = SERIES_GIFT.get(series.module)
        if session is None or module is None or path is None:
            continue
        _questions_load(module=module, path=path)
        category = path.read_text().split("$CATEGORY:", 1)[1].splitlines()[0].strip()
        quiz = _post_test(session=session, module=module, category=category, time_limit_minutes=15)
        if Attempt.objects.filter(quiz=quiz).exists():
            continue
        made = _series_attempts_seed(quiz=quiz, takers=takers)
        _say(stdout, f"quizzes: {made} attempts at “{quiz.title}”.")


def _response(question: Question, choices: list[Choice], *, correct: bool) -> dict:
    """What a participant who knows (or does not know) the answer sends for `question`."""
    best = max(choices, key=lambda c: c.fraction)
    if question.qtype in (Question.Type.SINGLE, Question.Type.TRUEFALSE):
        pick = best if correct else min(choices, key=lambda c: c.fraction)
        return {"choice": pick.pk}
    if question.qtype == Question.Type.MULTI:
        right = [c.pk for c in choices if c.fraction > 0]
        return {"choices": right if correct else right[:1]}
    if question.qtype == Question.Type.SHORTANSWER:
        return {"text": best.text if correct else "tidak tahu"}
    if question.qtype == Question.Type.NUMERICAL:
        return {"value": best.text if correct else str(int(best.text) + 1)}
    if question.qtype == Question.Type.MATCHING:
        items = [c for c in choices if c.text]
        answers = [c.match_text for c in items]
        if not correct:
            answers = answers[1:] + answers[:1]
        return {"matches": {str(c.pk): a for c, a in zip(items, answers, strict=True)}}
    raise ValueError(f"no demo answer for a {question.qtype} question")


def _attempt_take(*, quiz: Quiz, participant: Participant, at, bank: dict) -> Attempt:
    """The demo Peserta's attempt, through every service a browser calls."""
    person = participant.personnel
    attempt = attempt_start(user=person, quiz=quiz, now=at)
    for minute, qid in enumerate(attempt.question_ids, start=1):
        question, choices = bank[qid]
        correct = question.qtype != Question.Type.MULTI  # 80%: a pass, not a perfect score
        answer_save(
            user=person,
            attempt_id=attempt.pk,
            question_id=qid,
            response=_response(question, choices, correct=correct),
            now=at + timedelta(minutes=minute),
        )
    return attempt_submit(user=person, attempt_id=attempt.pk, now=at + timedelta(minutes=9))


def _attempts_write(*, quiz: Quiz, plans: list[tuple[Participant, int, object, float]], bank):
    """Everyone else's attempts: what `attempt_start` and `answer_save` store, written in bulk
    (a few hundred attempts one request at a time take most of a minute), then each submitted
    through `attempt_submit`, which grades it and records the result on the participant as
    in production. Dealing uses the service's own dealer with a fixed seed. `plans` holds
    (participant, attempt number, start time, ability)."""
    title = quiz.session.title
    attempts, answers = [], []
    for participant, number, at, ability in plans:
        nrp = participant.personnel.nrp
        seed = int(stable_fraction(title, nrp, number, "deal") * 2**32)
        question_ids, order = _deal(quiz, random.Random(seed))  # noqa: S311 - not security
        attempt = Attempt(
            quiz=quiz,
            participant=participant,
            number=number,
            started_at=at,
            deadline=min(at + timedelta(minutes=quiz.time_limit_minutes), quiz.close_at),
            question_ids=question_ids,
            choice_order=order,
        )
        attempts.append(attempt)
        for minute, qid in enumerate(question_ids, start=1):
            question, choices = bank[qid]
            correct = stable_fraction(title, nrp, question.name, number) < ability
            response = _response(question, choices, correct=correct)
            answers.append(
                (
                    attempt,
                    qid,
                    grading.clean_response(question.qtype, choices, response),
                    at + timedelta(minutes=minute),
                )
            )
    Attempt.objects.bulk_create(attempts)
    Answer.objects.bulk_create(
        [Answer(attempt=a, question_id=q, response=r, saved_at=t) for a, q, r, t in answers]
    )
    return [
        attempt_submit(
            user=participant.personnel,
            attempt_id=attempt.pk,
            now=at + timedelta(minutes=len(attempt.question_ids) + 4),
        )
        for attempt, (participant, _n, at, _a) in zip(attempts, plans, strict=True)
    ]


def _series_attempts_seed(*, quiz: Quiz, takers: frozenset[str] | None) -> int:
    """Attempts of those who attended `quiz`'s session (only `takers`, when given)."""
    questions = Question.objects.filter(category__in=quiz.categories.all(), is_active=True)
    bank: dict[int, tuple[Question, list[Choice]]] = {q.pk: (q, []) for q in questions}
    for choice in Choice.objects.filter(question_id__in=bank).order_by("position", "pk"):
        bank[choice.question_id][1].append(choice)
    session, title = quiz.session, quiz.session.title
    attended = (
        session.participants.filter(
            attendance_status__in=[
                Participant.AttendanceStatus.HADIR,
                Participant.AttendanceStatus.TERLAMBAT,
            ]
        )
        .select_related("personnel", "session")
        .order_by("pk")
    )
    made = 0
    firsts = []
    for participant in attended:
        nrp = participant.personnel.nrp
        at = session.end_at + timedelta(minutes=10 + int(1200 * stable_fraction(title, nrp, "at")))
        if nrp == PESERTA_NRP:
            _attempt_take(quiz=quiz, participant=participant, at=at, bank=bank)
            made += 1
        elif (takers is None or nrp in takers) and stable_fraction(title, nrp, "quiz") < TAKE_RATE:
            firsts.append(
                (participant, 1, at, 0.45 + 0.55 * stable_fraction(title, nrp, "ability"))
            )
    graded = _attempts_write(quiz=quiz, plans=firsts, bank=bank)
    retakes = [
        (participant, 2, at + timedelta(days=1), min(1.0, ability + 0.25))
        for attempt, (participant, _n, at, ability) in zip(graded, firsts, strict=True)
        if attempt.score < quiz.pass_mark
        and stable_fraction(title, participant.personnel.nrp, "retake") < RETAKE_RATE
    ]
    _attempts_write(quiz=quiz, plans=retakes, bank=bank)
    return made + len(firsts) + len(retakes)
