"""Demo data: certificates for the eligible participants of finished sessions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sessions.models import TrainingSession
from training.services.demo import DEMO_ACCOUNTS, demo_scale_nrps

from ..models import Certificate
from .issuing import certificate_issue
from .rendering import certificate_render
from .rules import participants_eligible, rule_context


@transaction.atomic
def certificates_demo_seed(*, scale: str = "demo") -> int:
    """Issue to every eligible participant of finished sessions who has no certificate yet, and
    render the demo accounts' certificates here, so a new user finds their PDF even before a
    worker runs (a failed one is rendered again). Everyone else's is rendered by the worker
    (enqueued after commit, like any issue; the sweep re-enqueues what a lost message missed).
    Idempotent: a second run issues and renders nothing. One transaction: hundreds of commits
    would each wait for the disk. At the polda scale only the demo scale's people get one:
    issuing thousands more (and queueing as many renders) would take many minutes, for a
    load-test data set. Returns how many were issued."""
    issued = 0
    finished = TrainingSession.objects.filter(
        status=TrainingSession.Status.FINISHED, end_at__lte=timezone.now()
    ).select_related("host_unit")
    for session in finished:
        context = rule_context(session=session)
        due = participants_eligible(session=session, context=context).filter(
            certificates__isnull=True
        )
        if scale != "demo":
            due = due.filter(personnel__nrp__in=demo_scale_nrps())
        for participant in due.select_related("personnel"):
            certificate_issue(participant=participant, context=context)
            issued += 1
    accounts = [spec.nrp for spec in DEMO_ACCOUNTS.values()]
    unrendered = Certificate.objects.filter(
        status__in=[Certificate.Status.PENDING, Certificate.Status.FAILED],
        participant__personnel__nrp__in=accounts,
    ).order_by("pk")
    for certificate_id, status in unrendered.values_list("pk", "status"):
        # The service the render task calls: it claims the row, so the task enqueued at issue
        # finds it rendered and does nothing. A failed one (say, a broken install during an
        # earlier run) is tried again, so the demo accounts never keep a failed certificate.
        certificate_render(certificate_id=certificate_id, force=status == Certificate.Status.FAILED)
    return issued
