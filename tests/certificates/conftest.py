"""Certificates fixtures: a finished Polda Kalbar session with participants in Sanggau.

Personas (tests/conftest.py): pelatih (Polda Kalbar) leads and manages the session; peserta
(Polsek Kapuas, Sanggau) attended; pimpinan (Polres Sanggau) commands the participants' units;
outsider (Polres Sintang) has nothing to do with it.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from sessions.models import Participant, SessionInvitedUnit, SessionModule, TrainingSession
from tests.factories import (
    ModuleFactory,
    ParticipantFactory,
    PersonnelFactory,
    TrainingSessionFactory,
)

Status = Participant.AttendanceStatus


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Media in a fresh folder, an empty cache, and English messages from services (pages
    still follow the request's language)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATES_PUBLIC_BASE_URL = "https://belajar.polri.test"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def make_finished_session(units, pelatih, *, title="Penanganan TPPO di Wilayah Perbatasan", **kw):
    end = timezone.now() - timedelta(days=1)
    session = TrainingSessionFactory(
        title=title,
        host_unit=kw.pop("host_unit", units["POLDA-KALBAR"]),
        led_by=pelatih,
        status=TrainingSession.Status.FINISHED,
        start_at=end - timedelta(hours=2),
        end_at=end,
        **kw,
    )
    SessionInvitedUnit.objects.create(session=session, unit=units["POLRES-SANGGAU"])
    for order, name in enumerate(["Dasar hukum TPPO", "Modus operandi di perbatasan"]):
        SessionModule.objects.create(session=session, module=ModuleFactory(title=name), order=order)
    return session


def add_participant(session, person, status="", minutes=None, **kw):
    return ParticipantFactory(
        session=session,
        personnel=person,
        unit=person.unit,
        attendance_status=status,
        minutes_attended=minutes,
        **kw,
    )


@pytest.fixture
def finished_session(units, pelatih):
    return make_finished_session(units, pelatih)


@pytest.fixture
def attended(finished_session, peserta):
    """The peserta persona, HADIR for the whole session."""
    return add_participant(finished_session, peserta, Status.HADIR, 120)


@pytest.fixture
def crowd(finished_session, units, ranks):
    """Six more participants in Sanggau: four who completed, two who did not."""
    people = []
    for index, status in enumerate(
        [Status.HADIR, Status.TERLAMBAT, Status.HADIR, Status.TERLAMBAT, Status.IZIN, Status.ALPA]
    ):
        person = PersonnelFactory(
            unit=units["POLSEK-KAPUAS-SANGGAU" if index % 2 else "POLRES-SANGGAU"],
            rank=ranks["BRIPKA"],
        )
        people.append(add_participant(finished_session, person, status, 90))
    return people
