"""Thin Celery tasks: take ids, call one service. All are idempotent, hence `acks_late`."""

from celery import shared_task
from django.db import OperationalError

from sessions.models import Participant

from .services import (
    bulk_job_run,
    certificate_auto_issue,
    certificate_render,
    certificates_sweep,
)

# Transient: the storage (a network share) or the database hiccups. Anything else is a bug or a
# bad snapshot, recorded on the row by the service rather than retried forever.
TRANSIENT = (OSError, OperationalError)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def certificate_render_task(certificate_id: int) -> bool:
    """Render a pending certificate. Running it twice renders once (the row is claimed)."""
    return certificate_render(certificate_id=certificate_id)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def certificate_auto_issue_task(participant_id: int) -> int | None:
    """Issue the participant's certificate if the session's rule says it is due (enqueued by
    the `participant_changed` receiver). Running it twice issues once; a participant removed
    meanwhile is skipped. Returns the id of a certificate issued by this run, else None."""
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is None:
        return None
    certificate = certificate_auto_issue(participant=participant)
    return certificate.pk if certificate is not None else None


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def bulk_job_run_task(job_id: int) -> bool:
    """Run a bulk issue or ZIP job; a second delivery finds the job claimed and returns."""
    return bulk_job_run(job_id=job_id)


@shared_task(acks_late=True)
def certificates_sweep_task() -> dict:
    """Beat: re-enqueue stuck certificates and jobs, issue to those who completed."""
    result = certificates_sweep()
    return {
        "certificates_enqueued": result.certificates_enqueued,
        "jobs_enqueued": result.jobs_enqueued,
        "certificates_issued": result.certificates_issued,
    }
