"""Report filters name sessions and modules by id: out of scope reads as "does not exist".

An Operator of Polres Sanggau once exported a CSV whose period line carried the title of a Polda
Metro Jaya draft, and "does not exist" against "ok" let ids be enumerated. These walk the same
requests through the API and the pages, and a forged export job row through the worker.
"""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reports.models import ReportJob
from reports.selectors import ReportFilter
from reports.services import report_job_run
from sessions.models import SessionInvitedUnit, TrainingSession
from tests.factories import ModuleFactory, PersonnelFactory, TrainingSessionFactory
from training.models import Role

API = "/api/v1/reports/completion/"
EXPORTS = "/api/v1/reports/exports/"
SECRET_TITLE = "Operasi Rahasia Metro"


@pytest.fixture
def metro_draft(units, ranks):
    trainer = PersonnelFactory(
        unit=units["POLDA-METRO-JAYA"], rank=ranks["KOMPOL"], roles=[Role.PELATIH]
    )
    return TrainingSessionFactory(
        title=SECRET_TITLE, host_unit=units["POLDA-METRO-JAYA"], created_by=trainer
    )


@pytest.fixture
def metro_published(metro_draft):
    TrainingSession.objects.filter(pk=metro_draft.pk).update(
        status=TrainingSession.Status.SCHEDULED
    )
    return metro_draft


@pytest.fixture
def kalbar_session(units):
    """A Polda-wide session: it reaches the Polres Sanggau operator through the invitation."""
    session = TrainingSessionFactory(
        title="Polri Belajar Kalbar",
        host_unit=units["POLDA-KALBAR"],
        status=TrainingSession.Status.SCHEDULED,
    )
    SessionInvitedUnit.objects.create(session=session, unit=units["POLDA-KALBAR"])
    return session


def _missing_id() -> int:
    return (TrainingSession.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 99


def _api_error(client, **params) -> dict:
    response = client.get(API, params)
    assert response.status_code == 400, response.content
    return response.json()


@pytest.mark.parametrize("which", ["metro_draft", "metro_published"])
def test_api_report_on_a_session_outside_scope_reads_as_missing(request, operator_client, which):
    session = request.getfixturevalue(which)
    outside = _api_error(operator_client, session=session.pk)
    missing = _api_error(operator_client, session=_missing_id())
    assert outside == missing
    assert "tidak ada" in str(outside).lower()


def test_api_export_of_a_session_outside_scope_makes_no_job(operator_client, metro_draft):
    response = operator_client.post(
        EXPORTS, {"format": "csv", "session": metro_draft.pk}, format="json"
    )
    assert response.status_code == 400
    assert SECRET_TITLE not in response.content.decode()
    assert not ReportJob.objects.exists()


def test_pages_refuse_a_session_outside_scope_without_its_title(operator_client, metro_draft):
    dashboard = operator_client.get(reverse("reports:dashboard"), {"session": metro_draft.pk})
    missing = operator_client.get(reverse("reports:dashboard"), {"session": _missing_id()})
    assert dashboard.status_code == missing.status_code == 400
    html = dashboard.content.decode()
    assert SECRET_TITLE not in html
    assert "Sesi tersebut tidak ada." in html
    export = operator_client.post(
        reverse("reports:export-request"), {"format": "csv", "session": metro_draft.pk}
    )
    assert export.status_code == 400
    assert SECRET_TITLE not in export.content.decode()
    assert not ReportJob.objects.exists()


def test_a_session_in_reach_is_accepted_and_named(
    operator_client, kalbar_session, django_capture_on_commit_callbacks
):
    assert operator_client.get(API, {"session": kalbar_session.pk}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            EXPORTS, {"format": "csv", "session": kalbar_session.pk}, format="json"
        )
    assert response.status_code == 202
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE
    content = b"".join(operator_client.get(f"{EXPORTS}{job.pk}/download/").streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert any("Polri Belajar Kalbar" in cell for row in rows for cell in row)


def test_a_forged_job_row_fails_without_the_title(operator, metro_draft):
    # A job row naming a session outside the requester's scope (a forged row, or a session
    # that left their scope after the request) fails in the worker; no file carries the title.
    job = ReportJob.objects.create(
        requester=operator,
        requester_unit=operator.unit,
        scope_unit=operator.unit,
        format=ReportJob.Format.CSV,
        params=ReportFilter(session_id=metro_draft.pk).as_params(),
        language="id",
    )
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert not job.file
    assert SECRET_TITLE not in job.error


def test_module_filter_outside_reach_reads_as_missing(operator_client, units):
    archived = ModuleFactory(is_active=False)
    outside = _api_error(operator_client, module=archived.pk)
    missing = _api_error(operator_client, module=archived.pk + 999)
    assert outside == missing


@pytest.mark.parametrize("value", ["1234567890123456789012345", "-3", "0"])
def test_huge_or_negative_ids_are_a_400(operator_client, value):
    assert operator_client.get(API, {"session": value}).status_code == 400
    page = operator_client.get(reverse("reports:dashboard"), {"module": value})
    assert page.status_code == 400


def test_anonymous_gets_nothing(metro_draft):
    assert APIClient().get(API, {"session": metro_draft.pk}).status_code in (401, 403)
