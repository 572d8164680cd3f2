"""Rendering a certificate's snapshot into its PDF and storing it.

`certificate_render` is what the Celery task runs. It claims the row with a conditional UPDATE
(so two workers handed the same id do not both render), renders the frozen snapshot, replaces the
stored file under a fixed name, and marks the row ready. Running it twice yields one file and the
same number: the number was given at issue and the file name is derived from the row.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from training.errors import ApplicationError

from ..models import Certificate
from ..pdf import CertificateData, render_certificate

logger = logging.getLogger(__name__)

RENDERABLE = (Certificate.Status.PENDING, Certificate.Status.READY, Certificate.Status.FAILED)


def claim_lease() -> timedelta:
    """How long a claim protects a render in progress; after that a sweep may take it over."""
    return timedelta(seconds=getattr(settings, "CERTIFICATES_CLAIM_LEASE_SECONDS", 600))


def verification_url(code: str) -> str:
    base = getattr(settings, "CERTIFICATES_PUBLIC_BASE_URL", "http://localhost:8000")
    return base.rstrip("/") + reverse("certificate-verify", args=[code])


def certificate_file_name(certificate: Certificate) -> str:
    return (
        f"certificates/{certificate.issuer.code}/{certificate.year}/"
        f"{certificate.sequence:04d}-{certificate.code}.pdf"
    )


class SignatureImageMissing(Exception):
    pass


def _signature_bytes(name: str) -> bytes | None:
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise SignatureImageMissing(f"signature image {name} is missing from storage") from exc


def certificate_data(*, certificate: Certificate) -> CertificateData:
    """The renderer's input, from the snapshot only."""
    return CertificateData(
        number=certificate.number,
        verification_url=verification_url(certificate.code),
        verification_code=certificate.code,
        recipient_name=certificate.recipient_name,
        recipient_nrp=certificate.recipient_nrp,
        recipient_rank=certificate.recipient_rank,
        recipient_unit=certificate.recipient_unit,
        session_title=certificate.session_title,
        session_start=certificate.session_start,
        session_end=certificate.session_end,
        issued_on=certificate.issued_on,
        issuer_heading=tuple(certificate.issuer_heading),
        signatory_name=certificate.signatory_name,
        signatory_rank=certificate.signatory_rank,
        signatory_nrp=certificate.signatory_nrp,
        signatory_position=certificate.signatory_position,
        issued_place=certificate.issued_place,
        modules=tuple(certificate.modules),
        signature_image=_signature_bytes(certificate.signature_image),
    )


def _claim(certificate_id: int, *, force: bool) -> datetime | None:
    """Take the row for rendering; returns the claim's timestamp, or None if it is not ours
    (already rendered, revoked, or being rendered by someone else within the lease)."""
    now = timezone.now()
    statuses = RENDERABLE if force else (Certificate.Status.PENDING,)
    claimed = (
        Certificate.objects.filter(pk=certificate_id, status__in=statuses)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lease()))
        .update(claimed_at=now, render_attempts=F("render_attempts") + 1)
    )
    return now if claimed else None


def _store(certificate: Certificate, pdf: bytes) -> str:
    """Replace the stored file: one file per certificate, whatever the number of renders."""
    name = certificate_file_name(certificate)
    if certificate.file.name and certificate.file.name != name:
        default_storage.delete(certificate.file.name)
    default_storage.delete(name)
    return default_storage.save(name, ContentFile(pdf))


def certificate_render(*, certificate_id: int, force: bool = False) -> bool:
    """Render and store a pending certificate (with `force`, also a ready or failed one: the
    download of a missing file). Returns True when this call rendered it.

    A failure of the renderer marks the row failed with the error; storage errors (OSError)
    release the claim and propagate, so the task retries with backoff.
    """
    claimed_at = _claim(certificate_id, force=force)
    if claimed_at is None:
        return False
    certificate = Certificate.objects.select_related("issuer").get(pk=certificate_id)
    try:
        pdf = render_certificate(certificate_data(certificate=certificate))
    except Exception as exc:  # any renderer failure belongs to this one certificate
        logger.exception("certificate %s failed to render", certificate_id)
        Certificate.objects.filter(pk=certificate_id, claimed_at=claimed_at).exclude(
            status=Certificate.Status.REVOKED
        ).update(
            status=Certificate.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            claimed_at=None,
            updated_at=timezone.now(),
        )
        return False
    try:
        name = _store(certificate, pdf)
    except OSError:
        Certificate.objects.filter(pk=certificate_id, claimed_at=claimed_at).update(claimed_at=None)
        raise
    finished = (
        Certificate.objects.filter(pk=certificate_id, claimed_at=claimed_at)
        .exclude(status=Certificate.Status.REVOKED)
        .update(
            status=Certificate.Status.READY,
            file=name,
            error="",
            rendered_at=timezone.now(),
            claimed_at=None,
            updated_at=timezone.now(),
        )
    )
    if not finished:  # revoked while rendering: keep the record, release the claim
        Certificate.objects.filter(pk=certificate_id, claimed_at=claimed_at).update(
            claimed_at=None, file=name
        )
    return bool(finished)


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The certificate's PDF for a download. A missing file is rendered on the spot (and
    stored); if another process holds the claim right now, the snapshot is rendered for this
    response without storing it — the result is the same document."""
    name = certificate.file.name
    if name and default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    if certificate_render(certificate_id=certificate.pk, force=True):
        certificate.refresh_from_db()
        with default_storage.open(certificate.file.name, "rb") as handle:
            return handle.read()
    certificate.refresh_from_db()
    if certificate.status == Certificate.Status.FAILED:
        raise ApplicationError(
            _("This certificate could not be produced: %(error)s") % {"error": certificate.error}
        )
    return render_certificate(certificate_data(certificate=certificate))
