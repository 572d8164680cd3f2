"""The XLSX export end to end on the hand-built tree (see conftest.py): the sheets a commander
gets, who lands on which sheet, and queries that do not grow with the number of people."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from reports import services
from reports.models import ReportJob
from reports.selectors import report_data_build, report_filter_clean
from reports.services import report_export_write, report_job_run
from sessions.models import Participant
from tests.factories import PersonnelFactory, TrainingSessionFactory


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def _xlsx(tree, user):
    data = report_data_build(
        unit=tree["POLDA-T"], filters=report_filter_clean(user=None), requester=user
    )
    out = io.BytesIO()
    report_export_write(data=data, fmt="xlsx", out=out)
    return load_workbook(io.BytesIO(out.getvalue())), data


def _names(sheet):
    return [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def _grow(tree, *, people: int, sessions: int = 3):
    """`people` more personnel in RES-C, each invited to `sessions` more sessions."""
    extra = [
        TrainingSessionFactory(
            host_unit=tree["POLDA-T"],
            status="finished",
            start_at=timezone.now() - timezone.timedelta(days=1, hours=index),
        )
        for index in range(sessions)
    ]
    crowd = PersonnelFactory.create_batch(people, unit=tree["RES-C"])
    Participant.objects.bulk_create(
        Participant(session=session, personnel=person, unit=person.unit, attendance_status="HADIR")
        for session in extra
        for person in crowd
    )


def test_summary_comes_first_then_rankings_then_one_people_sheet_per_polres(tree, kapolda):
    wb, _data = _xlsx(tree, kapolda)
    # People sheets follow the Polres ranking: RES-D (2 of 3 completed), RES-A (2 of 4) and
    # RES-B (2 of 4) tie on 50 %, then by name; RES-C and RES-E (0 %); the Polda's own staff,
    # unranked, last.
    assert wb.sheetnames == [
        "Ringkasan",
        "Polres",
        "Polsek",
        "Res D",
        "Res A",
        "Res B",
        "Res E",
        "Res C",
        "Staf sendiri",
    ]
    summary = wb["Ringkasan"]
    assert summary["A1"].value == "LAPORAN PELAKSANAAN POLRI BELAJAR"
    lines = {row[0]: row[1] for row in summary.iter_rows(min_row=2, values_only=True) if row}
    assert lines["Satuan"] == "Polda T"
    assert lines["Diundang"] == 16  # every participation of the two counted sessions


def test_each_person_is_on_the_sheet_of_the_polres_they_were_in_at_the_time(tree, kapolda):
    wb, data = _xlsx(tree, kapolda)
    people_sheets = wb.sheetnames[3:]
    assert sum(wb[name].max_row - 1 for name in people_sheets) == data.people_count == 16
    # Tono was at RES-B for session 1 and at RES-D for session 2.
    assert _names(wb["Res B"]).count("Tono") == 1
    assert _names(wb["Res D"]).count("Tono") == 1
    assert "Tono" not in _names(wb["Res E"])
    # RES-A's sheet lists its Polsek people as well, each sheet with its header frozen.
    assert set(_names(wb["Res A"])) == {"Ahmad", "Budi", "Citra"}
    assert _names(wb["Staf sendiri"]) == ["Kartika"]
    for name in people_sheets:
        assert wb[name].freeze_panes == "A2"
        assert wb[name]["A1"].value == "NRP"


def test_people_cells_are_typed_and_empty_values_stay_empty(tree, kapolda):
    wb, _data = _xlsx(tree, kapolda)
    rows = list(wb["Res A"].iter_rows(min_row=2, values_only=True))
    budi = next(row for row in rows if row[1] == "Budi")
    # NRP, name, rank, unit, session, date, status, minutes, score, passed, certificate
    assert budi[2] == "AKBP" and budi[3] == "Sek A2" and budi[4] == "Sesi Satu"
    assert budi[5].tzinfo is None and budi[6] == "TERLAMBAT"
    assert budi[7] == 90 and budi[8] == 40 and budi[9] == "Tidak"
    assert budi[10] is None  # no certificate: an empty cell, not an empty string
    citra = next(row for row in rows if row[1] == "Citra")
    assert citra[8] is None and citra[9] is None  # no quiz taken


def test_a_polres_scope_lists_its_people_on_one_sheet(tree, kapolres_a):
    data = report_data_build(
        unit=tree["RES-A"], filters=report_filter_clean(user=None), requester=kapolres_a
    )
    out = io.BytesIO()
    report_export_write(data=data, fmt="xlsx", out=out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    # Two Polsek and the Polres's own staff have people: still one sheet per unit below.
    assert wb.sheetnames[:2] == ["Ringkasan", "Polsek"]
    assert sorted(wb.sheetnames[2:]) == ["Sek A1", "Sek A2", "Staf sendiri"]


def test_export_queries_do_not_grow_with_people(tree, kapolda):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _xlsx(tree, kapolda)
        return len(captured)

    before = queries()
    _grow(tree, people=40)
    assert queries() == before  # 120 more rows, not one more query


def test_a_job_reports_progress_every_n_rows_not_every_row(tree, kapolda, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 25)
    _grow(tree, people=40)  # 16 + 120 participations
    job = ReportJob.objects.create(
        requester=kapolda,
        requester_unit=kapolda.unit,
        scope_unit=tree["POLDA-T"],
        params=report_filter_clean(user=None).as_params(),
        format="xlsx",
    )
    with CaptureQueriesContext(connection) as captured:
        assert report_job_run(job_id=job.pk)
    progress = [q for q in captured if re.search(r'SET "progress" = \d+ WHERE', q["sql"])]
    job.refresh_from_db()
    assert job.status == "done" and job.progress == job.total
    # Progress counts units then people: total 136 people + units; one UPDATE per 25 rows.
    assert len(progress) == job.total // 25 - (job.total - 136) // 25
    wb = load_workbook(job.file.path)
    assert wb["Res C"].max_row == 1 + 2 + 120


def test_the_sweeper_leaves_a_long_export_running_until_the_export_time_limit(tree, kapolda):
    """A Polda XLSX runs for minutes: past the platform's 6-minute task limit it is still
    working, and putting it back to pending would start a second copy beside it."""
    now = timezone.now()
    job = ReportJob.objects.create(
        requester=kapolda,
        requester_unit=kapolda.unit,
        scope_unit=tree["POLDA-T"],
        params=report_filter_clean(user=None).as_params(),
        format="xlsx",
        status=ReportJob.Status.RUNNING,
    )
    ReportJob.objects.filter(pk=job.pk).update(started_at=now - timezone.timedelta(minutes=10))
    assert services.report_jobs_sweep(now=now) == 0
    job.refresh_from_db()
    assert job.status == ReportJob.Status.RUNNING

    # Past the export limit the worker is taken for dead: the job is put back and re-enqueued
    # (and, with the eager Celery of the tests, run again to the end).
    later = now + timezone.timedelta(seconds=services.EXPORT_TIME_LIMIT)
    assert services.report_jobs_sweep(now=later) == 1
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
