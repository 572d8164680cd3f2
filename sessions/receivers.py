"""Receivers connected in TrainingSessionsConfig.ready()."""

from __future__ import annotations


def personnel_saved(
    sender, instance, created: bool, update_fields=None, raw: bool = False, **kwargs
):
    """A new, transferred or (de)activated person: refresh the upcoming sessions that concern
    them. Saves that touch neither the unit nor the active flag (e.g. last_login) are ignored."""
    if raw:
        return
    if update_fields is not None and not ({"unit", "is_active"} & set(update_fields)):
        return
    from config.enqueue import task_enqueue_on_commit

    from .tasks import sync_personnel_sessions_task

    # A lost send is caught up by the periodic upcoming_sessions_sync().
    task_enqueue_on_commit(sync_personnel_sessions_task, instance.pk)


def demo_data_seeded(sender, stdout=None, scale: str = "demo", **kwargs):
    from .demo import sessions_demo_seed

    sessions_demo_seed(stdout=stdout, scale=scale)
