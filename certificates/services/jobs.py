"""Bulk work on a session's certificates, tracked by `BulkJob` rows.

- Issue for everyone eligible: the job row is created pending and a task creates the
  certificates (each in its own short transaction, each rendered by its own task), counting
  progress. Re-running the job issues nobody twice.
- ZIP: a task packs the session's rendered certificates that the requester may see into one
  file, rendering any missing file on the way, with progress; downloadable when done.

Jobs are claimed with a conditional UPDATE; a job left running by a killed worker is taken over
by the sweeper after the claim lease.
"""

from __future__ import annotations

import logging
import re
import tempfile
import zipfile
from datetime import datetime

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.enqueue import task_enqueue_on_commit
from sessions.models import TrainingSession
from training.errors import ApplicationError
from training.models import Personnel

from ..models import BulkJob, Certificate
from .issuing import certificate_issue
from .rendering import certificate_pdf, claim_lease
from .rules import participants_eligible, rule_context

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 10


def _enqueue_job(job: BulkJob) -> None:
    from ..tasks import bulk_job_run_task

    task_enqueue_on_commit(bulk_job_run_task, job.pk)  # lost sends: jobs_stale() finds the row


@transaction.atomic
def certificates_issue_bulk(*, session: TrainingSession, requested_by: Personnel) -> BulkJob:
    """Start issuing certificates to every eligible participant of `session`. One job at a time
    per session: a running one is returned instead of starting another. Requests for the same
    session queue on its row, so two trainers pressing the button at once start one job."""
    TrainingSession.objects.select_for_update().filter(pk=session.pk).values_list("pk").get()
    running = BulkJob.objects.filter(
        session=session,
        kind=BulkJob.Kind.ISSUE,
        status__in=(BulkJob.Status.PENDING, BulkJob.Status.RUNNING),
    ).first()
    if running is not None:
        return running
    context = rule_context(session=session)
    total = participants_eligible(session=session, context=context).count()
    if total == 0:
        raise ApplicationError(_("No participant of this session meets the completion rule yet."))
    job = BulkJob.objects.create(
        kind=BulkJob.Kind.ISSUE, session=session, total=total, requested_by=requested_by
    )
    _enqueue_job(job)
    return job


@transaction.atomic
def certificates_zip_request(*, session: TrainingSession, requested_by: Personnel) -> BulkJob:
    """Start building a ZIP of the session's certificates that `requested_by` may see."""
    from ..selectors import certificates_visible_to

    total = (
        certificates_visible_to(user=requested_by)
        .filter(participant__session=session)
        .exclude(status=Certificate.Status.REVOKED)
        .count()
    )
    if total == 0:
        raise ApplicationError(_("There are no certificates to pack for this session."))
    job = BulkJob.objects.create(
        kind=BulkJob.Kind.ZIP, session=session, total=total, requested_by=requested_by
    )
    _enqueue_job(job)
    return job


def _claim_job(job_id: int) -> datetime | None:
    now = timezone.now()
    claimed = (
        BulkJob.objects.filter(pk=job_id)
        .filter(
            Q(status=BulkJob.Status.PENDING)
            | Q(status=BulkJob.Status.RUNNING, claimed_at__lt=now - claim_lease())
        )
        .update(status=BulkJob.Status.RUNNING, claimed_at=now)
    )
    return now if claimed else None


def _progress(job_id: int, claimed_at: datetime, progress: int, **extra) -> None:
    BulkJob.objects.filter(pk=job_id, claimed_at=claimed_at).update(progress=progress, **extra)


def bulk_job_run(*, job_id: int) -> bool:
    """Run a pending job (what the task does). Returns False when it was not ours to run."""
    claimed_at = _claim_job(job_id)
    if claimed_at is None:
        return False
    job = BulkJob.objects.select_related("session", "requested_by").get(pk=job_id)
    try:
        if job.kind == BulkJob.Kind.ISSUE:
            _run_issue(job, claimed_at)
        else:
            _run_zip(job, claimed_at)
    except (OSError, OperationalError):
        # Transient: hand the job back so the retry (or the sweeper) can claim it again.
        BulkJob.objects.filter(pk=job_id, claimed_at=claimed_at).update(
            status=BulkJob.Status.PENDING, claimed_at=None
        )
        raise
    except Exception as exc:  # anything else will fail again: record it on the job
        BulkJob.objects.filter(pk=job_id, claimed_at=claimed_at).update(
            status=BulkJob.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
            claimed_at=None,
        )
        raise
    return True


def _finish(job: BulkJob, claimed_at: datetime, **fields) -> None:
    BulkJob.objects.filter(pk=job.pk, claimed_at=claimed_at).update(
        status=BulkJob.Status.DONE, finished_at=timezone.now(), claimed_at=None, **fields
    )


def _run_issue(job: BulkJob, claimed_at: datetime) -> None:
    context = rule_context(session=job.session)
    eligible = participants_eligible(session=job.session, context=context)
    total = eligible.count()
    to_issue = list(eligible.filter(certificates__isnull=True).values_list("pk", flat=True))
    done = total - len(to_issue)  # issued before (automatically or by an earlier run)
    _progress(job.pk, claimed_at, done, total=total)
    participants = job.session.participants.select_related("personnel").in_bulk(to_issue)
    skipped: list[str] = []
    for index, participant_id in enumerate(to_issue, start=1):
        try:
            certificate_issue(
                participant=participants[participant_id],
                issued_by=job.requested_by,
                bulk_job=job,
                context=context,
            )
            done += 1
        except ApplicationError as exc:  # e.g. revoked meanwhile: report it and go on
            skipped.append(exc.message)
        if index % PROGRESS_EVERY == 0:
            _progress(job.pk, claimed_at, done)
    _finish(job, claimed_at, progress=done, error="\n".join(skipped[:50]))


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "sertifikat"


def _run_zip(job: BulkJob, claimed_at: datetime) -> None:
    from ..selectors import certificates_visible_to

    certificates = list(
        certificates_visible_to(user=job.requested_by)
        .filter(participant__session=job.session)
        .exclude(status=Certificate.Status.REVOKED)
        .order_by("sequence")
    )
    BulkJob.objects.filter(pk=job.pk, claimed_at=claimed_at).update(total=len(certificates))
    problems: list[str] = []
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for index, certificate in enumerate(certificates, start=1):
                try:
                    pdf = certificate_pdf(certificate=certificate)
                except ApplicationError as exc:
                    problems.append(f"{certificate.number}: {exc.message}")
                else:
                    archive.writestr(
                        f"{_safe_name(certificate.number)}_"
                        f"{_safe_name(certificate.recipient_name)}.pdf",
                        pdf,
                    )
                if index % PROGRESS_EVERY == 0:
                    _progress(job.pk, claimed_at, index)
        spool.seek(0)
        name = f"certificates/zips/session-{job.session_id}-job-{job.pk}.zip"
        default_storage.delete(name)
        stored = default_storage.save(name, File(spool, name=name))
    _finish(job, claimed_at, progress=len(certificates), file=stored, error="\n".join(problems))
