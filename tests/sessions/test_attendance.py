import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from sessions.models import Participant, TrainingSession
from sessions.services import (
    AttendanceMark,
    attendance_mark_bulk,
    attendance_sweep_alpa,
    participant_check_in,
    participant_record_quiz_result,
    session_reminders_send,
)
from sessions.signals import participant_changed
from tests.factories import PersonnelFactory, ViconPointFactory
from training.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    received = []

    def receiver(sender, participant, **kwargs):
        received.append(participant.pk)

    participant_changed.connect(receiver, dispatch_uid="test-announced")
    yield received
    participant_changed.disconnect(dispatch_uid="test-announced")


# --- self check-in ---------------------------------------------------------------------------
def test_check_in_window_and_late_status(upcoming, peserta):
    start = upcoming.start_at
    with pytest.raises(ApplicationError, match="opens at"):
        participant_check_in(session=upcoming, user=peserta, now=start - timedelta(minutes=31))
    participant, recorded = participant_check_in(
        session=upcoming, user=peserta, now=start - timedelta(minutes=30)
    )
    assert recorded and participant.attendance_status == "HADIR"
    assert participant.attendance_source == "self" and participant.recorded_by == peserta


def test_check_in_after_grace_is_terlambat_and_closes_at_end(upcoming, peserta, operator):
    start = upcoming.start_at
    participant, _ = participant_check_in(
        session=upcoming, user=peserta, now=start + timedelta(minutes=15, seconds=1)
    )
    assert participant.attendance_status == "TERLAMBAT"
    with pytest.raises(ApplicationError, match="closed"):
        participant_check_in(
            session=upcoming, user=operator, now=upcoming.end_at + timedelta(seconds=1)
        )


def test_check_in_at_exact_grace_is_still_hadir(upcoming, peserta):
    participant, _ = participant_check_in(
        session=upcoming, user=peserta, now=upcoming.start_at + timedelta(minutes=15)
    )
    assert participant.attendance_status == "HADIR"


def test_repeated_check_in_keeps_one_record(
    upcoming, peserta, announced, django_capture_on_commit_callbacks
):
    now = upcoming.start_at
    with django_capture_on_commit_callbacks(execute=True):
        first, recorded_first = participant_check_in(session=upcoming, user=peserta, now=now)
        again, recorded_again = participant_check_in(
            session=upcoming, user=peserta, now=now + timedelta(minutes=20)
        )
    assert recorded_first and not recorded_again
    assert again.attendance_status == "HADIR"  # the later click did not turn it TERLAMBAT
    assert again.recorded_at == first.recorded_at
    assert announced == [first.pk]  # one announcement, for the one change


def test_check_in_refused_for_uninvited_and_cancelled(upcoming, pelatih, outsider, peserta):
    with pytest.raises(ApplicationError, match="not invited"):
        participant_check_in(session=upcoming, user=outsider, now=upcoming.start_at)
    TrainingSession.objects.filter(pk=upcoming.pk).update(status="cancelled")
    upcoming.refresh_from_db()
    with pytest.raises(ApplicationError, match="not possible"):
        participant_check_in(session=upcoming, user=peserta, now=upcoming.start_at)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_check_ins_make_one_record(session_factory, peserta, operator, pimpinan):
    session = session_factory(start_in=-timedelta(minutes=1))
    barrier = threading.Barrier(8)
    results = []

    def click():
        try:
            barrier.wait()
            results.append(participant_check_in(session=session, user=peserta)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1
    assert Participant.objects.filter(session=session, personnel=peserta).count() == 1


# --- operator marking ------------------------------------------------------------------------
def _p(session, person):
    return Participant.objects.get(session=session, personnel=person)


def test_operator_marks_their_subtree_in_bulk(live, operator, peserta, pimpinan, units):
    room = ViconPointFactory(unit=units["POLRES-SANGGAU"], name="Ruang Vicon Polres Sanggau")
    changed = attendance_mark_bulk(
        session=live,
        user=operator,
        marks=[
            AttendanceMark(_p(live, peserta).pk, "HADIR", vicon_point_id=room.pk),
            AttendanceMark(_p(live, pimpinan).pk, "DINAS", note="Rapat di Polda"),
        ],
    )
    assert changed == 2
    p = _p(live, peserta)
    assert (p.attendance_status, p.attendance_source, p.recorded_by, p.vicon_point) == (
        "HADIR",
        "operator",
        operator,
        room,
    )
    assert _p(live, pimpinan).note == "Rapat di Polda"
    # The same marks again change nothing.
    assert (
        attendance_mark_bulk(
            session=live,
            user=operator,
            marks=[AttendanceMark(_p(live, peserta).pk, "HADIR")],
        )
        == 0
    )


def test_operator_cannot_touch_other_units_and_nothing_is_written(
    session_factory, operator, peserta, outsider, units
):
    session = session_factory(
        start_in=-timedelta(minutes=5), invite=("POLRES-SANGGAU", "POLRES-SINTANG")
    )
    sintang_operator = PersonnelFactory(unit=units["POLRES-SINTANG"], roles=["Operator"])
    with pytest.raises(ApplicationError, match="not in your units"):
        attendance_mark_bulk(
            session=session,
            user=sintang_operator,
            marks=[
                AttendanceMark(_p(session, outsider).pk, "HADIR"),
                AttendanceMark(_p(session, peserta).pk, "HADIR"),
            ],
        )
    # All or nothing: the Sintang row was not written either.
    assert _p(session, outsider).attendance_status == ""


def test_pimpinan_and_peserta_cannot_mark(live, pimpinan, peserta):
    for user in (pimpinan, peserta):
        with pytest.raises(ApplicationError, match="Only operators"):
            attendance_mark_bulk(
                session=live, user=user, marks=[AttendanceMark(_p(live, peserta).pk, "HADIR")]
            )


def test_marking_rules_by_time(upcoming, operator, peserta):
    pk = _p(upcoming, peserta).pk
    with pytest.raises(ApplicationError, match="check-in opens"):
        attendance_mark_bulk(session=upcoming, user=operator, marks=[AttendanceMark(pk, "HADIR")])
    with pytest.raises(ApplicationError, match="ALPA"):
        attendance_mark_bulk(session=upcoming, user=operator, marks=[AttendanceMark(pk, "ALPA")])
    with pytest.raises(ApplicationError, match="not an attendance status"):
        attendance_mark_bulk(session=upcoming, user=operator, marks=[AttendanceMark(pk, "LIBUR")])
    # Leave announced in advance is fine.
    assert attendance_mark_bulk(
        session=upcoming, user=operator, marks=[AttendanceMark(pk, "IZIN", note="Cuti")]
    )


def test_operator_cannot_use_another_units_vicon_point(live, operator, peserta, units):
    room = ViconPointFactory(unit=units["POLRES-SINTANG"], name="Ruang Vicon Sintang")
    with pytest.raises(ApplicationError, match="vicon"):
        attendance_mark_bulk(
            session=live,
            user=operator,
            marks=[AttendanceMark(_p(live, peserta).pk, "HADIR", vicon_point_id=room.pk)],
        )


# --- quiz result contract --------------------------------------------------------------------
def test_record_quiz_result_updates_fields_and_announces(
    live, peserta, announced, django_capture_on_commit_callbacks
):
    participant = _p(live, peserta)
    with django_capture_on_commit_callbacks(execute=True):
        result = participant_record_quiz_result(
            participant=participant, score=Decimal("87.5"), passed=True
        )
    participant.refresh_from_db()
    assert result.quiz_score == Decimal("87.50") and participant.quiz_passed is True
    assert announced == [participant.pk]
    with pytest.raises(ApplicationError):
        participant_record_quiz_result(participant=participant, score=Decimal("101"), passed=True)


# --- ALPA sweep ------------------------------------------------------------------------------
def test_alpa_sweep_marks_unrecorded_once(
    ended, operator, peserta, pimpinan, announced, django_capture_on_commit_callbacks
):
    attendance_mark_bulk(
        session=ended,
        user=operator,
        marks=[AttendanceMark(_p(ended, pimpinan).pk, "SAKIT")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = attendance_sweep_alpa()
    assert first == 2  # peserta and operator had no record
    statuses = dict(
        Participant.objects.filter(session=ended).values_list("personnel", "attendance_status")
    )
    assert statuses == {peserta.pk: "ALPA", operator.pk: "ALPA", pimpinan.pk: "SAKIT"}
    ended.refresh_from_db()
    assert ended.alpa_swept_at is not None
    # Running again (beat twice) finds nothing, even for a person reset by hand meanwhile.
    Participant.objects.filter(session=ended, personnel=peserta).update(attendance_status="")
    assert attendance_sweep_alpa() == 0
    assert len(announced) == 2


def test_alpa_sweep_ignores_running_and_cancelled_sessions(live, session_factory, pelatih):
    assert attendance_sweep_alpa() == 0
    assert not Participant.objects.filter(attendance_status="ALPA").exists()


# --- reminders -------------------------------------------------------------------------------
def test_reminders_are_sent_once_per_participant(session_factory, peserta, operator, pimpinan):
    for person in (peserta, operator, pimpinan):
        person.email = f"{person.nrp}@polri.go.id"
        person.save(update_fields=["email"])
    session = session_factory(start_in=timedelta(minutes=50))
    assert session_reminders_send() == 3
    assert session_reminders_send() == 0
    assert len(mail.outbox) == 3
    body = mail.outbox[0].body
    assert session.zoom_join_url in body and "812 3456 7890" in body
    assert "WIB" in mail.outbox[0].subject


def test_reminders_wait_until_the_configured_time(session_factory, peserta):
    peserta.email = "andi@polri.go.id"
    peserta.save(update_fields=["email"])
    session_factory(start_in=timedelta(minutes=90))
    assert session_reminders_send() == 0
    assert mail.outbox == []


def test_check_in_query_count_is_small_and_constant(live, peserta, django_assert_max_num_queries):
    # Fetch participant, conditional UPDATE, re-read: the hot path of a busy morning.
    with django_assert_max_num_queries(3):
        participant_check_in(session=live, user=peserta)
