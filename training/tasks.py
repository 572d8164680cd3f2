"""Thin Celery tasks of the training app; each calls one service and is idempotent."""

from celery import shared_task

from .services.personnel import personnel_import_uploads_purge


@shared_task(name="training.purge_personnel_import_uploads")
def personnel_import_uploads_purge_task() -> int:
    return personnel_import_uploads_purge()
