"""Automatic issue runs in a Celery task: the `participant_changed` receiver only enqueues an id.

A Zoom import or the ALPA sweep announces thousands of participants; issuing each one inside the
receiver kept the importing request (or the sweep) busy for minutes.
"""

import pytest

from certificates import tasks
from certificates.models import Certificate, CertificateCounter
from certificates.services import certificates_sweep
from certificates.tasks import certificate_auto_issue_task
from sessions.models import Participant
from sessions.services import participant_record_quiz_result
from sessions.signals import participant_changed

from .conftest import add_participant

pytestmark = pytest.mark.django_db

Status = Participant.AttendanceStatus


@pytest.fixture
def enqueued(monkeypatch):
    """Record what the receiver hands to the broker instead of running it (a lost message)."""
    sent: list = []
    monkeypatch.setattr(tasks.certificate_auto_issue_task, "delay", lambda *a: sent.append(a))
    return sent


def test_the_receiver_enqueues_the_participant_id_and_issues_nothing_itself(
    attended, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        participant_changed.send(sender=Participant, participant=attended)
    # A primitive id, not the row: the worker re-reads the participant.
    assert enqueued == [(attended.pk,)]
    assert not Certificate.objects.exists()


def test_the_receiver_enqueues_only_after_commit(attended, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        participant_changed.send(sender=Participant, participant=attended)
    assert not Certificate.objects.exists()
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the (eager) task issues
    assert Certificate.objects.filter(participant=attended).count() == 1


def test_the_task_issues_once_when_run_twice(attended, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = certificate_auto_issue_task.delay(attended.pk).get()
    with django_capture_on_commit_callbacks(execute=True):
        second = certificate_auto_issue_task.delay(attended.pk).get()
    certificate = Certificate.objects.get()
    assert first == certificate.pk
    assert second is None  # the certificate already exists: nothing new
    assert certificate.status == Certificate.Status.READY
    # No number was consumed by the second run (numbers are gap-free per issuer and year).
    assert CertificateCounter.objects.get().last == 1


def test_the_task_does_nothing_for_someone_who_has_not_completed(finished_session, peserta):
    participant = add_participant(finished_session, peserta, Status.ALPA)
    assert certificate_auto_issue_task.delay(participant.pk).get() is None
    assert not Certificate.objects.exists()


def test_the_task_skips_a_participant_removed_meanwhile(finished_session, peserta):
    participant = add_participant(finished_session, peserta, Status.HADIR, 120)
    gone = participant.pk
    participant.delete()
    assert certificate_auto_issue_task.delay(gone).get() is None
    assert not Certificate.objects.exists()


def test_a_quiz_result_issues_through_the_task(
    attended, django_capture_on_commit_callbacks, monkeypatch
):
    from certificates.services import rules

    monkeypatch.setattr(rules, "session_has_quiz", lambda *, session: True)
    with django_capture_on_commit_callbacks(execute=True):
        participant_record_quiz_result(participant=attended, score=85, passed=True)
    assert Certificate.objects.filter(participant=attended).count() == 1


def test_the_sweeper_issues_what_a_lost_message_missed(
    attended, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        participant_changed.send(sender=Participant, participant=attended)
    assert enqueued and not Certificate.objects.exists()  # the broker never delivered it
    with django_capture_on_commit_callbacks(execute=True):
        result = certificates_sweep()
    assert result.certificates_issued == 1
    assert Certificate.objects.filter(participant=attended).count() == 1


def test_a_check_in_commit_costs_one_query_and_issues_nothing_inline(
    pelatih, units, peserta, enqueued, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # The busy-morning path: after check-in commits, sessions reloads the row to announce it
    # (one query) and the receiver only hands the id to the broker (none).
    from datetime import timedelta

    from sessions.services import participant_check_in
    from tests.sessions.conftest import make_session

    live = make_session(pelatih, units, start_in=-timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        participant, _ = participant_check_in(session=live, user=peserta)
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(1):
        for callback in callbacks:
            callback()  # the receiver's own on_commit runs when the outer block exits
    assert enqueued == [(participant.pk,)]
