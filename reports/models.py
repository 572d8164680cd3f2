"""Report export jobs: the row is the truth, the Celery task only a nudge (see README.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.models import Unit


def _export_path(job: "ReportJob", filename: str) -> str:
    return f"reports/{job.created_at:%Y/%m}/{job.pk}/{filename}"


class ReportJob(models.Model):
    """One requested export of a completion report, and the finished file.

    `requester_unit` is the requester's unit at the time they asked: the file is for them and
    for those above that unit in the tree, even after the requester moves.
    """

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    requester_unit = models.ForeignKey(
        Unit,
        verbose_name=_("requester's unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="report_jobs"
    )
    params = models.JSONField(_("filter"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    language = models.CharField(_("language"), max_length=8, default="id")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    progress = models.PositiveIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(_("file"), upload_to=_export_path, max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="reportjob_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(format__in=["pdf", "xlsx", "csv"]), name="reportjob_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.scope_unit_id} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.progress * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
