"""HTML pages and API: happy paths and refusals (anonymous, wrong role, outside the unit)."""

import io
import zipfile

import pytest
from django.urls import reverse

from certificates.models import BulkJob, Certificate
from certificates.services import certificate_issue, certificate_revoke
from tests.factories import PersonnelFactory
from training.models import Role

from .pdfcheck import pdf_text


@pytest.fixture
def issued(attended, crowd, django_capture_on_commit_callbacks):
    """Certificates for the peserta and the four others who completed, rendered."""
    with django_capture_on_commit_callbacks(execute=True):
        certificates = [
            certificate_issue(participant=p)
            for p in [attended, *crowd]
            if p.attendance_status in ("HADIR", "TERLAMBAT")
        ]
    return certificates


@pytest.fixture
def mine(issued, peserta):
    return Certificate.objects.get(participant__personnel=peserta)


# --- My certificates and scope ----------------------------------------------------------------


def test_my_certificates_page(peserta_client, mine):
    response = peserta_client.get(reverse("certificates:mine"))
    assert response.status_code == 200
    assert mine.number in response.content.decode()
    assert Certificate.objects.exclude(pk=mine.pk).first().number not in response.content.decode()


def test_pages_need_login(anon_client, mine):
    for url in [
        reverse("certificates:mine"),
        reverse("certificates:list"),
        reverse("certificates:detail", args=[mine.pk]),
        reverse("certificates:download", args=[mine.pk]),
    ]:
        response = anon_client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_commander_sees_certificates_of_their_units(commander_client, issued):
    response = commander_client.get(reverse("certificates:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert all(c.number in page for c in issued)  # all participants are in Sanggau


def test_outsider_sees_nothing(outsider_client, mine, finished_session):
    assert mine.number not in outsider_client.get(reverse("certificates:list")).content.decode()
    assert outsider_client.get(reverse("certificates:detail", args=[mine.pk])).status_code == 404
    assert outsider_client.get(reverse("certificates:download", args=[mine.pk])).status_code == 404
    url = reverse("certificates:session", args=[finished_session.pk])
    assert outsider_client.get(url).status_code == 404


def test_download_pdf(peserta_client, mine):
    response = peserta_client.get(reverse("certificates:download", args=[mine.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert mine.number in pdf_text(response.content)


def test_revoked_certificate_is_not_downloaded(peserta_client, mine, pelatih):
    certificate_revoke(certificate=mine, by=pelatih, reason="Kesalahan data")
    response = peserta_client.get(reverse("certificates:download", args=[mine.pk]))
    assert response.status_code == 409


# --- Managing ---------------------------------------------------------------------------------


def test_trainer_revokes_from_the_page(trainer_client, mine, pelatih):
    url = reverse("certificates:revoke", args=[mine.pk])
    response = trainer_client.post(url, {"reason": "Peserta tidak hadir sebenarnya"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Certificate.Status.REVOKED and mine.revoked_by == pelatih


def test_revoke_needs_a_reason(trainer_client, mine):
    trainer_client.post(reverse("certificates:revoke", args=[mine.pk]), {"reason": ""})
    mine.refresh_from_db()
    assert mine.status == Certificate.Status.READY


def test_commander_and_participant_cannot_revoke(commander_client, peserta_client, mine):
    url = reverse("certificates:revoke", args=[mine.pk])
    assert commander_client.post(url, {"reason": "x"}).status_code == 403
    assert peserta_client.post(url, {"reason": "x"}).status_code == 403
    mine.refresh_from_db()
    assert mine.status == Certificate.Status.READY


def test_trainer_reissues_from_the_page(trainer_client, mine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(
            reverse("certificates:reissue", args=[mine.pk]), {"reason": "Nama salah eja"}
        )
    new = Certificate.objects.get(replaces=mine)
    assert response.status_code == 302 and response["Location"].endswith(f"/{new.pk}/")
    assert new.status == Certificate.Status.READY


def test_session_page_for_trainer_and_commander(
    trainer_client, commander_client, finished_session, issued
):
    url = reverse("certificates:session", args=[finished_session.pk])
    trainer_page = trainer_client.get(url).content.decode()
    assert "Completion rule" in trainer_page or "Aturan" in trainer_page
    assert reverse("certificates:session-issue", args=[finished_session.pk]) in trainer_page
    commander_page = commander_client.get(url)
    assert commander_page.status_code == 200
    assert reverse("certificates:session-issue", args=[finished_session.pk]) not in (
        commander_page.content.decode()
    )


def test_bulk_issue_with_progress(
    trainer_client, finished_session, attended, crowd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(
            reverse("certificates:session-issue", args=[finished_session.pk])
        )
    assert response.status_code == 302
    job = BulkJob.objects.get()
    assert (job.kind, job.status, job.progress, job.total) == ("issue", "done", 5, 5)
    assert Certificate.objects.filter(status="ready", bulk_job=job).count() == 5
    status = trainer_client.get(reverse("certificates:job", args=[job.pk]))
    assert status.status_code == 200
    assert 'value="5"' in status.content.decode()
    assert "hx-trigger" not in status.content.decode()  # finished: polling stops
    # Running it again issues nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        trainer_client.post(reverse("certificates:session-issue", args=[finished_session.pk]))
    assert Certificate.objects.count() == 5


def test_bulk_issue_refused_to_commander_and_outsider(
    commander_client, outsider_client, finished_session, attended
):
    url = reverse("certificates:session-issue", args=[finished_session.pk])
    assert commander_client.post(url).status_code == 403
    assert outsider_client.post(url).status_code == 404
    assert not BulkJob.objects.exists()


def test_job_status_is_private(
    outsider_client, trainer_client, finished_session, attended, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        trainer_client.post(reverse("certificates:session-issue", args=[finished_session.pk]))
    job = BulkJob.objects.get()
    assert outsider_client.get(reverse("certificates:job", args=[job.pk])).status_code == 404


def test_a_second_trainer_follows_the_running_issue_job_but_not_a_zip(
    trainer_client, finished_session, attended, units, ranks, client
):
    # Two trainers over the host unit: the second one pressing "issue" gets the first one's job
    # back (one job per session), so they must be able to watch it; a ZIP stays its requester's.
    colleague = PersonnelFactory(
        unit=units["POLDA-KALBAR"], rank=ranks["AKP"], roles=[Role.PELATIH]
    )
    elsewhere = PersonnelFactory(unit=units["POLRES-SINTANG"], roles=[Role.PELATIH])
    trainer_client.post(reverse("certificates:session-issue", args=[finished_session.pk]))
    issue = BulkJob.objects.get(kind=BulkJob.Kind.ISSUE)
    zip_job = BulkJob.objects.create(
        kind=BulkJob.Kind.ZIP, session=finished_session, total=1, requested_by=issue.requested_by
    )
    client.force_login(colleague)
    assert client.get(reverse("certificates:job", args=[issue.pk])).status_code == 200
    assert client.get(reverse("api-certificate-job", args=[issue.pk])).status_code == 200
    assert client.get(reverse("certificates:job", args=[zip_job.pk])).status_code == 404
    client.force_login(elsewhere)
    assert client.get(reverse("certificates:job", args=[issue.pk])).status_code == 404


def test_zip_of_a_sessions_certificates(
    commander_client, finished_session, issued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        commander_client.post(reverse("certificates:session-zip", args=[finished_session.pk]))
    job = BulkJob.objects.get(kind="zip")
    assert job.status == "done" and job.progress == job.total == 5
    response = commander_client.get(reverse("certificates:job-download", args=[job.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 5 and all(name.endswith(".pdf") for name in names)
    assert issued[0].number in pdf_text(archive.read(sorted(names)[0]))


def test_rule_form(trainer_client, commander_client, finished_session):
    url = reverse("certificates:session-rule", args=[finished_session.pk])
    data = {"attendance_statuses": ["HADIR"], "min_minutes": "45", "auto_issue": "on"}
    assert commander_client.post(url, data).status_code == 403
    assert trainer_client.post(url, data).status_code == 302
    rule = finished_session.completion_rule
    assert (rule.attendance_statuses, rule.min_minutes, rule.require_quiz) == (["HADIR"], 45, False)


# --- Public verification ----------------------------------------------------------------------


def test_verification_page_shows_only_what_it_should(anon_client, mine):
    response = anon_client.get(reverse("certificate-verify", args=[mine.code]))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in [mine.number, mine.recipient_name, "Bripka", "Polsek Kapuas", mine.session_title]:
        assert shown in page
    assert "VALID" in page or "SAH" in page
    assert mine.recipient_nrp not in page  # nothing else about the person


def test_verification_accepts_the_printed_grouping(anon_client, mine):
    grouped = "-".join(mine.code[i : i + 4] for i in range(0, 20, 4)).lower()
    assert anon_client.get(reverse("certificate-verify", args=[grouped])).status_code == 200


def test_revoked_certificate_verifies_as_revoked(anon_client, mine, pelatih):
    certificate_revoke(certificate=mine, by=pelatih, reason="Rahasia internal")
    page = anon_client.get(reverse("certificate-verify", args=[mine.code])).content.decode()
    assert "REVOKED" in page or "DICABUT" in page
    assert "Rahasia internal" not in page  # the reason is not public


def test_unknown_code(anon_client, db):
    response = anon_client.get(reverse("certificate-verify", args=["7K3MZ9QW2XH4TB6RPJ0C"]))
    assert response.status_code == 404


def test_guessing_is_rate_limited(anon_client, mine, settings):
    settings.CERTIFICATES_VERIFY_MAX_MISSES = 5
    for index in range(5):
        guess = f"{index:020d}"
        assert anon_client.get(reverse("certificate-verify", args=[guess])).status_code == 404
    # Even a real code is refused for a while once the guesses are used up.
    assert anon_client.get(reverse("certificate-verify", args=[mine.code])).status_code == 429
    api = anon_client.get(reverse("api-certificate-verify", args=[mine.code]))
    assert api.status_code == 429


def test_verification_still_answers_when_the_cache_is_down(anon_client, mine, monkeypatch):
    # Production keeps the rate limit in Redis; a Redis outage must not turn verifying a real
    # certificate (or a wrong code) into a server error.
    from redis.exceptions import ConnectionError as RedisDown

    from certificates import ratelimit

    def down(*args, **kwargs):
        raise RedisDown("Connection refused")

    for method in ("add", "incr", "get", "set"):
        monkeypatch.setattr(ratelimit.cache, method, down)
    assert anon_client.get(reverse("certificate-verify", args=[mine.code])).status_code == 200
    assert anon_client.get(reverse("certificate-verify", args=["0" * 20])).status_code == 404
    api = anon_client.get(reverse("api-certificate-verify", args=[mine.code]))
    assert api.status_code == 200 and api.json()["valid"] is True


# --- API --------------------------------------------------------------------------------------


def test_api_my_certificates(peserta_client, mine):
    response = peserta_client.get(reverse("api-certificates-mine"))
    assert response.status_code == 200
    assert [row["number"] for row in response.json()["results"]] == [mine.number]


def test_api_scope(commander_client, outsider_client, anon_client, issued, mine):
    assert commander_client.get(reverse("api-certificates")).json()["count"] == 5
    assert outsider_client.get(reverse("api-certificates")).json()["count"] == 0
    assert outsider_client.get(reverse("api-certificate", args=[mine.pk])).status_code == 404
    assert anon_client.get(reverse("api-certificates")).status_code in (401, 403)


def test_api_download(peserta_client, outsider_client, mine):
    response = peserta_client.get(reverse("api-certificate-download", args=[mine.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    url = reverse("api-certificate-download", args=[mine.pk])
    assert outsider_client.get(url).status_code == 404


def test_api_revoke_and_reissue(
    trainer_client, commander_client, mine, django_capture_on_commit_callbacks
):
    url = reverse("api-certificate-revoke", args=[mine.pk])
    assert commander_client.post(url, {"reason": "x"}, format="json").status_code == 403
    assert trainer_client.post(url, {}, format="json").status_code == 400
    response = trainer_client.post(url, {"reason": "Data keliru"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    again = trainer_client.post(url, {"reason": "Data keliru"}, format="json")
    assert again.status_code == 400 and again.json()["detail"]
    with django_capture_on_commit_callbacks(execute=True):
        reissued = trainer_client.post(
            reverse("api-certificate-reissue", args=[mine.pk]),
            {"reason": "Data sudah dibetulkan"},
            format="json",
        )
    assert reissued.status_code == 201 and reissued.json()["replaces"] == mine.number


def test_api_bulk_issue_and_job(
    trainer_client, outsider_client, finished_session, attended, django_capture_on_commit_callbacks
):
    url = reverse("api-certificates-session-issue", args=[finished_session.pk])
    assert outsider_client.post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(url)
    assert response.status_code == 202
    job = trainer_client.get(reverse("api-certificate-job", args=[response.json()["id"]])).json()
    assert (job["status"], job["progress"], job["total"]) == ("done", 1, 1)


def test_api_rule(trainer_client, commander_client, finished_session):
    url = reverse("api-certificates-session-rule", args=[finished_session.pk])
    assert trainer_client.get(url).json()["attendance_statuses"] == ["HADIR", "TERLAMBAT"]
    assert commander_client.get(url).status_code == 403
    bad = trainer_client.put(url, {"attendance_statuses": ["HADIR", "X"]}, format="json")
    assert bad.status_code == 400
    good = trainer_client.put(
        url,
        {
            "attendance_statuses": ["HADIR"],
            "min_minutes": 30,
            "require_quiz": True,
            "require_material_read": False,
            "auto_issue": False,
        },
        format="json",
    )
    assert good.status_code == 200 and good.json()["min_minutes"] == 30


def test_api_verify(anon_client, mine):
    data = anon_client.get(reverse("api-certificate-verify", args=[mine.code])).json()
    assert data["valid"] is True and data["number"] == mine.number
    assert "nrp" not in str(data).lower()
    response = anon_client.get(reverse("api-certificate-verify", args=["0" * 20]))
    assert response.status_code == 404


def test_api_is_in_the_schema(admin_client_):
    schema = admin_client_.get(reverse("api-schema")).content.decode()
    for path in [
        "/api/v1/certificates/",
        "/api/v1/certificates/mine/",
        "/api/v1/certificates/{id}/revoke/",
        "/api/v1/certificates/verify/{code}/",
        "/api/v1/certificates/sessions/{session_id}/issue/",
    ]:
        assert path in schema, path
