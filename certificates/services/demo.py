"""Demo data: certificates for the eligible participants of finished sessions."""

from __future__ import annotations

from django.utils import timezone

from sessions.models import TrainingSession

from .issuing import certificate_issue
from .rules import participants_eligible, rule_context


def certificates_demo_seed() -> int:
    """Issue to every eligible participant of finished sessions who has no certificate yet.
    Idempotent: a second run issues nothing. Returns how many were issued."""
    issued = 0
    finished = TrainingSession.objects.filter(
        status=TrainingSession.Status.FINISHED, end_at__lte=timezone.now()
    ).select_related("host_unit")
    for session in finished:
        context = rule_context(session=session)
        due = participants_eligible(session=session, context=context).filter(
            certificates__isnull=True
        )
        for participant in due.select_related("personnel"):
            certificate_issue(participant=participant, context=context)
            issued += 1
    return issued
