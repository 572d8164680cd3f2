"""Thin Celery tasks: ids in, one service call."""

from celery import shared_task

from .services import (
    EXPORT_SOFT_TIME_LIMIT,
    EXPORT_TIME_LIMIT,
    report_job_run,
    report_jobs_sweep,
)


@shared_task(acks_late=True, soft_time_limit=EXPORT_SOFT_TIME_LIMIT, time_limit=EXPORT_TIME_LIMIT)
def report_export_task(job_id: int) -> bool:
    """Idempotent: the job is claimed with a conditional UPDATE (see report_job_run)."""
    return report_job_run(job_id=job_id)


@shared_task
def report_jobs_sweep_task() -> int:
    return report_jobs_sweep()
