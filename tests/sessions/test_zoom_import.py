"""Zoom report import against a real session: matching, minutes, idempotence, refusals."""

import json
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sessions.models import Participant, ViconConnection, ZoomImport, ZoomNameMatch
from sessions.services import (
    attendance_sweep_alpa,
    session_create,
    session_publish,
    zoom_import_confirm,
    zoom_import_preview,
    zoom_import_previews_purge,
    zoom_report_import,
)
from sessions.tasks import zoom_import_previews_purge_task
from tests.factories import PersonnelFactory, ViconPointFactory
from tests.sessions.conftest import FIXTURES
from training.errors import ApplicationError

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Pontianak")


@pytest.fixture
def nov15(pelatih, units, peserta, operator, pimpinan):
    """The 15 November 2022 session 09:00-11:00 WIB, meeting 812 3456 7890."""
    operator.email = "rina.oktaviani@polri.go.id"
    operator.save(update_fields=["email"])
    start = datetime(2022, 11, 15, 9, 0, tzinfo=WIB)
    session = session_create(
        user=pelatih,
        title="Polri Belajar: Cyber Crime",
        host_unit=units["POLDA-KALBAR"],
        start_at=start,
        end_at=start + timedelta(hours=2),
        zoom_join_url="https://us02web.zoom.us/j/81234567890",
        invited_units=[units["POLRES-SANGGAU"]],
    )
    return session_publish(session=session, user=pelatih, now=start - timedelta(days=1))


def statuses(session):
    return {
        p.personnel.name: (p.attendance_status, p.minutes_attended)
        for p in Participant.objects.filter(session=session).select_related("personnel")
    }


def test_import_matches_by_name_and_email_and_lists_unmatched(nov15, pelatih):
    content = (FIXTURES / "polri_summary_block.csv").read_bytes()
    plan, applied = zoom_report_import(session=nov15, content=content, user=pelatih)
    assert statuses(nov15) == {
        # Rejoins 08:55-10:10 and 10:05-11:02 overlap: the union clipped to 09:00-11:00 = 120.
        "Andi Saputra": ("HADIR", 120),
        # First seen 09:20, after the 15-minute grace; 09:20-11:00:30 clipped to 11:00 = 100.
        "Rina Oktaviani": ("TERLAMBAT", 100),
        # 20 minutes is below the 50% minimum: the status stays as it was.
        "Bambang Sutrisno, S.I.K.": ("", 20),
    }
    by = {m.name.split(" ", 1)[1]: m.matched_by for m in plan.matched}
    assert by["Andi Saputra"] == "name" and by["Rina Oktaviani"] == "email"
    assert sorted(u.name for u in plan.unmatched) == ["Galaxy A12", "Ruang Vicon Polres Sanggau"]
    assert applied["participants_changed"] == 3
    andi = Participant.objects.get(session=nov15, personnel__name="Andi Saputra")
    assert andi.attendance_source == "zoom" and andi.recorded_by == pelatih


def test_reimporting_the_same_file_changes_nothing(nov15, pelatih):
    content = (FIXTURES / "polri_summary_block.csv").read_bytes()
    zoom_report_import(session=nov15, content=content, user=pelatih)
    before = list(Participant.objects.filter(session=nov15).values().order_by("pk"))
    plan, applied = zoom_report_import(session=nov15, content=content, user=pelatih)
    assert applied["participants_changed"] == 0 and plan.to_change == 0
    assert list(Participant.objects.filter(session=nov15).values().order_by("pk")) == before


def test_indonesian_semicolon_file_gives_the_same_result(nov15, pelatih):
    content = (FIXTURES / "polri_indonesian_semicolon_bom.csv").read_bytes()
    zoom_report_import(session=nov15, content=content, user=pelatih)
    result = statuses(nov15)
    assert result["Andi Saputra"] == ("HADIR", 120)
    assert result["Rina Oktaviani"] == ("TERLAMBAT", 100)


def test_nrp_in_display_name_beats_an_ambiguous_name(nov15, pelatih, peserta, units):
    twin = PersonnelFactory(unit=units["POLRES-SANGGAU"], name="Andi Saputra")
    Participant.objects.create(session=nov15, personnel=twin, unit=twin.unit)
    content = (
        "Name (Original Name),Join Time,Leave Time\n"
        "Andi Saputra,11/15/2022 09:00:00 AM,11/15/2022 11:00:00 AM\n"
        f"{twin.nrp}_Andi Saputra,11/15/2022 09:00:00 AM,11/15/2022 11:00:00 AM\n"
    ).encode()
    plan, _ = zoom_report_import(session=nov15, content=content, user=pelatih)
    assert [(m.participant_id, m.matched_by) for m in plan.matched] == [
        (Participant.objects.get(session=nov15, personnel=twin).pk, "nrp")
    ]
    assert [(u.name, u.reason) for u in plan.unmatched] == [("Andi Saputra", "ambiguous name")]
    assert Participant.objects.get(session=nov15, personnel=peserta).attendance_status == ""


def test_operator_records_are_kept_but_automatic_alpa_is_upgraded(nov15, pelatih, operator):
    Participant.objects.filter(session=nov15, personnel__name="Andi Saputra").update(
        attendance_status="DINAS", attendance_source="operator"
    )
    attendance_sweep_alpa()  # Rina (no record) becomes ALPA
    assert statuses(nov15)["Rina Oktaviani"][0] == "ALPA"
    content = (FIXTURES / "polri_summary_block.csv").read_bytes()
    zoom_report_import(session=nov15, content=content, user=pelatih)
    result = statuses(nov15)
    assert result["Andi Saputra"] == ("DINAS", 120)
    assert result["Rina Oktaviani"] == ("TERLAMBAT", 100)


def test_a_bad_file_is_refused_with_line_numbers_and_writes_nothing(nov15, pelatih):
    content = (FIXTURES / "bad_rows.csv").read_bytes()
    with pytest.raises(ApplicationError) as exc:
        zoom_import_preview(session=nov15, user=pelatih, filename="bad.csv", content=content)
    assert [p["line"] for p in exc.value.extra["problems"]] == [3, 4, 5]
    assert "line 3" in exc.value.message
    assert not ZoomImport.objects.exists()
    assert all(s == ("", None) for s in statuses(nov15).values())


def test_report_of_another_meeting_is_refused(nov15, pelatih):
    content = (
        (FIXTURES / "polri_summary_block.csv").read_bytes().replace(b"81234567890", b"60245167821")
    )
    with pytest.raises(ApplicationError, match="60245167821"):
        zoom_report_import(session=nov15, content=content, user=pelatih)


def test_only_managers_import(nov15, operator, outsider):
    content = (FIXTURES / "polri_summary_block.csv").read_bytes()
    for user in (operator, outsider):
        with pytest.raises(ApplicationError, match="cannot import"):
            zoom_report_import(session=nov15, content=content, user=user)


def test_preview_then_confirm_with_manual_matches_and_vicon_point(nov15, pelatih, pimpinan, units):
    room = ViconPointFactory(unit=units["POLRES-SANGGAU"], name="Ruang Vicon Polres Sanggau")
    content = (FIXTURES / "polri_summary_block.csv").read_bytes()
    upload, plan = zoom_import_preview(
        session=nov15, user=pelatih, filename="peserta.csv", content=content
    )
    assert statuses(nov15)["Andi Saputra"] == ("", None)  # preview writes no attendance
    keys = {u.name: u.key for u in plan.unmatched}
    pimpinan_participant = Participant.objects.get(session=nov15, personnel=pimpinan)
    result = zoom_import_confirm(
        upload=upload,
        user=pelatih,
        decisions={
            keys["Galaxy A12"]: f"p{pimpinan_participant.pk}",
            keys["Ruang Vicon Polres Sanggau"]: f"v{room.pk}",
        },
    )
    assert result["unmatched"] == 0
    # Bambang: 20 min as himself + 09:01-09:30 on the phone = 49 min, still below 60.
    assert statuses(nov15)["Bambang Sutrisno, S.I.K."] == ("", 49)
    connection = ViconConnection.objects.get(session=nov15, vicon_point=room)
    assert connection.minutes == 120
    with pytest.raises(ApplicationError, match="already been applied"):
        zoom_import_confirm(upload=upload, user=pelatih)
    # The decisions are remembered: a re-import by command matches the same way.
    assert ZoomNameMatch.objects.filter(session=nov15).count() == 2
    plan2, applied2 = zoom_report_import(session=nov15, content=content)
    assert plan2.unmatched == [] and applied2["participants_changed"] == 0


def test_confirm_refuses_a_participant_of_another_session(nov15, pelatih, session_factory):
    other = session_factory()
    stranger = Participant.objects.filter(session=other).first()
    content = (FIXTURES / "polri_summary_block.csv").read_bytes()
    upload, plan = zoom_import_preview(
        session=nov15, user=pelatih, filename="x.csv", content=content
    )
    with pytest.raises(ApplicationError, match="not a participant"):
        zoom_import_confirm(
            upload=upload, user=pelatih, decisions={plan.unmatched[0].key: f"p{stranger.pk}"}
        )
    upload.refresh_from_db()
    assert upload.status == "preview"  # the claim was rolled back with everything else


def test_command_dry_run_json_then_apply(nov15):
    path = FIXTURES / "polri_summary_block.csv"
    out = StringIO()
    call_command(
        "import_zoom_report", "--session", nov15.pk, str(path), "--dry-run", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["dry_run"] and data["applied"] is None and data["to_change"] == 3
    assert statuses(nov15)["Andi Saputra"] == ("", None)
    out = StringIO()
    call_command("import_zoom_report", "--session", nov15.pk, str(path), stdout=out)
    assert "3 participants updated" in out.getvalue()
    assert statuses(nov15)["Andi Saputra"] == ("HADIR", 120)


def test_command_refuses_bad_file_with_line_numbers(nov15):
    with pytest.raises(CommandError, match="line 3"):
        call_command("import_zoom_report", "--session", nov15.pk, str(FIXTURES / "bad_rows.csv"))
    with pytest.raises(CommandError, match="No training session"):
        call_command("import_zoom_report", "--session", 999999, str(FIXTURES / "bad_rows.csv"))


def _age(upload: ZoomImport, hours: float) -> None:
    ZoomImport.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_purge_removes_only_unconfirmed_previews_older_than_the_setting(nov15, pelatih, settings):
    settings.SESSIONS_ZOOM_PREVIEW_MAX_AGE_HOURS = 24
    content = (FIXTURES / "polri_summary_block.csv").read_bytes()

    def preview():
        return zoom_import_preview(session=nov15, user=pelatih, filename="", content=content)[0]

    abandoned, discarded, applied, yesterday_but_fresh, fresh = (preview() for _ in range(5))
    ZoomImport.objects.filter(pk=discarded.pk).update(status=ZoomImport.Status.DISCARDED)
    zoom_import_confirm(upload=applied, user=pelatih)
    for upload in (abandoned, discarded, applied):
        _age(upload, 25)
    _age(yesterday_but_fresh, 23)

    assert zoom_import_previews_purge_task.delay().get() == 2
    assert zoom_import_previews_purge_task.delay().get() == 0  # beat running twice is harmless
    # The applied import stays: its result records what the import changed.
    assert set(ZoomImport.objects.values_list("pk", flat=True)) == {
        applied.pk,
        yesterday_but_fresh.pk,
        fresh.pk,
    }
    # A preview younger than the limit can still be confirmed.
    result = zoom_import_confirm(upload=fresh, user=pelatih, decisions={})
    assert "participants_changed" in result
    assert ZoomImport.objects.get(pk=fresh.pk).status == ZoomImport.Status.APPLIED


def test_purge_command_takes_the_age_from_the_setting_or_hours(nov15, pelatih, settings):
    settings.SESSIONS_ZOOM_PREVIEW_MAX_AGE_HOURS = 2
    content = (FIXTURES / "polri_summary_block.csv").read_bytes()
    upload, _plan = zoom_import_preview(session=nov15, user=pelatih, filename="", content=content)
    _age(upload, 1.5)
    out = StringIO()
    call_command("purge_zoom_previews", stdout=out)
    assert out.getvalue().strip() == "0 unconfirmed Zoom report previews deleted"
    call_command("purge_zoom_previews", "--hours", "1", stdout=out)
    assert "1 unconfirmed Zoom report previews deleted" in out.getvalue()
    assert not ZoomImport.objects.exists()


def test_confirming_a_purged_preview_asks_for_the_report_again(nov15, pelatih, client):
    content = (FIXTURES / "polri_summary_block.csv").read_bytes()
    upload, _plan = zoom_import_preview(session=nov15, user=pelatih, filename="", content=content)
    _age(upload, 48)
    zoom_import_previews_purge()
    client.force_login(pelatih)
    response = client.post(f"/sessions/{nov15.pk}/zoom-import/", {"confirm": upload.pk})
    assert response.status_code == 400
    assert "Pratinjau ini sudah kedaluwarsa" in response.content.decode()
    assert statuses(nov15)["Andi Saputra"] == ("", None)


def test_beat_purges_previews_hourly_on_the_light_queue(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sessions-purge-zoom-previews"]
    assert entry["task"] == zoom_import_previews_purge_task.name
    assert entry["schedule"] <= 3600
    assert zoom_import_previews_purge_task.name not in settings.CELERY_TASK_ROUTES
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "light"
