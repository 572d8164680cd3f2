"""A Celery worker killed with SIGKILL in the middle of a 500-certificate bulk issue.

A trainer's "issue for all eligible" starts a bulk job; a real worker (prefork, two processes)
numbers the certificates and renders them. Once some, not all, are ready the whole worker
process group is killed; a new worker starts and the sweeper (what beat runs every 5 minutes)
brings back what the dead one held. Afterwards: exactly 500 certificates, each ready with its
file, 500 PDF files on disk and no more, numbers 1..500 without a gap or a duplicate.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from certificates.models import BulkJob, Certificate
from certificates.services import (
    certificates_issue_bulk,
    certificates_sweep,
    completion_rule_set,
)
from sessions.models import Participant, SessionModule, TrainingSession
from tests.factories import ModuleFactory, TrainingSessionFactory
from tests.faults.processes import sweep_until, unmet_requirement, wait_until
from training.models import Personnel

UNMET = unmet_requirement()
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(bool(UNMET), reason=UNMET or "runs"),
    pytest.mark.django_db(transaction=True),
]

COUNT = 500
# The worker may take over a render or a job claimed by the dead one after this long. Short so
# the test does not wait 10 minutes; far longer than one render takes, even on a busy machine.
LEASE_SECONDS = 15


@pytest.fixture
def big_session(units, ranks, pelatih) -> TrainingSession:
    """A finished Polda Kalbar session that 500 personnel of Polres Sanggau attended. Issue is
    by hand (no auto-issue), so only the bulk job issues: the sweeper must resume the job."""
    end = timezone.now() - timedelta(days=1)
    session = TrainingSessionFactory(
        title="Penanganan TPPO di Wilayah Perbatasan",
        host_unit=units["POLDA-KALBAR"],
        led_by=pelatih,
        status=TrainingSession.Status.FINISHED,
        start_at=end - timedelta(hours=2),
        end_at=end,
    )
    SessionModule.objects.create(session=session, module=ModuleFactory(title="Dasar hukum TPPO"))
    completion_rule_set(
        session=session,
        by=pelatih,
        attendance_statuses=[Participant.AttendanceStatus.HADIR],
        min_minutes=None,
        require_quiz=False,
        require_material_read=False,
        auto_issue=False,
    )
    people = Personnel.objects.bulk_create(
        Personnel(
            nrp=f"{81000000 + index:08d}",
            name=f"Peserta {index:03d} Sastrowardojo, S.H.",
            rank=ranks["BRIPKA"],
            unit=units["POLRES-SANGGAU"],
        )
        for index in range(COUNT)
    )
    Participant.objects.bulk_create(
        Participant(
            session=session,
            personnel=person,
            unit=person.unit,
            attendance_status=Participant.AttendanceStatus.HADIR,
            minutes_attended=120,
        )
        for person in people
    )
    return session


def test_a_worker_killed_mid_bulk_issue_leaves_exactly_500_certificates_and_files(
    big_session, pelatih, fault_media, sending, start_worker, settings
):
    settings.CERTIFICATES_CLAIM_LEASE_SECONDS = LEASE_SECONDS
    settings.CERTIFICATES_PENDING_GRACE_SECONDS = 2
    env = {"CERTIFICATES_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS)}
    certificates = Certificate.objects.filter(participant__session=big_session)
    ready = certificates.filter(status=Certificate.Status.READY)

    first = start_worker(**env)
    with transaction.atomic():
        job = certificates_issue_bulk(session=big_session, requested_by=pelatih)
    wait_until(
        lambda: ready.count() >= 20 or not first.alive(),
        timeout=240,
        what=lambda: f"the first certificates to be rendered\n{first.log_tail()}",
    )
    assert first.alive(), first.log_tail()
    first.kill()

    job.refresh_from_db()
    at_kill = {"issued": certificates.count(), "ready": ready.count(), "job": job.status}
    # The kill must interrupt the work, or this test proves nothing.
    assert at_kill["ready"] < COUNT, at_kill

    second = start_worker(**env)

    def state() -> tuple:
        job.refresh_from_db()
        return (job.status, job.progress, certificates.count(), ready.count())

    sweep_until(
        lambda: state() == (BulkJob.Status.DONE, COUNT, COUNT, COUNT),
        sweep=certificates_sweep,
        progress=state,
        timeout=300,
        what=lambda: f"all {COUNT} certificates (killed at {at_kill})\n{second.log_tail()}",
    )

    rows = list(certificates.values("participant_id", "sequence", "number", "file", "status"))
    assert len(rows) == COUNT
    assert len({row["participant_id"] for row in rows}) == COUNT  # one each
    assert sorted(row["sequence"] for row in rows) == list(range(1, COUNT + 1))  # no gap, no dup
    assert len({row["number"] for row in rows}) == COUNT
    assert {row["status"] for row in rows} == {Certificate.Status.READY}
    on_disk = {
        str(path.relative_to(fault_media)) for path in (fault_media / "certificates").rglob("*")
    }
    on_disk = {name for name in on_disk if (fault_media / name).is_file()}
    # One file per certificate, under the name recorded on its row; no orphan from the kill.
    assert on_disk == {row["file"] for row in rows}
    assert all((fault_media / name).read_bytes()[:5] == b"%PDF-" for name in list(on_disk)[:20])
    job.refresh_from_db()
    assert (job.status, job.progress, job.total) == (BulkJob.Status.DONE, COUNT, COUNT)
