"""The periodic sweep: the database row is the truth, the queue only a nudge.

- Certificates pending for longer than the grace period with no live claim are enqueued again
  (a broker outage, a lost message or a killed worker loses nothing).
- Jobs pending too long, or running with an expired claim, are enqueued again.
- Sessions with automatic issue that ended recently are checked for participants who completed
  without a certificate (e.g. marked HADIR during the session, before it ended).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sessions.models import TrainingSession

from ..models import BulkJob, Certificate
from .issuing import certificate_auto_issue
from .rendering import claim_lease
from .rules import ISSUABLE_SESSION_STATES, participants_eligible, rule_context


def pending_grace() -> timedelta:
    return timedelta(seconds=getattr(settings, "CERTIFICATES_PENDING_GRACE_SECONDS", 300))


def auto_issue_window() -> timedelta:
    return timedelta(days=getattr(settings, "CERTIFICATES_AUTO_ISSUE_WINDOW_DAYS", 14))


@dataclass(frozen=True)
class SweepResult:
    certificates_enqueued: int
    jobs_enqueued: int
    certificates_issued: int


def certificates_stale_pending(*, now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        Certificate.objects.filter(
            status=Certificate.Status.PENDING, updated_at__lt=now - pending_grace()
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lease()))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def jobs_stale(*, now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        BulkJob.objects.filter(
            Q(status=BulkJob.Status.PENDING, created_at__lt=now - pending_grace())
            | Q(status=BulkJob.Status.RUNNING, claimed_at__lt=now - claim_lease())
        ).values_list("pk", flat=True)
    )


def certificates_issue_due(*, now=None) -> int:
    """Issue to participants of recently ended auto-issue sessions who completed without a
    certificate. Returns how many were issued."""
    now = now or timezone.now()
    sessions = TrainingSession.objects.filter(
        status__in=ISSUABLE_SESSION_STATES,
        end_at__lte=now,
        end_at__gte=now - auto_issue_window(),
    ).exclude(completion_rule__auto_issue=False)
    issued = 0
    for session in sessions.select_related("host_unit"):
        context = rule_context(session=session, now=now)
        due = participants_eligible(session=session, context=context).filter(
            certificates__isnull=True
        )
        for participant in due:
            if certificate_auto_issue(participant=participant) is not None:
                issued += 1
    return issued


def certificates_sweep(*, now=None) -> SweepResult:
    """One sweep. Safe to run concurrently with workers and with itself: rendering and jobs
    claim their rows, and issuing is idempotent."""
    from ..tasks import bulk_job_run_task, certificate_render_task

    now = now or timezone.now()
    stale = certificates_stale_pending(now=now)
    for certificate_id in stale:
        certificate_render_task.delay(certificate_id)
    jobs = jobs_stale(now=now)
    for job_id in jobs:
        bulk_job_run_task.delay(job_id)
    issued = certificates_issue_due(now=now)
    return SweepResult(
        certificates_enqueued=len(stale), jobs_enqueued=len(jobs), certificates_issued=issued
    )
