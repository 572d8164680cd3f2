from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sessions.models import CalendarFeed, Participant, TrainingSession, ZoomImport
from tests.factories import PersonnelFactory, ViconPointFactory
from tests.sessions.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_pages(upcoming, live, ended, peserta, anon_client):
    client = browser(peserta)
    page = client.get("/sessions/?when=upcoming")
    assert page.status_code == 200 and upcoming.title in page.content.decode()
    past = client.get("/sessions/?when=past&mine=1").content.decode()
    assert f"/sessions/{ended.pk}/" in past and f"/sessions/{upcoming.pk}/" not in past
    assert client.get("/sessions/?when=today").status_code == 200
    assert anon_client.get("/sessions/").status_code == 302


def test_detail_join_button_for_invitee_and_404_for_outsider(upcoming, peserta, outsider, units):
    page = browser(peserta).get(f"/sessions/{upcoming.pk}/").content.decode()
    assert "Join Zoom" in page or "Gabung Zoom" in page
    assert upcoming.zoom_join_url.replace("&", "&amp;") in page
    assert "812 3456 7890" in page
    assert browser(outsider).get(f"/sessions/{upcoming.pk}/").status_code == 404
    polda_operator = PersonnelFactory(unit=units["POLDA-KALBAR"], roles=["Operator"])
    page = browser(polda_operator).get(f"/sessions/{upcoming.pk}/")
    assert page.status_code == 200 and upcoming.zoom_join_url not in page.content.decode()


def test_detail_shows_times_in_viewer_zone(upcoming, peserta):
    page = browser(peserta).get(f"/sessions/{upcoming.pk}/").content.decode()
    assert " WIB" in page


def test_htmx_check_in(live, peserta, outsider):
    client = browser(peserta)
    response = client.post(f"/sessions/{live.pk}/check-in/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="checkin"' in response.content.decode()
    assert Participant.objects.get(session=live, personnel=peserta).attendance_status == "HADIR"
    assert browser(outsider).post(f"/sessions/{live.pk}/check-in/").status_code == 404


def test_ics_file_has_link_only_for_invitees(upcoming, peserta, units):
    response = browser(peserta).get(f"/sessions/{upcoming.pk}/session.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode().replace("\r\n ", "")
    assert "us02web.zoom.us/j/81234567890" in body
    polda_operator = PersonnelFactory(unit=units["POLDA-KALBAR"], roles=["Operator"])
    other = browser(polda_operator).get(f"/sessions/{upcoming.pk}/session.ics").content.decode()
    assert "zoom.us/j" not in other.replace("\r\n ", "")


def test_personal_feed_with_token(upcoming, peserta, anon_client):
    page = browser(peserta).get("/sessions/calendar/")
    token = CalendarFeed.objects.get(personnel=peserta).token
    assert len(token) >= 40 and token in page.content.decode()
    feed = anon_client.get(f"/sessions/feed/{token}.ics")
    assert feed.status_code == 200 and "BEGIN:VEVENT" in feed.content.decode()
    assert anon_client.get("/sessions/feed/not-a-token.ics").status_code == 404
    browser(peserta).post("/sessions/calendar/")
    assert anon_client.get(f"/sessions/feed/{token}.ics").status_code == 404


def test_operator_sheet(live, operator, peserta, pimpinan, outsider, units):
    room = ViconPointFactory(unit=units["POLRES-SANGGAU"], name="Ruang Vicon Polres Sanggau")
    client = browser(operator)
    page = client.get(f"/sessions/{live.pk}/attendance/")
    assert page.status_code == 200 and "Andi Saputra" in page.content.decode()
    p = Participant.objects.get(session=live, personnel=peserta)
    response = client.post(
        f"/sessions/{live.pk}/attendance/",
        {f"status-{p.pk}": "HADIR", f"vicon-{p.pk}": str(room.pk), f"note-{p.pk}": "vicon"},
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.attendance_status, p.vicon_point_id, p.note) == ("HADIR", room.pk, "vicon")
    assert browser(peserta).get(f"/sessions/{live.pk}/attendance/").status_code == 403
    assert browser(outsider).get(f"/sessions/{live.pk}/attendance/").status_code == 404


def test_trainer_schedule_form(pelatih, peserta, units):
    client = browser(pelatih)
    assert client.get("/sessions/new/").status_code == 200
    start = (timezone.now() + timedelta(days=5)).astimezone(timezone.get_current_timezone())
    response = client.post(
        "/sessions/new/",
        {
            "title": "Polri Belajar: Lalu Lintas",
            "host_unit": units["POLDA-KALBAR"].pk,
            "start_at": start.strftime("%Y-%m-%dT09:00"),
            "end_at": start.strftime("%Y-%m-%dT11:00"),
            "invited_units": [units["POLRES-SANGGAU"].pk],
            "presenters": "Dr. Budi | Dirlantas",
            "zoom_join_url": "https://zoom.us/j/81234567890",
            "checkin_opens_before": 30,
            "checkin_grace": 15,
            "min_attendance_percent": 50,
            "reminder_minutes_before": 60,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = TrainingSession.objects.get(title="Polri Belajar: Lalu Lintas")
    # 09.00 typed by a Pontianak (WIB) trainer is 02.00 UTC.
    assert session.start_at.astimezone(timezone.get_fixed_timezone(0)).hour == 2
    assert browser(peserta).get("/sessions/new/").status_code == 403
    bad = client.post("/sessions/new/", {"title": ""})
    assert bad.status_code == 200 and "errors" in bad.content.decode()


def test_import_page_preview_confirm_and_refusal(ended, pelatih, operator):
    TrainingSession.objects.filter(pk=ended.pk).update(zoom_meeting_id="")
    client = browser(pelatih)
    url = f"/sessions/{ended.pk}/zoom-import/"
    assert client.get(url).status_code == 200
    with open(FIXTURES / "bad_rows.csv", "rb") as fh:
        refused = client.post(url, {"file": fh})
    assert refused.status_code == 400 and "line 3" in refused.content.decode()
    assert not ZoomImport.objects.exists()
    with open(FIXTURES / "zoomclass_participants_plain.csv", "rb") as fh:
        preview = client.post(url, {"file": fh})
    assert preview.status_code == 200 and "Loki" in preview.content.decode()
    upload = ZoomImport.objects.get()
    done = client.post(url, {"confirm": upload.pk})
    assert done.status_code == 302
    upload.refresh_from_db()
    assert upload.status == "applied"
    assert browser(operator).get(url).status_code == 403


def test_summary_page(ended, pimpinan, outsider):
    page = browser(pimpinan).get(f"/sessions/{ended.pk}/summary/")
    assert page.status_code == 200 and "Polsek Kapuas" in page.content.decode()
    assert browser(outsider).get(f"/sessions/{ended.pk}/summary/").status_code == 404


def test_htmx_check_in_refusal_is_shown_in_the_fragment(upcoming, peserta):
    response = browser(peserta).post(f"/sessions/{upcoming.pk}/check-in/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert Participant.objects.get(session=upcoming, personnel=peserta).attendance_status == ""


def test_publish_and_cancel_pages_answer_403_to_invitees_who_may_not_manage(
    session_factory, upcoming, operator, pelatih
):
    draft = session_factory(publish=False)
    client = browser(operator)
    assert client.post(f"/sessions/{upcoming.pk}/cancel/", {"reason": "Banjir"}).status_code == 403
    assert client.post(f"/sessions/{upcoming.pk}/publish/").status_code == 403
    upcoming.refresh_from_db()
    assert upcoming.status == TrainingSession.Status.SCHEDULED
    # The trainer is refused for the state, not the person: back to the page with a message.
    trainer = browser(pelatih)
    trainer.post(f"/sessions/{draft.pk}/cancel/", {"reason": "Banjir"})
    refused = trainer.post(f"/sessions/{draft.pk}/publish/")
    assert refused.status_code == 302 and refused.url == f"/sessions/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == TrainingSession.Status.CANCELLED
