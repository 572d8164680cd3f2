"""The Celery application.

The database row is the truth and the queue only a nudge: tasks take ids, re-read state and are
idempotent, so `acks_late` with `task_reject_on_worker_lost` is safe and a killed worker loses
nothing. Periodic sweepers (see CELERY_BEAT_SCHEDULE) re-enqueue rows left pending.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("polri_belajar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
    enable_utc=True,
)


app.autodiscover_tasks()
