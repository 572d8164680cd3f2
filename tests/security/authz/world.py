"""The world every case of the matrix runs in: people, units and objects in two Polres of Polda
Kalbar (Sanggau and Sintang) and one person in another Polda (Jawa Timur).

    POLDA-KALBAR (pelatih) ── POLRES-SANGGAU (operator, pimpinan, marker "sanggau")
                          │      └─ POLSEK-KAPUAS-SANGGAU (peserta)
                          └─ POLRES-SINTANG (outsider = Kapolres Sintang, marker "sintang")
    POLDA-JATIM (stranger = a Pelatih, marker "jatim")           MABES (admin, superuser)

Objects (`world["key"]`):
- modules `mod_sanggau` (owned by pelatih, used by the Sanggau session, with its question bank)
  and `mod_sintang` (owned by the stranger, used by the Sintang session); each has a file
  material (`file_sanggau` has two versions) and a link.
- sessions: `sintang_session` and `sanggau_session` (published, in three days, each inviting its
  Polres), `sanggau_draft` (a draft by pelatih), `kalbar_finished` (yesterday, Polda-wide, with
  peserta and both markers as participants, HADIR).
- quizzes: `kalbar_quiz` (open, on kalbar_finished) with attempts `attempt_peserta` (in
  progress), `attempt_sanggau` and `attempt_sintang` (submitted, by the markers);
  `sintang_quiz` on the Sintang session.
- certificates (ready) `cert_peserta`, `cert_sanggau`, `cert_sintang` of kalbar_finished;
  certificate ZIP jobs `zip_pelatih` and `zip_pimpinan` (done, each seen by its requester).
- `zoom_preview`: an uploaded, unconfirmed Zoom report of kalbar_finished.
- report exports (CSV, done): `report_sanggau` (by the operator) and `report_sintang` (by the
  outsider).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests.factories import (
    ParticipantFactory,
    PersonnelFactory,
    TrainingSessionFactory,
    sample_file,
)
from training.models import Role

from .matrix import World

SINTANG_SESSION_TITLE = "Sesi Rahasia Polres Sintang"

# Which marker each role may see; every other marker must not appear in its responses.
MARKER_VISIBLE_TO = {
    "sintang": {"outsider", "pelatih", "admin", "superuser"},
    "sanggau": {"operator", "pimpinan", "pelatih", "admin", "superuser"},
    "jatim": {"stranger", "admin", "superuser"},
}

QUIZ_BANK = """\
$CATEGORY: Dasar

::TF::UU ITE mengatur transaksi elektronik.{TRUE}

::MC::Apa kepanjangan ITE?{=Informasi dan Transaksi Elektronik ~Internet Teknologi}
"""


def build_world(*, units, ranks, users: dict) -> World:
    markers = {
        "sintang": _marker("77000001", "Saksi Rahasia Sintang", units["POLRES-SINTANG"], ranks),
        "sanggau": _marker("77000002", "Saksi Rahasia Sanggau", units["POLRES-SANGGAU"], ranks),
        "jatim": _marker("77000003", "Saksi Rahasia Jatim", units["POLDA-JATIM"], ranks),
    }
    world = World(users=users, units=units, markers=markers)
    _add_curriculum(world)
    _add_sessions(world)
    # Certificates before the quiz: the markers' empty attempts fail it afterwards.
    _add_certificates(world)
    _add_quizzes(world)
    _add_zoom_preview(world)
    _add_report_jobs(world)
    return world


def _marker(nrp: str, name: str, unit, ranks):
    return PersonnelFactory(
        nrp=nrp, name=name, unit=unit, rank=ranks["BRIPKA"], roles=[Role.PESERTA]
    )


def _add_curriculum(world: World) -> None:
    from training.services.curriculum import (
        material_link_create,
        material_replace,
        material_upload,
        module_create,
    )

    admin = world.users["admin"]
    for key, owner in (("sanggau", "pelatih"), ("sintang", "stranger")):
        module = module_create(
            user=admin,
            code=f"modul-{key}",
            title=f"Modul {key.title()}",
            owner=world.users[owner],
        )
        world.extra[f"mod_{key}"] = module
        world.extra[f"file_{key}"] = material_upload(
            user=admin, module=module, upload=sample_file("pdf"), title=f"Materi {key}"
        )
        world.extra[f"link_{key}"] = material_link_create(
            user=admin, module=module, title=f"Tautan {key}", url=f"https://example.org/{key}"
        )
    material_replace(
        user=admin, material=world.extra["file_sanggau"], upload=sample_file("pdf", "v2.pdf")
    )
    world.extra["file_sanggau"].refresh_from_db()


def _add_sessions(world: World) -> None:
    from sessions.models import SessionInvitedUnit
    from sessions.services import session_create, session_publish

    admin, units = world.users["admin"], world.units
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=3)
    for key, title, unit in (
        ("sintang", SINTANG_SESSION_TITLE, "POLRES-SINTANG"),
        ("sanggau", "Sesi Polres Sanggau", "POLRES-SANGGAU"),
    ):
        session = session_create(
            user=admin,
            title=title,
            host_unit=units[unit],
            start_at=start,
            end_at=start + timedelta(hours=2),
            zoom_join_url="https://us02web.zoom.us/j/81234567890",
            invited_units=[units[unit]],
            modules=[world.extra[f"mod_{key}"]],
        )
        world.extra[f"{key}_session"] = session_publish(session=session, user=admin)
    world.extra["sanggau_draft"] = session_create(
        user=world.users["pelatih"],
        title="Draf Polres Sanggau",
        host_unit=units["POLRES-SANGGAU"],
        start_at=start + timedelta(days=1),
        end_at=start + timedelta(days=1, hours=2),
        invited_units=[units["POLRES-SANGGAU"]],
    )

    end = timezone.now().replace(second=0, microsecond=0) - timedelta(days=1)
    finished = TrainingSessionFactory(
        title="Sesi Polda Kalbar Selesai",
        host_unit=units["POLDA-KALBAR"],
        led_by=world.users["pelatih"],
        status="finished",
        start_at=end - timedelta(hours=2),
        end_at=end,
    )
    SessionInvitedUnit.objects.create(session=finished, unit=units["POLDA-KALBAR"])
    world.extra["kalbar_finished"] = finished
    for key, person in (
        ("peserta", world.users["peserta"]),
        ("sanggau", world.markers["sanggau"]),
        ("sintang", world.markers["sintang"]),
    ):
        world.extra[f"participant_{key}"] = ParticipantFactory(
            session=finished,
            personnel=person,
            unit=person.unit,
            attendance_status="HADIR",
            minutes_attended=120,
            quiz_passed=True,
            quiz_score=Decimal("90"),
        )


def _add_quizzes(world: World) -> None:
    from quizzes.models import Category
    from quizzes.services import attempt_start, attempt_submit, questions_import, quiz_create

    report = questions_import(module=world["mod_sanggau"], content=QUIZ_BANK, fmt="gift")
    assert report.written, report.problems
    categories = Category.objects.filter(module=world["mod_sanggau"])
    now = timezone.now()
    world.extra["kalbar_quiz"] = quiz = quiz_create(
        user=world.users["pelatih"],
        session=world["kalbar_finished"],
        title="Post-test Polda Kalbar",
        open_at=now - timedelta(hours=1),
        close_at=now + timedelta(days=1),
        categories=categories,
        attempts_allowed=2,
    )
    sintang = world["sintang_session"]
    world.extra["sintang_quiz"] = quiz_create(
        user=world.users["admin"],
        session=sintang,
        title="Post-test Polres Sintang",
        open_at=sintang.start_at,
        close_at=sintang.end_at + timedelta(days=1),
        categories=categories,
    )
    for key in ("sanggau", "sintang"):
        person = world.markers[key]
        attempt = attempt_start(user=person, quiz=quiz)
        world.extra[f"attempt_{key}"] = attempt_submit(user=person, attempt_id=attempt.pk)
    world.extra["attempt_peserta"] = attempt_start(user=world.users["peserta"], quiz=quiz)
    world.extra["question_id"] = world["attempt_peserta"].question_ids[0]


def _add_certificates(world: World) -> None:
    from certificates.models import Certificate
    from certificates.services import bulk_job_run, certificate_issue, certificates_zip_request
    from certificates.services.rendering import certificate_render

    for key in ("peserta", "sanggau", "sintang"):
        certificate = certificate_issue(participant=world[f"participant_{key}"])
        certificate_render(certificate_id=certificate.pk)
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.READY, certificate.error
        world.extra[f"cert_{key}"] = certificate
    for key in ("pelatih", "pimpinan"):
        job = certificates_zip_request(
            session=world["kalbar_finished"], requested_by=world.users[key]
        )
        bulk_job_run(job_id=job.pk)
        job.refresh_from_db()
        world.extra[f"zip_{key}"] = job


def zoom_report_csv(session) -> bytes:
    """A small Zoom participant report of `session`: one known and one unknown name."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(session.host_unit.timezone)
    start = session.start_at.astimezone(tz)
    end = session.end_at.astimezone(tz)
    fmt = "%m/%d/%Y %I:%M:%S %p"
    rows = [
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest",
        f"Andi Saputra,,{start:{fmt}},{end:{fmt}},120,No",
        f"Galaxy A12,,{start:{fmt}},{end:{fmt}},120,Yes",
    ]
    return ("\r\n".join(rows) + "\r\n").encode()


def _add_zoom_preview(world: World) -> None:
    from sessions.services import zoom_import_preview

    session = world["kalbar_finished"]
    upload, _plan = zoom_import_preview(
        session=session,
        user=world.users["pelatih"],
        filename="zoom.csv",
        content=zoom_report_csv(session),
    )
    world.extra["zoom_preview"] = upload


def _add_report_jobs(world: World) -> None:
    from reports.models import ReportJob
    from reports.selectors import ReportFilter
    from reports.services import report_job_request, report_job_run

    for key, requester, unit in (
        ("sanggau", "operator", "POLRES-SANGGAU"),
        ("sintang", "outsider", "POLRES-SINTANG"),
    ):
        job = report_job_request(
            user=world.users[requester],
            unit=world.units[unit],
            filters=ReportFilter(session_id=world["kalbar_finished"].pk),
            fmt="csv",
        )
        report_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == ReportJob.Status.DONE, job.error
        world.extra[f"report_{key}"] = job
