"""Writes for reports: requesting an export job, running it, and sweeping stuck jobs."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from config.enqueue import task_enqueue_on_commit
from training.errors import ApplicationError
from training.models import Personnel, Unit

from .data import PersonRow, ReportData
from .exports.csv import render_csv
from .exports.pdf import PEOPLE_LIMIT, render_pdf
from .exports.xlsx import render_xlsx
from .models import ReportJob
from .selectors import ReportFilter, report_data_build, report_filter_clean, report_scope_check

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2000  # rows between progress updates: a few dozen UPDATEs for a Polda
CONTENT_TYPES = {
    ReportJob.Format.PDF: "application/pdf",
    ReportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportJob.Format.CSV: "text/csv; charset=utf-8",
}
STUCK_PENDING_AFTER = timedelta(minutes=2)
# An XLSX of every participation of a Polda over a year (600,000 rows) takes minutes: far past
# the platform's default task limit (5 minutes soft), which would kill it every time. Export
# jobs get their own limit, and the sweeper waits that long before it gives a running job up.
EXPORT_TIME_LIMIT = 30 * 60  # seconds
EXPORT_SOFT_TIME_LIMIT = EXPORT_TIME_LIMIT - 60


def report_export_write(*, data: ReportData, fmt: str, out: BinaryIO) -> None:
    """Render `data` in `fmt` (pdf, xlsx, csv) into the binary file `out`."""
    if fmt == ReportJob.Format.PDF:
        out.write(render_pdf(data))
    elif fmt == ReportJob.Format.XLSX:
        render_xlsx(data, out)
    elif fmt == ReportJob.Format.CSV:
        for chunk in render_csv(data):
            out.write(chunk.encode("utf-8"))
    else:
        raise ApplicationError(f"Unknown report format {fmt!r}; choose pdf, xlsx or csv.")


def report_people_limit(fmt: str) -> int | None:
    """The PDF lists the first PEOPLE_LIMIT people; the spreadsheets list everybody."""
    return PEOPLE_LIMIT if fmt == ReportJob.Format.PDF else None


def report_filename(*, unit: Unit, fmt: str) -> str:
    return f"laporan-polri-belajar-{unit.code.lower()}-{timezone.localdate():%Y%m%d}.{fmt}"


def _counting(
    rows: Iterable[PersonRow], *, start: int, report: Callable[[int], None]
) -> Iterator[PersonRow]:
    done = start
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            report(done)


@transaction.atomic
def report_job_request(
    *, user: Personnel, unit: Unit, filters: ReportFilter, fmt: str, language: str = "id"
) -> ReportJob:
    """Create a pending export job for `user` and enqueue it after commit.

    Refuses (PermissionDenied) a unit outside the user's command."""
    from .tasks import report_export_task

    report_scope_check(user=user, unit=unit)
    if fmt not in ReportJob.Format.values:
        raise ApplicationError(f"Unknown report format {fmt!r}; choose pdf, xlsx or csv.")
    job = ReportJob.objects.create(
        requester=user,
        requester_unit_id=user.unit_id,
        scope_unit=unit,
        params=filters.as_params(),
        format=fmt,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
    )
    task_enqueue_on_commit(report_export_task, job.pk)  # lost sends: report_jobs_sweep()
    return job


def report_job_run(*, job_id: int) -> bool:
    """Build the job's file. Claims the job with a conditional UPDATE, so a second run (a
    re-delivered message, the sweeper) does nothing; returns whether this call did the work.
    A failure is recorded on the row (status failed, a message) rather than retried: the
    data does not change by trying again."""
    claimed = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.PENDING).update(
        status=ReportJob.Status.RUNNING, started_at=timezone.now(), progress=0, error=""
    )
    if claimed != 1:
        return False
    job = ReportJob.objects.select_related("requester", "requester__rank", "scope_unit").get(
        pk=job_id
    )
    try:
        with (
            translation.override(job.language),
            timezone.override(ZoneInfo(job.scope_unit.timezone)),
        ):
            _job_build(job)
    except (ApplicationError, PermissionDenied) as exc:
        _job_fail(job, str(getattr(exc, "message", exc)) or "Not allowed.")
    except Exception:
        logger.exception("Report export %s failed", job.pk)
        _job_fail(job, "The report could not be generated; please try again or contact admin.")
        raise
    return True


def _job_build(job: ReportJob) -> None:
    report_scope_check(user=job.requester, unit=job.scope_unit)
    # The filter was cleaned for the requester when the job was made; clean it again, so a
    # session that left their scope meanwhile (or a forged row) reads as "does not exist".
    stored = ReportFilter.from_params(job.params)
    filters = report_filter_clean(
        user=job.requester,
        session_id=stored.session_id,
        module_id=stored.module_id,
        date_from=stored.date_from,
        date_to=stored.date_to,
    )
    data = report_data_build(
        unit=job.scope_unit,
        filters=filters,
        requester=job.requester,
        people_limit=report_people_limit(job.format),
    )
    units = sum(level.row_count for level in data.levels)
    listed = data.people_count
    if job.format == ReportJob.Format.PDF:
        listed = min(listed, PEOPLE_LIMIT)
    job.total = listed + units
    job.progress = units
    job.save(update_fields=["total", "progress"])

    def report(done: int) -> None:
        ReportJob.objects.filter(pk=job.pk).update(progress=done)

    data.people = _counting(data.people, start=units, report=report)
    with tempfile.TemporaryFile() as out:
        report_export_write(data=data, fmt=job.format, out=out)
        out.seek(0)
        old_name = job.file.name if job.file else ""
        job.file.save(report_filename(unit=job.scope_unit, fmt=job.format), File(out), save=False)
    if old_name and old_name != job.file.name:
        job.file.storage.delete(old_name)  # a re-run replaces the file, never adds one
    job.status = ReportJob.Status.DONE
    job.progress = job.total
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "finished_at"])


def _job_fail(job: ReportJob, message: str) -> None:
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


def report_jobs_sweep(*, now=None) -> int:
    """Re-enqueue jobs left pending (broker outage) and put back jobs whose worker died
    (running longer than the export task's time limit). Returns how many were nudged."""
    from .tasks import report_export_task

    now = now or timezone.now()
    limit = timedelta(seconds=EXPORT_TIME_LIMIT + 60)
    ReportJob.objects.filter(status=ReportJob.Status.RUNNING, started_at__lt=now - limit).update(
        status=ReportJob.Status.PENDING
    )
    ids = list(
        ReportJob.objects.filter(
            status=ReportJob.Status.PENDING, created_at__lt=now - STUCK_PENDING_AFTER
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        report_export_task.delay(pk)
    return len(ids)
