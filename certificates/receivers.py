"""Reactions to lower apps' signals: auto-issue on completion, and demo certificates."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def participant_changed(sender, participant, **kwargs) -> None:
    """Sent by sessions after commit when attendance or the quiz result changes.

    Only enqueues: issuing (rule check, numbering, snapshot) takes a worker's time, and a Zoom
    import or the ALPA sweep announces thousands of participants at once. The task re-reads the
    participant and is idempotent; the periodic sweep issues whatever a lost message missed."""
    from config.enqueue import task_enqueue_on_commit

    from .tasks import certificate_auto_issue_task

    task_enqueue_on_commit(certificate_auto_issue_task, participant.pk)


def demo_data_seeded(sender, stdout=None, scale: str = "demo", **kwargs) -> None:
    """Issue certificates for the demo's finished sessions (idempotent)."""
    from .services.demo import certificates_demo_seed

    issued = certificates_demo_seed(scale=scale)
    if stdout is not None:
        stdout(f"certificates: {issued} issued for finished demo sessions")
