"""Issuing, rendering, idempotency, numbering, revoke, re-issue, auto-issue and the sweeper."""

import datetime as dt
import os
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from certificates.models import Certificate, CertificateCounter, IssuerProfile
from certificates.services import (
    certificate_issue,
    certificate_pdf,
    certificate_reissue,
    certificate_render,
    certificate_retry,
    certificate_revoke,
    certificates_sweep,
    completion_rule_set,
)
from certificates.tasks import certificate_render_task
from sessions.models import Participant
from sessions.services import participant_record_quiz_result
from training.errors import ApplicationError

from .conftest import add_participant, make_finished_session
from .pdfcheck import pdf_text, qr_texts

Status = Participant.AttendanceStatus


def _issue(django_capture_on_commit_callbacks, participant, **kwargs) -> Certificate:
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(participant=participant, **kwargs)
    certificate.refresh_from_db()
    return certificate


def _files(certificate) -> list[str]:
    folder = os.path.dirname(default_storage.path(certificate.file.name))
    return sorted(os.listdir(folder))


def test_issue_creates_a_numbered_snapshot_and_renders_after_commit(
    attended, pelatih, units, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate = certificate_issue(participant=attended, issued_by=pelatih)
    # Pending, numbered and snapshotted in the transaction; nothing rendered before commit.
    assert certificate.status == Certificate.Status.PENDING and not certificate.file
    year = timezone.localtime(timezone.now(), dt.timezone(dt.timedelta(hours=7))).year
    assert certificate.number.startswith("0001/SERT/POLDA-KALBAR/")
    assert certificate.number.endswith(f"/{year}")
    assert certificate.recipient_name == "Andi Saputra"
    assert certificate.recipient_rank == "Bripka"
    assert certificate.recipient_unit.startswith("Polsek Kapuas")
    assert certificate.modules == ["Dasar hukum TPPO", "Modus operandi di perbatasan"]
    assert certificate.signatory_name == pelatih.name  # no issuer profile: the leader signs
    attended.refresh_from_db()
    assert attended.completed_at is not None
    assert len(callbacks) == 1
    callbacks[0]()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY
    pdf = default_storage.open(certificate.file.name).read()
    assert certificate.number in pdf_text(pdf)
    assert qr_texts(pdf) == [f"https://belajar.polri.test/v/{certificate.code}/"]


def test_issue_uses_the_issuer_profile(attended, units, django_capture_on_commit_callbacks):
    IssuerProfile.objects.create(
        unit=units["POLDA-KALBAR"],
        heading="KEPOLISIAN NEGARA REPUBLIK INDONESIA\nDAERAH KALIMANTAN BARAT",
        city="Pontianak",
        signatory_name="Dr. Asep Safrudin, S.I.K., M.H.",
        signatory_rank="Brigadir Jenderal Polisi",
        signatory_nrp="69080412",
        signatory_position="Wakapolda Kalimantan Barat",
    )
    certificate = _issue(django_capture_on_commit_callbacks, attended)
    text = pdf_text(certificate_pdf(certificate=certificate))
    assert "DAERAH KALIMANTAN BARAT" in text
    assert "WAKAPOLDA KALIMANTAN BARAT" in text
    assert "Pontianak, " in text


def test_issue_is_idempotent(attended, django_capture_on_commit_callbacks):
    first = _issue(django_capture_on_commit_callbacks, attended)
    second = _issue(django_capture_on_commit_callbacks, attended)
    assert first.pk == second.pk
    assert Certificate.objects.count() == 1
    assert CertificateCounter.objects.get().last == 1


def test_issue_refuses_who_did_not_complete(finished_session, crowd):
    izin = next(p for p in crowd if p.attendance_status == Status.IZIN)
    with pytest.raises(ApplicationError, match="has not completed"):
        certificate_issue(participant=izin)
    assert not Certificate.objects.exists()
    assert not CertificateCounter.objects.exists()  # the number was not spent


def test_render_task_twice_yields_one_file_and_one_number(
    attended, django_capture_on_commit_callbacks
):
    certificate = _issue(django_capture_on_commit_callbacks, attended)
    number, name = certificate.number, certificate.file.name
    assert certificate_render_task.apply(args=[certificate.pk]).get() is False  # already ready
    # A forced re-render (e.g. the download of a lost file) replaces the file, not adds one.
    assert certificate_render(certificate_id=certificate.pk, force=True) is True
    assert certificate_render(certificate_id=certificate.pk, force=True) is True
    certificate.refresh_from_db()
    assert (certificate.number, certificate.file.name) == (number, name)
    assert _files(certificate) == [os.path.basename(name)]


def test_a_render_in_progress_is_not_taken_twice(attended, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        certificate = certificate_issue(participant=attended)
    Certificate.objects.filter(pk=certificate.pk).update(claimed_at=timezone.now())
    assert certificate_render_task.apply(args=[certificate.pk]).get() is False
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.PENDING and not certificate.file


def test_numbers_are_sequential_per_issuer_and_year(
    finished_session, crowd, attended, units, pelatih, django_capture_on_commit_callbacks
):
    eligible = [p for p in [attended, *crowd] if p.attendance_status in ("HADIR", "TERLAMBAT")]
    numbers = [_issue(django_capture_on_commit_callbacks, p).number.split("/")[0] for p in eligible]
    assert numbers == [f"{n:04d}" for n in range(1, len(eligible) + 1)]
    # Another issuing unit counts on its own.
    other = make_finished_session(units, pelatih, host_unit=units["POLRES-SANGGAU"])
    person = add_participant(other, attended.personnel, Status.HADIR, 120)
    assert _issue(django_capture_on_commit_callbacks, person).number.startswith(
        "0001/SERT/POLRES-SANGGAU/"
    )


def test_revoke_records_who_and_why(attended, pelatih, django_capture_on_commit_callbacks):
    certificate = _issue(django_capture_on_commit_callbacks, attended)
    with pytest.raises(ApplicationError):
        certificate_revoke(certificate=certificate, by=pelatih, reason="   ")
    certificate = certificate_revoke(certificate=certificate, by=pelatih, reason="Data palsu")
    assert certificate.status == Certificate.Status.REVOKED
    assert (certificate.revoked_by, certificate.revoke_reason) == (pelatih, "Data palsu")
    with pytest.raises(ApplicationError, match="already"):
        certificate_revoke(certificate=certificate, by=pelatih, reason="again")
    # A revoked certificate is never silently replaced by a new issue.
    with pytest.raises(ApplicationError, match="re-issue"):
        certificate_issue(participant=attended)


def test_reissue_after_a_correction(attended, pelatih, peserta, django_capture_on_commit_callbacks):
    old = _issue(django_capture_on_commit_callbacks, attended)
    peserta.name = "Andi Saputra, S.H."
    peserta.save(update_fields=["name"])
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(certificate=old, by=pelatih, reason="Gelar S.H. terlewat")
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == Certificate.Status.REVOKED and "Gelar S.H. terlewat" in old.revoke_reason
    assert new.replaces == old and new.issued_by == pelatih
    assert new.reissue_reason == "Gelar S.H. terlewat"
    assert new.status == Certificate.Status.READY and new.number != old.number
    assert new.recipient_name == "Andi Saputra, S.H."
    assert old.recipient_name == "Andi Saputra"  # the old snapshot is kept as it was
    with pytest.raises(ApplicationError):
        certificate_reissue(certificate=old, by=pelatih, reason="twice")


def test_render_failure_is_recorded_and_can_be_retried(
    attended, units, django_capture_on_commit_callbacks
):
    IssuerProfile.objects.create(
        unit=units["POLDA-KALBAR"],
        heading="KEPOLISIAN NEGARA REPUBLIK INDONESIA",
        signatory_name="X",
        signatory_position="Y",
        signature_image="certificates/signatures/missing.png",
    )
    certificate = _issue(django_capture_on_commit_callbacks, attended)
    assert certificate.status == Certificate.Status.FAILED
    assert "missing" in certificate.error
    profile = IssuerProfile.objects.get()
    profile.signature_image = ""
    profile.save()
    Certificate.objects.filter(pk=certificate.pk).update(signature_image="")
    with django_capture_on_commit_callbacks(execute=True):
        certificate_retry(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY and certificate.error == ""


def test_missing_file_is_rendered_on_download(attended, django_capture_on_commit_callbacks):
    certificate = _issue(django_capture_on_commit_callbacks, attended)
    default_storage.delete(certificate.file.name)
    pdf = certificate_pdf(certificate=certificate)
    assert certificate.number in pdf_text(pdf)
    assert default_storage.exists(certificate.file.name)


def test_auto_issue_when_the_quiz_result_completes_the_rule(
    attended, django_capture_on_commit_callbacks, monkeypatch
):
    from certificates.services import rules

    monkeypatch.setattr(rules, "session_has_quiz", lambda *, session: True)
    with django_capture_on_commit_callbacks(execute=True):
        participant_record_quiz_result(participant=attended, score=55, passed=False)
    assert not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        participant_record_quiz_result(participant=attended, score=85, passed=True)
    certificate = Certificate.objects.get()
    assert certificate.participant == attended and certificate.issued_by is None
    assert certificate.status == Certificate.Status.READY
    # Announced again (e.g. a re-grade): still one certificate.
    with django_capture_on_commit_callbacks(execute=True):
        participant_record_quiz_result(participant=attended, score=90, passed=True)
    assert Certificate.objects.count() == 1


def test_no_auto_issue_when_the_session_says_so(
    attended, pelatih, django_capture_on_commit_callbacks
):
    completion_rule_set(
        session=attended.session,
        by=pelatih,
        attendance_statuses=["HADIR"],
        min_minutes=None,
        require_quiz=True,
        require_material_read=False,
        auto_issue=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        participant_record_quiz_result(participant=attended, score=85, passed=True)
    assert not Certificate.objects.exists()
    assert certificates_sweep().certificates_issued == 0


def test_sweeper_reenqueues_stale_pending_rows(attended, django_capture_on_commit_callbacks):
    # The broker lost the message: the row is pending and nobody renders it.
    with django_capture_on_commit_callbacks(execute=False):
        certificate = certificate_issue(participant=attended)
    assert certificates_sweep().certificates_enqueued == 0  # fresh: give the queue a chance
    Certificate.objects.filter(pk=certificate.pk).update(
        updated_at=timezone.now() - timedelta(minutes=30)
    )
    result = certificates_sweep()
    assert result.certificates_enqueued == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY
    assert certificates_sweep().certificates_enqueued == 0


def test_sweeper_takes_over_an_expired_claim_only(attended, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        certificate = certificate_issue(participant=attended)
    old = timezone.now() - timedelta(minutes=30)
    Certificate.objects.filter(pk=certificate.pk).update(updated_at=old, claimed_at=timezone.now())
    assert certificates_sweep().certificates_enqueued == 0  # a worker is on it
    Certificate.objects.filter(pk=certificate.pk).update(claimed_at=old)  # ...and died
    assert certificates_sweep().certificates_enqueued == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY


def test_sweeper_issues_to_those_who_completed_during_the_session(
    attended, crowd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = certificates_sweep()
    assert result.certificates_issued == 5  # peserta and the four HADIR/TERLAMBAT
    assert Certificate.objects.filter(status=Certificate.Status.READY).count() == 5
    assert certificates_sweep().certificates_issued == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_gap_free_numbers(units, pelatih, ranks):
    """Real threads against PostgreSQL: numbers are unique and consecutive."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    import threading

    from django.db import close_old_connections

    from tests.factories import PersonnelFactory

    session = make_finished_session(units, pelatih)
    participants = [
        add_participant(session, PersonnelFactory(unit=units["POLRES-SANGGAU"]), Status.HADIR, 120)
        for _ in range(24)
    ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(chunk):
        try:
            barrier.wait()
            for participant in chunk:
                certificate_issue(participant=participant)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work, args=(participants[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(Certificate.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 25))
    assert CertificateCounter.objects.get().last == 24
