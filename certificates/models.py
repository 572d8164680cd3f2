"""Certificates: the completion rule, issued certificates, their numbering counters, the issuing
units' letterhead and signatory, and job rows for bulk work.

A `Certificate` row is the truth: it is created `pending` in the transaction that made it due,
with its number, verification code and a snapshot of everything printed on it; a Celery task only
renders the snapshot into a PDF. A participant has at most one certificate that is not revoked;
a revoked one stays (its number is never reused and its code verifies as revoked), and a re-issue
after a correction is a new certificate that `replaces` it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sessions.models import Participant, TrainingSession
from training.models import Unit

DEFAULT_ATTENDANCE_STATUSES = [
    Participant.AttendanceStatus.HADIR.value,
    Participant.AttendanceStatus.TERLAMBAT.value,
]


def _default_attendance_statuses() -> list[str]:
    return list(DEFAULT_ATTENDANCE_STATUSES)


class CompletionRule(models.Model):
    """What a participant of one session must do to earn a certificate.

    Sessions without a row use the defaults of a fresh instance (see `services.rule_for`).
    """

    session = models.OneToOneField(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="completion_rule",
    )
    attendance_statuses = models.JSONField(
        _("attendance statuses that count"), default=_default_attendance_statuses
    )
    min_minutes = models.PositiveIntegerField(
        _("minimum minutes attended"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no minimum."),
    )
    require_quiz = models.BooleanField(
        _("quiz must be passed (when the session has a quiz)"), default=True
    )
    require_material_read = models.BooleanField(
        _("every material of the session's modules must have been opened"), default=False
    )
    auto_issue = models.BooleanField(
        _("issue automatically when a participant completes"), default=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("completion rule")
        verbose_name_plural = _("completion rules")

    def __str__(self) -> str:
        return str(self.session)


class IssuerProfile(models.Model):
    """How one issuing unit's certificates look: letterhead, city and signatory.

    Optional: without it the heading is derived from the unit and the session leader signs.
    """

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="certificate_profile"
    )
    heading = models.TextField(
        _("letterhead"),
        help_text=_(
            "One line per row, e.g. KEPOLISIAN NEGARA REPUBLIK INDONESIA / DAERAH KALIMANTAN BARAT."
        ),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    signatory_name = models.CharField(_("signatory name"), max_length=200)
    signatory_rank = models.CharField(_("signatory rank"), max_length=100, blank=True)
    signatory_nrp = models.CharField(_("signatory NRP"), max_length=18, blank=True)
    signatory_position = models.CharField(
        _("signatory position"), max_length=200, help_text=_("e.g. WAKAPOLDA KALIMANTAN BARAT")
    )
    signature_image = models.ImageField(
        _("signature image"), upload_to="certificates/signatures/", blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("certificate issuer profile")
        verbose_name_plural = _("certificate issuer profiles")

    def __str__(self) -> str:
        return str(self.unit)

    @property
    def heading_lines(self) -> list[str]:
        return [line.strip() for line in self.heading.splitlines() if line.strip()]


class CertificateCounter(models.Model):
    """The last sequence number given per issuing unit and year (gap-free numbering)."""

    issuer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate counter")
        verbose_name_plural = _("certificate counters")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="certificate_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer.code} {self.year}: {self.last}"


class BulkJob(models.Model):
    """Long work on a session's certificates: issuing for everyone eligible, or a ZIP."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issue certificates")
        ZIP = "zip", _("ZIP of certificates")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="certificate_jobs"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    progress = models.PositiveIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(_("file"), upload_to="certificates/zips/", blank=True, max_length=255)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate job")
        verbose_name_plural = _("certificate jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.session}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Certificate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        REVOKED = "revoked", _("Revoked")

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="certificates"
    )
    issuer = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=100, unique=True)
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    error = models.TextField(_("error"), blank=True)

    # --- Snapshot: exactly what is printed, frozen at issue ---
    recipient_name = models.CharField(_("name"), max_length=200)
    recipient_nrp = models.CharField(_("NRP/NIP"), max_length=18)
    recipient_rank = models.CharField(_("rank"), max_length=100, blank=True)
    recipient_unit = models.CharField(_("unit"), max_length=255)
    session_title = models.CharField(_("session"), max_length=255)
    session_start = models.DateField(_("session date"))
    session_end = models.DateField(_("session end date"), null=True, blank=True)
    modules = models.JSONField(_("modules"), default=list, blank=True)
    issuer_heading = models.JSONField(_("letterhead"), default=list, blank=True)
    issued_place = models.CharField(_("place of issue"), max_length=100, blank=True)
    issued_on = models.DateField(_("date of issue"))
    signatory_name = models.CharField(_("signatory name"), max_length=200)
    signatory_rank = models.CharField(_("signatory rank"), max_length=100, blank=True)
    signatory_nrp = models.CharField(_("signatory NRP"), max_length=18, blank=True)
    signatory_position = models.CharField(_("signatory position"), max_length=200, blank=True)
    signature_image = models.CharField(max_length=255, blank=True, help_text="storage name")

    # --- Rendering ---
    file = models.FileField(_("file"), upload_to="certificates/", blank=True, max_length=255)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)

    # --- Who and why ---
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when issued automatically."),
    )
    bulk_job = models.ForeignKey(
        BulkJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    reissue_reason = models.TextField(_("reason for re-issue"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "sequence"], name="certificate_unique_sequence"
            ),
            # One live certificate per participant; revoked ones stay for the record.
            models.UniqueConstraint(
                fields=["participant"],
                condition=~Q(status="revoked"),
                name="certificate_one_live_per_participant",
            ),
            models.CheckConstraint(
                condition=Q(status="revoked") | Q(revoked_at__isnull=True),
                name="certificate_revoked_at_only_when_revoked",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "claimed_at"], name="certificate_status_claim"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        """Valid for verification: issued and not revoked (a pending one is valid, just not
        yet rendered)."""
        return self.status != self.Status.REVOKED

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED
