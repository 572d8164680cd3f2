"""Reactions to lower apps' signals: auto-issue on completion, and demo certificates."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def participant_changed(sender, participant, **kwargs) -> None:
    """Sent by sessions after commit when attendance or the quiz result changes."""
    from .services import certificate_auto_issue

    certificate_auto_issue(participant=participant)


def demo_data_seeded(sender, stdout=None, scale: str = "demo", **kwargs) -> None:
    """Issue certificates for the demo's finished sessions (idempotent)."""
    from .services.demo import certificates_demo_seed

    issued = certificates_demo_seed()
    if stdout is not None:
        stdout(f"certificates: {issued} issued for finished demo sessions")
