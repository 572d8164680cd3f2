"""Demo sessions for Polda Kalbar, added when `training.signals.demo_data_seeded` fires.

Idempotent: a session is looked up by title and host unit and left alone when it exists; its
attendance is recorded only in the run that creates it.

Besides a session running now, a past one for Polres Sanggau and an upcoming one, the demo has
a finished Polda-wide series (`SERIES`): the record a commander's dashboard ranks units on. Who
attends is decided per person by `stable_fraction` against their unit's turnout (`TURNOUT`), so
units differ the way they do in practice (city Polres high, remote ones low) and every machine
gets the same record. Attendance goes through the services a participant and an operator use
(self check-in, `attendance_mark_bulk`, the ALPA sweep); the demo Peserta checks in on time to
every session of the series. At the polda scale the bulk personnel (not part of the demo scale)
are recorded with one UPDATE per status instead: announcing 20,000 changes to the certificates
app one broker message each would take minutes, and nobody of them completes anyway (they take
no quiz), so no certificate is missed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from core.scope import path_contains, subtree_q
from training.models import Module, Personnel, Unit
from training.services.demo import DEMO_ACCOUNTS, demo_scale_nrps
from training.services.demo_people import stable_fraction

from .models import Participant, TrainingSession, ViconPoint
from .services import (
    AttendanceMark,
    PresenterInput,
    attendance_mark_bulk,
    attendance_sweep_alpa,
    participant_check_in,
    session_create,
    session_publish,
    session_statuses_advance,
)

POLDA = "POLDA-KALBAR"
TRAINER_NRP = "80070412"
WAKAPOLDA_NRP = "70030418"
OPERATOR_NRP = "93110207"
PESERTA_NRP = DEMO_ACCOUNTS["Peserta"].nrp
Status = Participant.AttendanceStatus


@dataclass(frozen=True)
class SeriesSession:
    title: str
    description: str
    module: str  # Module.code of the curriculum
    days_ago: int


# Finished, Polda-wide, each with a post-test (quizzes.demo) and certificates (certificates).
SERIES: tuple[SeriesSession, ...] = (
    SeriesSession(
        "Polri Belajar: Tindak Pidana Siber dan Karakteristiknya",
        "Jenis tindak pidana siber, modus operandi, dan ciri yang membedakannya dari kejahatan "
        "konvensional.",
        "cyber-04-tindak-pidana-karakteristik",
        35,
    ),
    SeriesSession(
        "Polri Belajar: Disrupsi Penegakan Hukum",
        "Dampak transaksi digital 24 jam pada penyelidikan, penyidikan dan kerja sama "
        "dengan penyedia layanan.",
        "cyber-06-disrupsi-penegakan-hukum",
        14,
    ),
)

# Share of a unit's people who attend (HADIR or TERLAMBAT). Well-connected city units attend
# most; remote ones on poor links least. A unit not listed takes its parent's share, nudged by
# a fixed amount per unit, so the polda scale's Polsek differ too.
TURNOUT: dict[str, float] = {
    "POLDA-KALBAR": 0.9,
    "POLRESTA-PONTIANAK-KOTA": 0.93,
    "POLRES-SINGKAWANG": 0.88,
    "POLRES-KUBU-RAYA": 0.84,
    "POLRES-SANGGAU": 0.8,
    "POLRES-MEMPAWAH": 0.76,
    "POLRES-LANDAK": 0.7,
    "POLRES-SAMBAS": 0.66,
    "POLRES-BENGKAYANG": 0.62,
    "POLRES-SEKADAU": 0.57,
    "POLRES-KETAPANG": 0.53,
    "POLRES-SINTANG": 0.49,
    "POLRES-KAYONG-UTARA": 0.44,
    "POLRES-MELAWI": 0.39,
    "POLRES-KAPUAS-HULU": 0.33,
    # The Polsek of Polres Sanggau, which its Kapolres (the demo Pimpinan) ranks.
    "POLSEK-KAPUAS-SANGGAU": 0.95,
    "POLSEK-BATANG-TARANG-SANGGAU": 0.82,
    "POLSEK-MELIAU-SANGGAU": 0.64,
    "POLSEK-SEKAYAM-SANGGAU": 0.47,
    "POLSEK-ENTIKONG-SANGGAU": 0.3,
}


def _local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Asia/Pontianak"))


def sessions_demo_seed(*, stdout: Callable[[str], None] | None = None, scale: str = "demo") -> int:
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
                        subtree_q(operator.unit, via="unit"), session=session
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
    for series in SERIES:
        if TrainingSession.objects.filter(title=series.title, host_unit=polda).exists():
            continue
        with transaction.atomic():
            session = _series_session_create(
                series=series, polda=polda, trainer=trainer, wakapolda=wakapolda, today=today
            )
            counts = _series_attendance_record(
                session=session, trainer=trainer, operator=operator, scale=scale
            )
        created += 1
        said = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        say(f"Session created: {session.title} (finished; {said}; the rest ALPA).")
    session_statuses_advance()
    attendance_sweep_alpa()
    return created


# --- The finished series ----------------------------------------------------------------------


def _series_session_create(
    *,
    series: SeriesSession,
    polda: Unit,
    trainer: Personnel,
    wakapolda: Personnel | None,
    today,
) -> TrainingSession:
    start = _local(today - timedelta(days=series.days_ago), 9)
    session = session_create(
        user=trainer,
        title=series.title,
        description=series.description,
        host_unit=polda,
        start_at=start,
        end_at=start + timedelta(hours=2),
        led_by=wakapolda,
        zoom_join_url="https://us02web.zoom.us/j/81234567890?pwd=PolriBelajar1",
        zoom_passcode="246810",
        invited_units=[polda],
        modules=list(Module.objects.filter(code=series.module)),
        presenters=[PresenterInput(guest_name="AKBP Yohanes Sitorus", guest_title="Ditreskrimsus")],
    )
    return session_publish(session=session, user=trainer, now=start - timedelta(days=3))


def _turnouts(polda: Unit) -> dict[int, float]:
    """Unit id → share of its people who attend, for every unit of the Polda (one query)."""
    shares: dict[int, float] = {}
    units = Unit.objects.subtree_of(polda).order_by("path")
    for pk, code, parent_id in units.values_list("pk", "code", "parent_id"):
        if code in TURNOUT:
            shares[pk] = TURNOUT[code]
        else:
            nudge = (stable_fraction("turnout", code) - 0.5) * 0.2
            shares[pk] = min(0.97, max(0.2, shares.get(parent_id, 0.7) + nudge))
    return shares


def series_attendance_status(*, title: str, nrp: str, turnout: float) -> str:
    """The demo attendance of one person at one series session; "" means unrecorded (the ALPA
    sweep marks it). Most of those who stay away are unexcused; the others are on leave (IZIN),
    sick or on duty elsewhere (DINAS)."""
    draw = stable_fraction(title, nrp)
    if draw < turnout:
        return Status.TERLAMBAT if stable_fraction(title, nrp, "late") < 0.15 else Status.HADIR
    away = (draw - turnout) / (1 - turnout)
    for status, upto in ((Status.IZIN, 0.2), (Status.SAKIT, 0.35), (Status.DINAS, 0.6)):
        if away < upto:
            return status
    return ""


def _series_attendance_record(
    *,
    session: TrainingSession,
    trainer: Personnel,
    operator: Personnel | None,
    scale: str,
) -> dict[str, int]:
    """Record the session's attendance as it would have happened: some check themselves in
    (on time, or late), the operators mark the rest afterwards, nobody marks the absent (the
    sweep makes them ALPA). Returns how many got each status."""
    shares = _turnouts(session.host_unit)
    everyone = frozenset() if scale == "demo" else demo_scale_nrps()
    sanggau = operator.unit.path if operator is not None and operator.unit_id else None
    by_operator: list[AttendanceMark] = []
    by_trainer: list[AttendanceMark] = []
    in_bulk: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    participants = session.participants.select_related("personnel__unit", "unit").order_by("pk")
    for participant in participants:
        nrp = participant.personnel.nrp
        status = series_attendance_status(
            title=session.title, nrp=nrp, turnout=shares.get(participant.unit_id, 0.7)
        )
        if nrp == PESERTA_NRP:
            status = Status.HADIR  # the demo Peserta's story: present, then quiz, certificate
        if not status:
            continue
        counts[status] = counts.get(status, 0) + 1
        if everyone and nrp not in everyone:
            in_bulk.setdefault(status, []).append(participant.pk)
        elif status in (Status.HADIR, Status.TERLAMBAT) and (
            nrp == PESERTA_NRP or stable_fraction(session.title, nrp, "self") < 0.4
        ):
            late = status == Status.TERLAMBAT
            at = session.start_at + timedelta(minutes=22 if late else 3)
            participant_check_in(
                session=session, user=participant.personnel, now=at, participant=participant
            )
        else:
            present = status in (Status.HADIR, Status.TERLAMBAT)
            minutes = session.duration_minutes - (25 if status == Status.TERLAMBAT else 5)
            mark = AttendanceMark(participant.pk, status, minutes=minutes if present else None)
            mine = path_contains(sanggau, participant.unit)
            (by_operator if mine else by_trainer).append(mark)
    after = session.end_at + timedelta(minutes=30)
    if by_operator:
        attendance_mark_bulk(session=session, user=operator, marks=by_operator, now=after)
    attendance_mark_bulk(session=session, user=trainer, marks=by_trainer, now=after)
    _attendance_write_bulk(session=session, recorder=trainer, statuses=in_bulk, at=after)
    return counts


def _attendance_write_bulk(
    *, session: TrainingSession, recorder: Personnel, statuses: dict[str, Iterable[int]], at
) -> None:
    """The polda scale's bulk personnel: what `attendance_mark_bulk` stores, one UPDATE per
    status and thousand rows, without announcing each change (see the module docstring)."""
    for status, ids in statuses.items():
        ids = list(ids)
        for start in range(0, len(ids), 1000):
            Participant.objects.filter(session=session, pk__in=ids[start : start + 1000]).update(
                attendance_status=status,
                attendance_source=Participant.Source.OPERATOR,
                recorded_by=recorder,
                recorded_at=at,
            )
