"""The dashboard, the API and export jobs over HTTP, with the refusals."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from reports.models import ReportJob
from reports.services import report_job_run
from tests.factories import PersonnelFactory
from training.models import Role

API = "/api/v1/reports/completion/"
EXPORTS = "/api/v1/reports/exports/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def peserta_a(tree):
    return tree.people["a1"]


# --- dashboard -------------------------------------------------------------------------------


def test_commander_sees_ranking_charts_and_drill_down_links(tree, kapolda):
    response = client_for(kapolda).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Res A" in html and "tiga terbawah" in html
    assert html.count("<svg") == 2 and "<title" in html and "<desc" in html
    assert "?unit=RES-A&amp;" in html  # drill down to the Polsek of RES-A
    assert "?unit=RES-B&amp;people=1" in html  # a leaf Polres drills to its people


def test_drill_down_to_people(tree, kapolda):
    response = client_for(kapolda).get(reverse("reports:dashboard"), {"unit": "SEK-A1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert tree.people["a1"].nrp in html and "Ahmad" in html


def test_personnel_see_only_their_own_record(tree, peserta_a):
    response = client_for(peserta_a).get(reverse("reports:dashboard"), {"unit": "POLDA-T"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sesi Satu" in html and "Sesi Dua" in html
    assert "Res B" not in html and "Budi" not in html


def test_units_outside_the_command_are_not_found(tree, kapolres_a):
    client = client_for(kapolres_a)
    assert client.get(reverse("reports:dashboard"), {"unit": "RES-B"}).status_code == 404
    assert client.get(reverse("reports:dashboard"), {"unit": "POLDA-T"}).status_code == 404
    assert client.get(reverse("reports:dashboard"), {"unit": "SEK-A2"}).status_code == 200


def test_bad_filters_are_a_400_with_a_message(tree, kapolda):
    response = client_for(kapolda).get(
        reverse("reports:dashboard"), {"date_from": "2025-03-10", "date_to": "2025-03-01"}
    )
    assert response.status_code == 400
    assert "Tanggal mulai tidak boleh setelah tanggal akhir" in response.content.decode()


def test_anonymous_is_sent_to_login(tree):
    response = APIClient().get(reverse("reports:dashboard"))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- API -------------------------------------------------------------------------------------


def test_api_report(tree, kapolda):
    response = client_for(kapolda).get(API, {"unit": "POLDA-T"})
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["invited"] == 16
    first = body["rows"][0]
    assert (first["code"], first["rank"], first["completion_pct"]) == ("RES-D", 1, "66.7")
    assert [p["invited"] for p in body["trend"]] == [12, 4]


def test_api_refusals(tree, kapolres_a, peserta_a):
    assert APIClient().get(API).status_code in (401, 403)
    assert client_for(peserta_a).get(API).status_code == 403
    assert client_for(kapolres_a).get(API, {"unit": "RES-B"}).status_code == 404
    bad = client_for(kapolres_a).get(API, {"session": 1, "date_from": "2025-01-01"})
    assert bad.status_code == 400 and "detail" in bad.json()


def test_api_is_in_the_schema(admin_client_):
    schema = admin_client_.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (API, EXPORTS, "/api/v1/reports/exports/{id}/download/"):
        assert path in schema


# --- export jobs -----------------------------------------------------------------------------


def _export(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORTS, data, format="json")
    return response


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv"])
def test_export_job_runs_and_the_requester_downloads(
    tree, kapolda, fmt, django_capture_on_commit_callbacks
):
    client = client_for(kapolda)
    response = _export(client, django_capture_on_commit_callbacks, unit="POLDA-T", format=fmt)
    assert response.status_code == 202
    job = ReportJob.objects.get(pk=response.json()["id"])
    assert job.status == "done" and job.progress == job.total > 0
    status = client.get(f"{EXPORTS}{job.pk}/").json()
    assert status["percent"] == 100 and status["download_url"]
    download = client.get(status["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    if fmt == "pdf":
        assert content.startswith(b"%PDF")
    elif fmt == "xlsx":
        assert load_workbook(io.BytesIO(content))["Polres"]["D2"].value == "Res D"
    else:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows[0] == ["LAPORAN PELAKSANAAN POLRI BELAJAR"]


def test_export_download_permissions(
    tree, kapolda, kapolres_a, django_capture_on_commit_callbacks, ranks
):
    # Kapolres A asks; Kapolda (above) may download, Kapolres B (sibling) and a colleague at
    # RES-A may not.
    response = _export(
        client_for(kapolres_a), django_capture_on_commit_callbacks, unit="RES-A", format="csv"
    )
    url = f"{EXPORTS}{response.json()['id']}/download/"
    colleague = PersonnelFactory(unit=tree["RES-A"], rank=ranks["AKP"], roles=[Role.PIMPINAN])
    sibling = PersonnelFactory(unit=tree["RES-B"], rank=ranks["AKBP"], roles=[Role.PIMPINAN])
    assert client_for(kapolres_a).get(url).status_code == 200
    assert client_for(kapolda).get(url).status_code == 200
    assert client_for(sibling).get(url).status_code == 404
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(tree.people["staff"]).get(url).status_code == 404  # above, but a Peserta
    assert APIClient().get(url).status_code in (401, 403)
    html_url = reverse("reports:export-download", args=[response.json()["id"]])
    assert client_for(sibling).get(html_url).status_code == 404
    assert client_for(kapolda).get(html_url).status_code == 200


def test_export_refusals(tree, kapolres_a, peserta_a, django_capture_on_commit_callbacks):
    assert (
        _export(
            client_for(kapolres_a), django_capture_on_commit_callbacks, unit="RES-B", format="pdf"
        ).status_code
        == 404
    )
    assert (
        _export(client_for(peserta_a), django_capture_on_commit_callbacks, format="pdf").status_code
        == 403
    )
    bad = _export(client_for(kapolres_a), django_capture_on_commit_callbacks, format="doc")
    assert bad.status_code == 400
    assert not ReportJob.objects.exists()


def test_export_from_the_page_shows_progress_then_a_link(
    tree, kapolda, django_capture_on_commit_callbacks
):
    client = client_for(kapolda)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("reports:export-request"), {"unit": "POLDA-T", "format": "xlsx"}
        )
    assert response.status_code == 202
    html = response.content.decode()
    assert "<progress" in html and 'hx-trigger="every 1s"' in html
    for callback in callbacks:
        callback()
    job = ReportJob.objects.get()
    html = client.get(reverse("reports:export-status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in html and reverse("reports:export-download", args=[job.pk]) in html


def test_running_a_job_twice_makes_one_file(tree, kapolda, django_capture_on_commit_callbacks):
    response = _export(
        client_for(kapolda), django_capture_on_commit_callbacks, unit="POLDA-T", format="csv"
    )
    job = ReportJob.objects.get(pk=response.json()["id"])
    assert report_job_run(job_id=job.pk) is False  # already done: nothing to claim
    job.refresh_from_db()
    assert job.status == "done" and job.file


# --- command ---------------------------------------------------------------------------------


def test_completion_report_command(tree, kapolda, tmp_path):
    out = tmp_path / "laporan.xlsx"
    call_command(
        "completion_report",
        "--unit=POLDA-T",
        f"--session={tree.sessions['s1'].pk}",
        "--format=xlsx",
        f"--output={out}",
        f"--signer={kapolda.nrp}",
        stdout=io.StringIO(),
    )
    sheet = load_workbook(out)["Polres"]
    invited = {row[3].value: row[4].value for row in sheet.iter_rows(min_row=2)}
    assert invited["Res B"] == 3 and invited["Res D"] == 2


def test_completion_report_command_rejects_unknown_unit(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "completion_report", "--unit=NOPE", "--format=csv", f"--output={tmp_path / 'x.csv'}"
        )
