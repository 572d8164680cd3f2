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
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from sessions.models import Participant
from sessions.services import participant_record_quiz_result

from .. import grading
from ..models import Attempt, Quiz

logger = logging.getLogger(__name__)

BATCH = 500
SWEEP_GRACE = timedelta(minutes=2)


def quiz_regrade_request(*, quiz: Quiz) -> None:
    """Mark the quiz's results as due for recomputing and enqueue the run after commit."""
    from ..tasks import quiz_results_recompute_task

    Quiz.objects.filter(pk=quiz.pk).update(
        regrade_requested_at=timezone.now(), regrade_done=0, regrade_total=0
    )
    quiz_id = quiz.pk
    transaction.on_commit(lambda: quiz_results_recompute_task.delay(quiz_id))


def quiz_results_recompute(*, quiz_id: int) -> int:
    """Recompute the stored post-test result of every participant with a graded attempt, in
    batches, recording progress on the quiz. Returns how many participants' results changed.
    Idempotent; a pre-test stores no results, so only the run is stamped."""
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return 0
    token = quiz.regrade_requested_at
    graded = Attempt.objects.filter(quiz=quiz, score__isnull=False).exclude(
        status=Attempt.Status.IN_PROGRESS
    )
    ids: list[int] = []
    if quiz.kind == Quiz.Kind.POST:
        ids = sorted(set(graded.values_list("participant_id", flat=True)))
    Quiz.objects.filter(pk=quiz.pk).update(regrade_total=len(ids), regrade_done=0)
    changed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
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
                changed += 1
        Quiz.objects.filter(pk=quiz.pk).update(regrade_done=start + len(chunk))
    # Stamp the request this run served; one made meanwhile leaves the quiz due for another run.
    stamp = Q(regrade_requested_at=token) if token is not None else Q(regrade_requested_at=None)
    Quiz.objects.filter(stamp, pk=quiz.pk).update(regrade_finished_at=token)
    if changed:
        logger.info("Quiz %s: %s participants' results recomputed", quiz.pk, changed)
    return changed


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
