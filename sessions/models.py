"""Training sessions, their Zoom meetings, invitations (participants) and attendance.

A `TrainingSession` is hosted by a unit and invites whole units (each with its subtree). Publishing
it creates one `Participant` per active personnel of the invited subtrees, frozen with the unit the
person belonged to at that moment: later transfers never rewrite a past session. Completion
reports are GROUP BYs over the one `Participant` table.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.models import Module, Unit


class TrainingSession(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    host_unit = models.ForeignKey(
        Unit,
        verbose_name=_("host unit"),
        on_delete=models.PROTECT,
        related_name="hosted_sessions",
    )
    start_at = models.DateTimeField(_("starts at"), db_index=True)
    end_at = models.DateTimeField(_("ends at"))
    led_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("led by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_sessions",
    )
    modules = models.ManyToManyField(
        Module,
        verbose_name=_("modules"),
        through="SessionModule",
        related_name="sessions",
        blank=True,
    )
    invited_units = models.ManyToManyField(
        Unit,
        verbose_name=_("invited units"),
        through="SessionInvitedUnit",
        related_name="invited_sessions",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    # --- Zoom meeting ---
    zoom_join_url = models.URLField(_("Zoom join link"), max_length=500, blank=True)
    zoom_meeting_id = models.CharField(_("Zoom meeting ID"), max_length=11, blank=True)
    zoom_passcode = models.CharField(_("Zoom passcode"), max_length=32, blank=True)

    # --- Check-in window and attendance rules (minutes) ---
    checkin_opens_before = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before start)"), default=30
    )
    checkin_grace = models.PositiveSmallIntegerField(
        _("grace period (minutes after start before TERLAMBAT)"), default=15
    )
    checkin_closes_after_end = models.PositiveSmallIntegerField(
        _("check-in closes (minutes after end)"), default=0
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (% of session length) for a Zoom import to count"), default=50
    )
    reminder_minutes_before = models.PositiveSmallIntegerField(
        _("reminder (minutes before start)"), default=60
    )

    # --- Bookkeeping ---
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    alpa_swept_at = models.DateTimeField(_("ALPA sweep done at"), null=True, blank=True)
    # RFC 5545 SEQUENCE: bumped whenever the time or place of the event changes.
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_sessions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-start_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100),
                name="session_min_attendance_percent_lte_100",
            ),
        ]
        indexes = [models.Index(fields=["status", "end_at"], name="session_status_end")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sessions:detail", kwargs={"pk": self.pk})

    # --- single-row facts ---
    @property
    def duration_minutes(self) -> int:
        return max(1, int((self.end_at - self.start_at).total_seconds() // 60))

    @property
    def checkin_opens_at(self):
        return self.start_at - timedelta(minutes=self.checkin_opens_before)

    @property
    def checkin_closes_at(self):
        return self.end_at + timedelta(minutes=self.checkin_closes_after_end)

    @property
    def late_after(self):
        return self.start_at + timedelta(minutes=self.checkin_grace)

    @property
    def is_published(self) -> bool:
        return self.status in (self.Status.SCHEDULED, self.Status.LIVE, self.Status.FINISHED)

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.start_at

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) >= self.end_at

    def checkin_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status in (self.Status.SCHEDULED, self.Status.LIVE)
            and self.checkin_opens_at <= now <= self.checkin_closes_at
        )

    @property
    def zoom_meeting_id_display(self) -> str:
        from .zoom import format_meeting_id

        return format_meeting_id(self.zoom_meeting_id)


class SessionModule(models.Model):
    """A module presented in a session, in order."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="session_modules"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="session_links")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("session module")
        verbose_name_plural = _("session modules")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "module"], name="session_module_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.module_id}"


class SessionInvitedUnit(models.Model):
    """A unit invited to a session; it counts with its whole subtree."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="session_invited_units"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="session_invitations")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invited unit")
        verbose_name_plural = _("invited units")
        constraints = [
            models.UniqueConstraint(fields=["session", "unit"], name="session_invited_unit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.unit_id}"


class Presenter(models.Model):
    """A presenter (narasumber): either a personnel or a guest with name and title."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="presenters"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    personnel = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personnel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="presentations",
    )
    guest_name = models.CharField(_("guest name"), max_length=200, blank=True)
    guest_title = models.CharField(_("guest title or position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("presenter")
        verbose_name_plural = _("presenters")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(personnel__isnull=False) | ~Q(guest_name=""),
                name="presenter_personnel_or_guest",
            ),
        ]

    def __str__(self) -> str:
        if self.personnel_id:
            return str(self.personnel)
        return f"{self.guest_name}, {self.guest_title}" if self.guest_title else self.guest_name

    @property
    def display_title(self) -> str:
        if self.personnel_id:
            return self.personnel.position
        return self.guest_title


class ViconPoint(models.Model):
    """A unit's viewing room that joins Zoom as one connection for many people."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="vicon_points"
    )
    name = models.CharField(_("name"), max_length=200)
    zoom_display_name = models.CharField(
        _("name shown in Zoom"),
        max_length=200,
        blank=True,
        help_text=_("How the room usually appears in the Zoom participant report."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("vicon point")
        verbose_name_plural = _("vicon points")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="vicon_point_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    """One invited person in one session, with their attendance and quiz outcome."""

    class AttendanceStatus(models.TextChoices):
        HADIR = "HADIR", _("Hadir")
        TERLAMBAT = "TERLAMBAT", _("Terlambat")
        IZIN = "IZIN", _("Izin")
        SAKIT = "SAKIT", _("Sakit")
        DINAS = "DINAS", _("Dinas")
        ALPA = "ALPA", _("Alpa")

    class Source(models.TextChoices):
        SELF = "self", _("Self check-in")
        OPERATOR = "operator", _("Operator")
        ZOOM = "zoom", _("Zoom report")
        SYSTEM = "system", _("System")

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="participants"
    )
    personnel = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations"
    )
    # The person's unit when invited: transfers later do not rewrite this session.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="participants"
    )
    attendance_status = models.CharField(
        _("attendance"), max_length=16, choices=AttendanceStatus.choices, blank=True, default=""
    )
    minutes_attended = models.PositiveIntegerField(_("minutes attended"), null=True, blank=True)
    attendance_source = models.CharField(
        _("recorded from"), max_length=16, choices=Source.choices, blank=True, default=""
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    vicon_point = models.ForeignKey(
        ViconPoint,
        verbose_name=_("vicon point"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participants",
    )

    quiz_score = models.DecimalField(
        _("quiz score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    quiz_passed = models.BooleanField(_("quiz passed"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    added_late = models.BooleanField(_("added after start"), default=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["session", "unit", "personnel"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "personnel"], name="participant_unique_session_personnel"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "unit"], name="participant_session_unit"),
            models.Index(
                fields=["session", "attendance_status"], name="participant_session_status"
            ),
            models.Index(fields=["personnel", "session"], name="participant_personnel_session"),
        ]

    def __str__(self) -> str:
        return f"{self.personnel} @ {self.session}"

    @property
    def has_attendance(self) -> bool:
        return bool(self.attendance_status)

    @property
    def is_present(self) -> bool:
        return self.attendance_status in (
            self.AttendanceStatus.HADIR,
            self.AttendanceStatus.TERLAMBAT,
        )


class ViconConnection(models.Model):
    """A vicon point's Zoom connection in a session (one row in the report, many people)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="vicon_connections"
    )
    vicon_point = models.ForeignKey(
        ViconPoint, on_delete=models.CASCADE, related_name="connections"
    )
    zoom_name = models.CharField(_("name shown in Zoom"), max_length=200, blank=True)
    minutes = models.PositiveIntegerField(_("minutes connected"), default=0)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("vicon connection")
        verbose_name_plural = _("vicon connections")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "vicon_point"], name="vicon_connection_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vicon_point_id} @ {self.session_id}"


class ZoomNameMatch(models.Model):
    """A manual decision for a Zoom display name that matched nobody automatically.

    Kept per session so that re-importing the same report gives the same result.
    """

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="zoom_name_matches"
    )
    name_key = models.CharField(_("normalized Zoom name"), max_length=255)
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    vicon_point = models.ForeignKey(
        ViconPoint, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Zoom name match")
        verbose_name_plural = _("Zoom name matches")
        constraints = [
            models.UniqueConstraint(fields=["session", "name_key"], name="zoom_name_match_unique"),
            models.CheckConstraint(
                condition=Q(participant__isnull=False) | Q(vicon_point__isnull=False),
                name="zoom_name_match_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name_key


class ZoomImport(models.Model):
    """An uploaded Zoom participant report: previewed first, applied on confirmation."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="zoom_imports"
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    content = models.BinaryField()
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREVIEW
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("Zoom report import")
        verbose_name_plural = _("Zoom report imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename or self.sha256[:12]


def _new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A personal ICS feed. The token in its URL is the only credential: unguessable, resettable."""

    personnel = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.personnel_id}"
