"""Thin Celery tasks: take ids, call one service."""

from celery import shared_task

from .models import Quiz
from .services import (
    attempts_close_overdue,
    quiz_regrades_sweep,
    quiz_results_recompute,
    quiz_statistics_compute,
)
from .services.regrade import TIME_BUDGET


@shared_task(acks_late=True)
def attempts_close_overdue_task() -> int:
    """Beat: close attempts past deadline + grace and grade what was saved (each once)."""
    return attempts_close_overdue()


@shared_task(acks_late=True)
def quiz_statistics_compute_task(quiz_id: int) -> int:
    return quiz_statistics_compute(quiz_id=quiz_id)["attempts"]


@shared_task(acks_late=True)
def quiz_results_recompute_task(quiz_id: int) -> int:
    """Recompute participants' results after the grading changed (idempotent; light queue:
    database work only — certificates it makes due are rendered on the heavy queue). A large
    quiz is done in slices of `TIME_BUDGET` seconds, each task enqueueing the next."""
    run = quiz_results_recompute(quiz_id=quiz_id, time_budget=TIME_BUDGET)
    if not run.complete and Quiz.objects.filter(pk=quiz_id).first().regrade_pending:
        quiz_results_recompute_task.delay(quiz_id)
    return run.changed


@shared_task(acks_late=True)
def quiz_regrades_sweep_task() -> int:
    """Beat: re-enqueue recomputes still due (a lost message or a killed worker)."""
    return quiz_regrades_sweep()
