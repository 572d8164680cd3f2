"""Thin Celery tasks: take ids, call one service."""

from celery import shared_task

from .services import attempts_close_overdue, quiz_statistics_compute


@shared_task(acks_late=True)
def attempts_close_overdue_task() -> int:
    """Beat: close attempts past deadline + grace and grade what was saved (each once)."""
    return attempts_close_overdue()


@shared_task(acks_late=True)
def quiz_statistics_compute_task(quiz_id: int) -> int:
    return quiz_statistics_compute(quiz_id=quiz_id)["attempts"]
