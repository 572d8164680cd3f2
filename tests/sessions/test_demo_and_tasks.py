from io import StringIO

import pytest
from django.core.management import call_command

from sessions.models import Participant, TrainingSession
from sessions.tasks import (
    advance_session_statuses_task,
    send_session_reminders_task,
    sweep_alpa_task,
    sync_upcoming_participants_task,
)

pytestmark = pytest.mark.django_db


def test_demo_sessions_are_added_once():
    from training.services.demo import demo_seed

    demo_seed(scale="demo")
    titles = set(TrainingSession.objects.values_list("title", flat=True))
    assert {
        "Polri Belajar: Cyber Crime",
        "Polri Belajar: Etika Profesi Polri",
        "Polri Belajar: Pelayanan Publik Presisi",
    } <= titles
    cyber = TrainingSession.objects.get(title="Polri Belajar: Cyber Crime")
    assert cyber.led_by.position == "Wakapolda" and cyber.host_unit.code == "POLDA-KALBAR"
    assert cyber.status == "live" and cyber.participants.exists()
    past = TrainingSession.objects.get(title="Polri Belajar: Etika Profesi Polri")
    assert past.participants.filter(attendance_status="ALPA").exists()
    assert past.participants.filter(attendance_status="HADIR").exists()
    counts = (TrainingSession.objects.count(), Participant.objects.count())
    demo_seed(scale="demo")
    assert (TrainingSession.objects.count(), Participant.objects.count()) == counts


def test_tasks_run_twice_safely(ended, upcoming):
    assert sweep_alpa_task.delay().get() == 3
    assert sweep_alpa_task.delay().get() == 0
    assert advance_session_statuses_task.delay().get() == {"live": 0, "finished": 1}
    assert advance_session_statuses_task.delay().get() == {"live": 0, "finished": 0}
    assert send_session_reminders_task.delay().get() == 0
    assert sync_upcoming_participants_task.delay().get() == 1


@pytest.mark.parametrize(
    "command, expected",
    [
        ("sweep_alpa", "participants marked ALPA"),
        ("send_session_reminders", "emails sent"),
        ("advance_session_statuses", "sessions changed"),
        ("sync_session_participants", "sessions synchronised"),
    ],
)
def test_operational_commands(command, expected, ended):
    out = StringIO()
    call_command(command, stdout=out)
    assert expected in out.getvalue()
