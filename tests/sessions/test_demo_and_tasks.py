from io import StringIO

import pytest
from django.core.management import call_command

from sessions.demo import SERIES, series_attendance_status
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
    for series in SERIES:
        finished = TrainingSession.objects.get(title=series.title)
        assert finished.status == "finished" and finished.invited_units.get().code == "POLDA-KALBAR"
        assert not finished.participants.filter(attendance_status="").exists()
    counts = (TrainingSession.objects.count(), Participant.objects.count())
    records = set(Participant.objects.values_list("pk", "attendance_status", "recorded_at"))
    demo_seed(scale="demo")
    assert (TrainingSession.objects.count(), Participant.objects.count()) == counts
    assert set(Participant.objects.values_list("pk", "attendance_status", "recorded_at")) == records


def test_series_attendance_follows_the_unit_turnout_and_is_the_same_every_time():
    people = [f"9{i:07d}" for i in range(2000)]

    def present(turnout: float) -> float:
        statuses = [
            series_attendance_status(title=SERIES[0].title, nrp=nrp, turnout=turnout)
            for nrp in people
        ]
        return sum(s in ("HADIR", "TERLAMBAT") for s in statuses) / len(statuses)

    assert abs(present(0.9) - 0.9) < 0.03 and abs(present(0.35) - 0.35) < 0.03
    again = series_attendance_status(title=SERIES[0].title, nrp=people[0], turnout=0.6)
    assert again == series_attendance_status(title=SERIES[0].title, nrp=people[0], turnout=0.6)
    everyone = {series_attendance_status(title="x", nrp=nrp, turnout=0.5) for nrp in people}
    assert everyone == {"HADIR", "TERLAMBAT", "IZIN", "SAKIT", "DINAS", ""}  # "" becomes ALPA


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
