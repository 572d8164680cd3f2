"""Receivers connected in TrainingSessionsConfig.ready()."""

from __future__ import annotations

from django.db import transaction


def personnel_saved(
    sender, instance, created: bool, update_fields=None, raw: bool = False, **kwargs
):
    """A new, transferred or (de)activated person: refresh the upcoming sessions that concern
    them. Saves that touch neither the unit nor the active flag (e.g. last_login) are ignored."""
    if raw:
        return
    if update_fields is not None and not ({"unit", "is_active"} & set(update_fields)):
        return
    from .tasks import sync_personnel_sessions_task

    transaction.on_commit(lambda: sync_personnel_sessions_task.delay(instance.pk))


def demo_data_seeded(sender, stdout=None, scale: str = "demo", **kwargs):
    from .demo import sessions_demo_seed

    sessions_demo_seed(stdout=stdout, scale=scale)
