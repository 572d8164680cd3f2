from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sessions.models import Participant, TrainingSession
from sessions.services import (
    PresenterInput,
    participant_add_late,
    session_cancel,
    session_create,
    session_participants_sync,
    session_publish,
    session_statuses_advance,
    session_update,
)
from tests.factories import ModuleFactory, PersonnelFactory
from training.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_publishing_invites_active_personnel_of_invited_subtrees_with_their_unit(
    session_factory, peserta, operator, pimpinan, pelatih, outsider, units
):
    inactive = PersonnelFactory(unit=units["POLSEK-KAPUAS-SANGGAU"], is_active=False)
    session = session_factory()
    invited = dict(
        Participant.objects.filter(session=session).values_list("personnel_id", "unit_id")
    )
    assert invited == {
        peserta.pk: units["POLSEK-KAPUAS-SANGGAU"].pk,
        operator.pk: units["POLRES-SANGGAU"].pk,
        pimpinan.pk: units["POLRES-SANGGAU"].pk,
    }
    assert inactive.pk not in invited and outsider.pk not in invited and pelatih.pk not in invited
    assert session.status == TrainingSession.Status.SCHEDULED


def test_create_keeps_presenters_and_modules_in_order(pelatih, units, peserta):
    modules = [ModuleFactory(), ModuleFactory()]
    start = timezone.now() + timedelta(days=1)
    session = session_create(
        user=pelatih,
        title="Cyber Crime",
        host_unit=units["POLDA-KALBAR"],
        start_at=start,
        end_at=start + timedelta(hours=2),
        modules=list(reversed(modules)),
        presenters=[
            PresenterInput(guest_name="Dr. Budi", guest_title="Ahli Forensik Digital"),
            PresenterInput(personnel=peserta),
        ],
        zoom_join_url="https://zoom.us/j/812345678",
    )
    assert [sm.module_id for sm in session.session_modules.all()] == [modules[1].pk, modules[0].pk]
    assert [str(p) for p in session.presenters.all()][0] == "Dr. Budi, Ahli Forensik Digital"
    assert session.presenters.all()[1].personnel == peserta
    assert session.zoom_meeting_id == "812345678"  # taken from the link


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"end_offset": timedelta(hours=-1)}, "end after"),
        ({"zoom_join_url": "https://zoom.evil.com/j/81234567890"}, "not a Zoom link"),
        ({"zoom_meeting_id": "812 3456 7891"}, "does not match"),
        ({"zoom_passcode": "a b"}, "passcode"),
        ({"title": "  "}, "title"),
    ],
)
def test_create_refuses_bad_input(pelatih, units, kwargs, message):
    start = timezone.now() + timedelta(days=1)
    end = start + kwargs.pop("end_offset", timedelta(hours=2))
    args = {
        "user": pelatih,
        "title": "Sesi",
        "host_unit": units["POLDA-KALBAR"],
        "start_at": start,
        "end_at": end,
        "zoom_join_url": "https://zoom.us/j/81234567890",
    }
    args.update(kwargs)
    with pytest.raises(ApplicationError, match=message):
        session_create(**args)
    assert not TrainingSession.objects.exists()


def test_only_trainers_in_scope_schedule_and_invite_inside_their_scope(
    operator, pelatih, units, outsider
):
    start = timezone.now() + timedelta(days=1)
    base = {"title": "Sesi", "start_at": start, "end_at": start + timedelta(hours=1)}
    with pytest.raises(ApplicationError):
        session_create(user=operator, host_unit=units["POLRES-SANGGAU"], **base)
    with pytest.raises(ApplicationError, match="outside your units"):
        session_create(
            user=pelatih,
            host_unit=units["POLDA-KALBAR"],
            invited_units=[units["MABES"]],
            **base,
        )


def test_transfers_before_start_update_the_list(
    session_factory, peserta, units, django_capture_on_commit_callbacks
):
    session = session_factory(start_in=timedelta(minutes=30))

    def transfer(code):
        with django_capture_on_commit_callbacks(execute=True):
            peserta.unit = units[code]
            peserta.save()

    # Transfer within Sanggau before the start: the snapshot follows.
    transfer("POLRES-SANGGAU")
    assert (
        Participant.objects.get(session=session, personnel=peserta).unit == units["POLRES-SANGGAU"]
    )
    # Transfer out of the invited subtree before the start: no longer invited.
    transfer("POLRES-SINTANG")
    assert not Participant.objects.filter(session=session, personnel=peserta).exists()
    # Back again: invited again.
    transfer("POLSEK-KAPUAS-SANGGAU")
    assert (
        Participant.objects.get(session=session, personnel=peserta).unit
        == units["POLSEK-KAPUAS-SANGGAU"]
    )


def test_list_is_frozen_after_start(upcoming, peserta, units):
    later = upcoming.start_at + timedelta(minutes=1)
    peserta.unit = units["POLRES-SINTANG"]
    peserta.save(update_fields=["unit"])
    result = session_participants_sync(session=upcoming, now=later)
    assert result.frozen
    assert (
        Participant.objects.get(session=upcoming, personnel=peserta).unit
        == units["POLSEK-KAPUAS-SANGGAU"]
    )


def test_recorded_participant_is_not_removed_by_resync(upcoming, peserta, units):
    Participant.objects.filter(session=upcoming, personnel=peserta).update(attendance_status="IZIN")
    peserta.unit = units["POLRES-SINTANG"]
    peserta.save(update_fields=["unit"])
    session_participants_sync(session=upcoming)
    assert Participant.objects.filter(session=upcoming, personnel=peserta).exists()


def test_past_session_keeps_unit_snapshot_after_transfer(
    ended, peserta, units, django_capture_on_commit_callbacks
):
    participant = Participant.objects.get(session=ended, personnel=peserta)
    with django_capture_on_commit_callbacks(execute=True):
        peserta.unit = units["POLRES-SINTANG"]
        peserta.save()
    participant.refresh_from_db()
    assert participant.unit == units["POLSEK-KAPUAS-SANGGAU"]


def test_new_personnel_before_start_is_invited(upcoming, units, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = PersonnelFactory(unit=units["POLSEK-KAPUAS-SANGGAU"])
    assert Participant.objects.filter(session=upcoming, personnel=newcomer).exists()


def test_changing_invited_units_after_start_is_refused_but_late_add_works(
    live, pelatih, units, outsider
):
    with pytest.raises(ApplicationError, match="frozen"):
        session_update(session=live, user=pelatih, invited_units=[units["POLDA-KALBAR"]])
    participant = participant_add_late(session=live, user=pelatih, personnel=outsider)
    assert participant.added_late and participant.unit == units["POLRES-SINTANG"]
    with pytest.raises(ApplicationError, match="already"):
        participant_add_late(session=live, user=pelatih, personnel=outsider)


def test_late_add_by_non_trainer_is_permission_denied_and_adds_nobody(live, operator, outsider):
    with pytest.raises(PermissionDenied, match="cannot add participants"):
        participant_add_late(session=live, user=operator, personnel=outsider)
    assert not Participant.objects.filter(session=live, personnel=outsider).exists()


def test_edit_and_publish_by_non_manager_are_permission_denied(session_factory, pimpinan, operator):
    draft = session_factory(publish=False)
    with pytest.raises(PermissionDenied, match="cannot edit"):
        session_update(session=draft, user=pimpinan, title="Judul lain")
    with pytest.raises(PermissionDenied, match="cannot publish"):
        session_publish(session=draft, user=operator)
    draft.refresh_from_db()
    assert draft.status == TrainingSession.Status.DRAFT and draft.title != "Judul lain"


def test_updating_invited_units_before_start_resyncs(upcoming, pelatih, units, outsider):
    session_update(
        session=upcoming,
        user=pelatih,
        invited_units=[units["POLRES-SANGGAU"], units["POLRES-SINTANG"]],
    )
    assert Participant.objects.filter(session=upcoming, personnel=outsider).exists()
    session_update(session=upcoming, user=pelatih, invited_units=[units["POLRES-SINTANG"]])
    assert set(
        Participant.objects.filter(session=upcoming).values_list("personnel", flat=True)
    ) == {outsider.pk}


def test_time_change_bumps_ics_sequence(upcoming, pelatih):
    before = upcoming.ics_sequence
    session_update(session=upcoming, user=pelatih, end_at=upcoming.end_at + timedelta(minutes=30))
    upcoming.refresh_from_db()
    assert upcoming.ics_sequence == before + 1


def test_cancel_needs_reason_and_right_person(upcoming, pelatih, pimpinan):
    with pytest.raises(ApplicationError, match="reason"):
        session_cancel(session=upcoming, user=pelatih, reason=" ")
    with pytest.raises(PermissionDenied, match="cannot cancel"):
        session_cancel(session=upcoming, user=pimpinan, reason="Banjir")
    session = session_cancel(session=upcoming, user=pelatih, reason="Jaringan terganggu")
    assert session.status == TrainingSession.Status.CANCELLED
    with pytest.raises(ApplicationError):
        session_cancel(session=upcoming, user=pelatih, reason="lagi")


def test_publish_refuses_twice_and_without_units(session_factory, pelatih):
    session = session_factory(publish=False, invite=())
    with pytest.raises(ApplicationError, match="at least one unit"):
        session_publish(session=session, user=pelatih)
    published = session_factory()
    with pytest.raises(ApplicationError, match="draft"):
        session_publish(session=published, user=pelatih)


def test_statuses_advance_is_idempotent(live, ended):
    session_statuses_advance()
    assert session_statuses_advance() == {"live": 0, "finished": 0}
    live.refresh_from_db()
    ended.refresh_from_db()
    assert (live.status, ended.status) == ("live", "finished")
