"""Handing work to Celery without letting a broker outage fail the request that asked for it.

The database row is the truth and the queue only a nudge: every task sent through here has a
row (or a cheaper fallback) that a periodic sweeper finds again. So when the broker cannot be
reached — Redis down, restarting or hung — the request that created the row still answers; the
enqueue is logged and skipped, and the sweeper sends the work once the broker is back. The
broker's connect and socket timeouts (config/settings/base.py) bound how long a send may wait.
"""

from __future__ import annotations

import logging

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def task_enqueue(task: Task, *args: int) -> bool:
    """Send `task(*args)` to the broker now. Returns False, after logging a warning, when the
    broker cannot be reached. Only for tasks whose work a sweeper finds again (a pending row) or
    that may be skipped; errors other than the broker's propagate (eager tasks in tests too)."""
    try:
        task.delay(*args)
    except OperationalError as exc:
        logger.warning(
            "Broker unreachable; %s%r left for the sweeper: %s", task.name, tuple(args), exc
        )
        return False
    return True


def task_enqueue_on_commit(task: Task, *args: int) -> None:
    """`task_enqueue(task, *args)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_enqueue(task, *args))
