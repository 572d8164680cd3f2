"""The completion rule: defaults, minimum minutes, quiz, materials, session state, and the bulk
query agreeing with the per-participant check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.services import completion_check, completion_rule_set, participants_eligible
from certificates.services import rules as rules_module
from sessions.models import Participant, TrainingSession
from tests.factories import LinkMaterialFactory, PersonnelFactory
from training.errors import ApplicationError
from training.models import MaterialRead, Module

from .conftest import add_participant

Status = Participant.AttendanceStatus


def _set_rule(session, by, **overrides):
    values = {
        "attendance_statuses": ["HADIR", "TERLAMBAT"],
        "min_minutes": None,
        "require_quiz": True,
        "require_material_read": False,
        "auto_issue": True,
    }
    values.update(overrides)
    return completion_rule_set(session=session, by=by, **values)


def test_default_rule_counts_hadir_and_terlambat(finished_session, crowd):
    met = {p.attendance_status: completion_check(participant=p).met for p in crowd}
    assert met == {"HADIR": True, "TERLAMBAT": True, "IZIN": False, "ALPA": False}


def test_unmet_rule_explains_why(finished_session, crowd):
    izin = next(p for p in crowd if p.attendance_status == Status.IZIN)
    check = completion_check(participant=izin)
    assert not check.met
    assert "IZIN" in check.reasons[0]


def test_minimum_minutes(finished_session, pelatih, units):
    _set_rule(finished_session, pelatih, min_minutes=60)
    long_stay = add_participant(
        finished_session, PersonnelFactory(unit=units["POLRES-SANGGAU"]), Status.HADIR, 75
    )
    short_stay = add_participant(
        finished_session, PersonnelFactory(unit=units["POLRES-SANGGAU"]), Status.HADIR, 30
    )
    unknown = add_participant(
        finished_session, PersonnelFactory(unit=units["POLRES-SANGGAU"]), Status.HADIR, None
    )
    assert completion_check(participant=long_stay).met
    assert not completion_check(participant=short_stay).met
    assert not completion_check(participant=unknown).met  # a minimum needs recorded minutes


def test_quiz_must_be_passed_when_the_session_has_one(finished_session, units, monkeypatch):
    monkeypatch.setattr(rules_module, "session_has_quiz", lambda *, session: True)
    person = lambda: PersonnelFactory(unit=units["POLRES-SANGGAU"])  # noqa: E731
    passed = add_participant(finished_session, person(), Status.HADIR, 120, quiz_passed=True)
    failed = add_participant(finished_session, person(), Status.HADIR, 120, quiz_passed=False)
    untaken = add_participant(finished_session, person(), Status.HADIR, 120)
    assert completion_check(participant=passed).met
    assert not completion_check(participant=failed).met
    assert "not been taken" in completion_check(participant=untaken).reasons[0]


def test_quiz_is_ignored_without_a_quiz_or_when_the_rule_says_so(
    finished_session, units, pelatih, monkeypatch
):
    untaken = add_participant(
        finished_session, PersonnelFactory(unit=units["POLRES-SANGGAU"]), Status.HADIR, 120
    )
    assert completion_check(participant=untaken).met  # the session has no quiz
    monkeypatch.setattr(rules_module, "session_has_quiz", lambda *, session: True)
    assert not completion_check(participant=untaken).met
    _set_rule(finished_session, pelatih, require_quiz=False)
    assert completion_check(participant=untaken).met


def test_material_read(finished_session, attended, pelatih, peserta):
    module = Module.objects.get(session_links__session=finished_session, title="Dasar hukum TPPO")
    first, second = LinkMaterialFactory(module=module), LinkMaterialFactory(module=module)
    LinkMaterialFactory(module=module, is_active=False)  # withdrawn: not required
    _set_rule(finished_session, pelatih, require_material_read=True)
    now = timezone.now()
    MaterialRead.objects.create(
        material=first, person=peserta, first_opened_at=now, last_opened_at=now
    )
    check = completion_check(participant=attended)
    assert not check.met and "1 of 2" in check.reasons[0]
    assert list(participants_eligible(session=finished_session)) == []
    MaterialRead.objects.create(
        material=second, person=peserta, first_opened_at=now, last_opened_at=now
    )
    assert completion_check(participant=attended).met
    assert list(participants_eligible(session=finished_session)) == [attended]


def test_nobody_completes_a_session_that_has_not_ended_or_was_cancelled(finished_session, attended):
    finished_session.end_at = timezone.now() + timedelta(hours=1)
    finished_session.save(update_fields=["end_at"])
    assert not completion_check(participant=attended).met
    assert participants_eligible(session=finished_session).count() == 0
    finished_session.end_at = timezone.now() - timedelta(minutes=1)
    finished_session.status = TrainingSession.Status.CANCELLED
    finished_session.save(update_fields=["end_at", "status"])
    attended.refresh_from_db()
    assert completion_check(participant=attended).reasons == ("The session was cancelled.",)


def test_bulk_query_agrees_with_the_check(
    finished_session, crowd, attended, pelatih, django_assert_max_num_queries
):
    _set_rule(finished_session, pelatih, attendance_statuses=["HADIR"], min_minutes=60)
    with django_assert_max_num_queries(4):
        eligible = set(participants_eligible(session=finished_session))
    expected = {p for p in [*crowd, attended] if completion_check(participant=p).met}
    assert eligible == expected
    assert {p.attendance_status for p in eligible} == {"HADIR"}


def test_rule_rejects_bad_input(finished_session, pelatih):
    with pytest.raises(ApplicationError):
        _set_rule(finished_session, pelatih, attendance_statuses=["HADIR", "PRESENT"])
    with pytest.raises(ApplicationError):
        _set_rule(finished_session, pelatih, attendance_statuses=[])
    with pytest.raises(ApplicationError):
        _set_rule(finished_session, pelatih, min_minutes=5000)
