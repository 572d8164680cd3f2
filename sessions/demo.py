"""Demo sessions for Polda Kalbar, added when `training.signals.demo_data_seeded` fires.

Idempotent: a session is looked up by title and host unit and left alone when it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from training.models import Module, Personnel, Unit

from .models import Participant, TrainingSession, ViconPoint
from .services import (
    AttendanceMark,
    PresenterInput,
    attendance_mark_bulk,
    attendance_sweep_alpa,
    session_create,
    session_publish,
    session_statuses_advance,
)

POLDA = "POLDA-KALBAR"
TRAINER_NRP = "80070412"
WAKAPOLDA_NRP = "70030418"
OPERATOR_NRP = "93110207"


def _local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Asia/Pontianak"))


def sessions_demo_seed(*, stdout: Callable[[str], None] | None = None) -> int:
    """Create the demo sessions that do not exist yet. Returns how many were created."""
    say = stdout or (lambda message: None)
    polda = Unit.objects.filter(code=POLDA).first()
    trainer = Personnel.objects.filter(nrp=TRAINER_NRP).select_related("unit").first()
    if polda is None or trainer is None:
        say("Sessions demo data skipped: Polda Kalbar or its trainer is missing.")
        return 0
    wakapolda = Personnel.objects.filter(nrp=WAKAPOLDA_NRP).first()
    operator = Personnel.objects.filter(nrp=OPERATOR_NRP).select_related("unit").first()
    sanggau = Unit.objects.filter(code="POLRES-SANGGAU").first()
    if sanggau:
        ViconPoint.objects.get_or_create(
            unit=sanggau,
            name="Ruang Vicon Polres Sanggau",
            defaults={"zoom_display_name": "Ruang Vicon Polres Sanggau"},
        )
    modules = list(Module.objects.filter(is_active=True)[:2])
    now = timezone.now()
    today = now.astimezone(ZoneInfo("Asia/Pontianak")).date()
    plans = [
        {
            "title": "Polri Belajar: Cyber Crime",
            "description": (
                "Penanganan laporan kejahatan siber dan pengamanan barang bukti digital."
            ),
            # Today, running now, so check-in can be tried at once.
            "start_at": now.replace(second=0, microsecond=0) - timedelta(minutes=10),
            "hours": 2,
            "invite": [polda],
            "presenters": [
                PresenterInput(personnel=wakapolda) if wakapolda else None,
                PresenterInput(guest_name="Dr. Rahmat Hidayat", guest_title="Dittipidsiber"),
            ],
        },
        {
            "title": "Polri Belajar: Etika Profesi Polri",
            "description": "Kode etik profesi dan pelayanan yang humanis.",
            "start_at": _local(today - timedelta(days=7), 9),
            "hours": 2,
            "invite": [sanggau or polda],
            "presenters": [],
        },
        {
            "title": "Polri Belajar: Pelayanan Publik Presisi",
            "description": "Standar pelayanan SPKT dan penanganan pengaduan masyarakat.",
            "start_at": _local(today + timedelta(days=3), 9),
            "hours": 2,
            "invite": [polda],
            "presenters": [],
        },
    ]
    created = 0
    for plan in plans:
        if TrainingSession.objects.filter(title=plan["title"], host_unit=polda).exists():
            continue
        with transaction.atomic():
            start = plan["start_at"]
            session = session_create(
                user=trainer,
                title=plan["title"],
                description=plan["description"],
                host_unit=polda,
                start_at=start,
                end_at=start + timedelta(hours=plan["hours"]),
                led_by=wakapolda,
                zoom_join_url="https://us02web.zoom.us/j/81234567890?pwd=PolriBelajar1",
                zoom_passcode="246810",
                invited_units=plan["invite"],
                modules=modules,
                presenters=[p for p in plan["presenters"] if p],
            )
            session = session_publish(session=session, user=trainer, now=start - timedelta(days=1))
            if session.end_at < now and operator is not None:
                ids = list(
                    Participant.objects.filter(
                        session=session, unit__path__startswith=operator.unit.path
                    ).values_list("pk", flat=True)
                )
                statuses = ["HADIR"] * 6 + ["TERLAMBAT", "IZIN", "SAKIT", "DINAS"]
                marks = [
                    AttendanceMark(pk, statuses[i % len(statuses)]) for i, pk in enumerate(ids)
                ]
                # Two thirds recorded by the operator; the rest become ALPA after the end.
                attendance_mark_bulk(
                    session=session,
                    user=operator,
                    marks=marks[: len(marks) * 2 // 3],
                    now=start + timedelta(minutes=5),
                )
        created += 1
        say(f"Session created: {session.title} ({session.participants.count()} participants).")
    session_statuses_advance()
    attendance_sweep_alpa()
    return created
