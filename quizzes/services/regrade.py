"""Recompute participants' post-test results after the grading method or the pass mark changed.

Attempt scores never change (a submitted attempt is immutable); what changes is how they are
combined (highest / last / first / average) and the pass mark, so the result stored on each
session participant is recomputed from the attempts and written through
`sessions.services.participant_record_quiz_result`, which announces `participant_changed` when
(and only when) the result changed. Certificates react through their existing receiver: a
participant who now passes gets the auto-issue path; one who no longer passes keeps a certificate
already issued (the certificates app only revokes by hand, with a reason).

The quiz row is the truth: `quiz_regrade_request` stamps `regrade_requested_at` in the caller's
transaction and enqueues the task after commit; the run stamps `regrade_finished_at` with the
request it served; `quiz_regrades_sweep` re-enqueues quizzes left due (lost message, killed
worker). Running the recompute twice changes nothing the second time.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from config.enqueue import task_enqueue_on_commit
from sessions.models import Participant
from sessions.services import participant_record_quiz_result

from .. import grading
from ..models import Attempt, Quiz

logger = logging.getLogger(__name__)

BATCH = 500
SWEEP_GRACE = timedelta(minutes=2)
# Seconds a task spends before handing the rest to a fresh task (under the soft time limit).
TIME_BUDGET = 120.0


def quiz_regrade_request(*, quiz: Quiz) -> None:
    """Mark the quiz's results as due for recomputing and enqueue the run after commit."""
    from ..tasks import quiz_results_recompute_task

    Quiz.objects.filter(pk=quiz.pk).update(
        regrade_requested_at=timezone.now(), regrade_done=0, regrade_total=0, regrade_cursor=0
    )
    # A lost send (broker down) is found again by quiz_regrades_sweep().
    task_enqueue_on_commit(quiz_results_recompute_task, quiz.pk)


@dataclass
class RecomputeRun:
    changed: int = 0  # participants whose stored result this run changed
    complete: bool = True  # False: stopped at the time budget (or a newer request took over)


def quiz_results_recompute(*, quiz_id: int, time_budget: float | None = None) -> RecomputeRun:
    """Recompute the stored post-test result of every participant with a graded attempt, in
    participant order and batches of `BATCH`, recording progress and a cursor on the quiz.

    A run of a pending request resumes after the cursor; with `time_budget` (seconds) it stops
    after the batch that exceeds it (`complete=False`), to be continued by another run. A run
    notices a newer request (the cursor no longer moves) and leaves the rest to that request's
    run. Idempotent: only changed results are written. A pre-test stores no results, so only
    the run is stamped."""
    started = time.monotonic()
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return RecomputeRun()
    token = quiz.regrade_requested_at
    cursor = quiz.regrade_cursor if quiz.regrade_pending else 0
    graded = Attempt.objects.filter(quiz=quiz, score__isnull=False).exclude(
        status=Attempt.Status.IN_PROGRESS
    )
    ids: list[int] = []
    if quiz.kind == Quiz.Kind.POST:
        ids = sorted(set(graded.values_list("participant_id", flat=True)))
    mine = Q(pk=quiz.pk, regrade_requested_at=token) if token else Q(pk=quiz.pk)
    todo = [pk for pk in ids if pk > cursor]
    done = len(ids) - len(todo)
    Quiz.objects.filter(mine).update(regrade_total=len(ids), regrade_done=done)
    run = RecomputeRun()
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        # Scores read per batch, just before writing, so a submit landing during a long run
        # is not overwritten by a result computed from older attempts.
        scores: dict[int, list] = {}
        rows = graded.filter(participant_id__in=chunk).order_by("participant_id", "number")
        for participant_id, score in rows.values_list("participant_id", "score"):
            scores.setdefault(participant_id, []).append(score)
        for participant in Participant.objects.filter(pk__in=chunk):
            score = grading.combine(quiz.grading_method, scores[participant.pk])
            passed = score >= quiz.pass_mark
            if participant.quiz_score != score or participant.quiz_passed is not passed:
                participant_record_quiz_result(participant=participant, score=score, passed=passed)
                run.changed += 1
        done += len(chunk)
        moved = Quiz.objects.filter(mine).update(regrade_done=done, regrade_cursor=chunk[-1])
        if not moved:  # a newer request reset the quiz: its own run starts over
            run.complete = False
            break
        if time_budget is not None and time.monotonic() - started > time_budget:
            run.complete = start + BATCH >= len(todo)
            break
    if run.complete:
        # Stamp the request this run served; one made meanwhile leaves the quiz due.
        Quiz.objects.filter(mine).update(regrade_finished_at=token)
    if run.changed:
        logger.info("Quiz %s: %s participants' results recomputed", quiz.pk, run.changed)
    return run


def quiz_regrades_sweep(*, now=None) -> int:
    """Re-enqueue recomputes requested more than `SWEEP_GRACE` ago and still not finished."""
    from ..tasks import quiz_results_recompute_task

    now = now or timezone.now()
    due = list(
        Quiz.objects.filter(
            regrade_requested_at__isnull=False, regrade_requested_at__lt=now - SWEEP_GRACE
        )
        .exclude(regrade_finished_at=F("regrade_requested_at"))
        .values_list("pk", flat=True)
    )
    for quiz_id in due:
        quiz_results_recompute_task.delay(quiz_id)
    return len(due)
