"""Thin Celery tasks: each calls one service and returns a small summary. All are idempotent
(work is claimed with conditional UPDATEs), so beat running twice does no harm."""

from celery import shared_task

from . import services


@shared_task(name="sessions.send_reminders")
def send_session_reminders_task() -> int:
    return services.session_reminders_send()


@shared_task(name="sessions.sweep_alpa")
def sweep_alpa_task() -> int:
    return services.attendance_sweep_alpa()


@shared_task(name="sessions.advance_statuses")
def advance_session_statuses_task() -> dict:
    return services.session_statuses_advance()


@shared_task(name="sessions.sync_participants")
def sync_upcoming_participants_task() -> int:
    return services.upcoming_sessions_sync()


@shared_task(name="sessions.purge_zoom_previews")
def zoom_import_previews_purge_task() -> int:
    return services.zoom_import_previews_purge()


@shared_task(name="sessions.sync_personnel")
def sync_personnel_sessions_task(personnel_id: int) -> int:
    from training.models import Personnel

    personnel = Personnel.objects.filter(pk=personnel_id).select_related("unit").first()
    if personnel is None:
        return 0
    return services.personnel_sessions_sync(personnel=personnel)
