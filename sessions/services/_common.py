"""Helpers shared by the sessions services."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..models import Participant
from ..signals import participant_changed


def announce_participants(participant_ids: Iterable[int]) -> None:
    """Send `participant_changed` for each participant once the current transaction commits."""
    ids = list(dict.fromkeys(participant_ids))
    if not ids:
        return

    def send() -> None:
        for start in range(0, len(ids), 500):
            chunk = Participant.objects.filter(pk__in=ids[start : start + 500]).select_related(
                "session", "personnel"
            )
            for participant in chunk:
                participant_changed.send(sender=Participant, participant=participant)

    transaction.on_commit(send)
