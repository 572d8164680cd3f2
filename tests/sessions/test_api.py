from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sessions.models import Participant, TrainingSession
from tests.factories import PersonnelFactory
from tests.sessions.conftest import FIXTURES

pytestmark = pytest.mark.django_db
API = "/api/v1/sessions/"


def test_list_is_scoped_and_never_carries_the_zoom_link(
    upcoming, peserta_client, outsider_client, anon_client
):
    response = peserta_client.get(API, {"when": "upcoming"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [upcoming.pk]
    assert "zoom" not in response.json()["results"][0]
    assert "81234567890" not in response.content.decode()
    assert outsider_client.get(API).json()["results"] == []
    assert anon_client.get(API).status_code == 403


def test_detail_shows_zoom_to_invitees_and_commanders_only(
    upcoming, peserta_client, commander_client, outsider_client, units
):
    data = peserta_client.get(f"{API}{upcoming.pk}/").json()
    assert data["zoom"]["meeting_id"] == "812 3456 7890"
    assert data["my_attendance"] == ""
    assert commander_client.get(f"{API}{upcoming.pk}/").json()["zoom"]["passcode"] == "246810"
    assert outsider_client.get(f"{API}{upcoming.pk}/").status_code == 404


def test_operator_in_scope_but_not_invited_sees_the_session_without_the_link(upcoming, units):
    from rest_framework.test import APIClient

    polda_operator = PersonnelFactory(unit=units["POLDA-KALBAR"], roles=["Operator"])
    client = APIClient()
    client.force_login(polda_operator)
    data = client.get(f"{API}{upcoming.pk}/").json()
    assert data["title"] and data["zoom"] is None


def test_trainer_creates_and_publishes_peserta_cannot(
    trainer_client, peserta_client, commander_client, peserta
):
    start = (timezone.now() + timedelta(days=3)).isoformat()
    end = (timezone.now() + timedelta(days=3, hours=2)).isoformat()
    payload = {
        "title": "Polri Belajar: Narkoba",
        "host_unit": "POLDA-KALBAR",
        "start_at": start,
        "end_at": end,
        "zoom_join_url": "https://us02web.zoom.us/j/81234567890",
        "invited_units": ["POLRES-SANGGAU"],
    }
    response = trainer_client.post(API, payload, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert trainer_client.post(f"{API}{pk}/publish/").status_code == 200
    assert Participant.objects.filter(session_id=pk, personnel=peserta).exists()
    # Polda Kalbar is outside the Peserta's scope: it does not exist for them.
    refused = peserta_client.post(API, payload, format="json")
    assert refused.status_code == 400 and "does not exist" in refused.json()["host_unit"][0]
    # The Kapolres sees Polres Sanggau but schedules nothing: the service says so.
    own = commander_client.post(
        API, {**payload, "host_unit": "POLRES-SANGGAU", "invited_units": []}, format="json"
    )
    assert own.status_code == 400 and "tidak dapat menjadwalkan" in own.json()["detail"]
    bad = trainer_client.post(
        API, {**payload, "zoom_join_url": "https://zoom.evil/j/1"}, format="json"
    )
    assert bad.status_code == 400 and "Zoom" in bad.json()["detail"]


def test_check_in_api(live, peserta_client, outsider_client, anon_client):
    first = peserta_client.post(f"{API}{live.pk}/check-in/")
    assert first.status_code == 201 and first.json()["attendance_status"] == "HADIR"
    assert peserta_client.post(f"{API}{live.pk}/check-in/").status_code == 200
    assert outsider_client.post(f"{API}{live.pk}/check-in/").status_code == 404
    assert anon_client.post(f"{API}{live.pk}/check-in/").status_code == 403


def test_check_in_too_early_is_a_400_with_a_reason(upcoming, peserta_client):
    response = peserta_client.post(f"{API}{upcoming.pk}/check-in/")
    assert response.status_code == 400 and "Absensi dibuka pada" in response.json()["detail"]


def test_operator_bulk_marking_api(live, operator_client, peserta_client, outsider_client, peserta):
    pid = Participant.objects.get(session=live, personnel=peserta).pk
    body = {"marks": [{"participant": pid, "status": "SAKIT", "note": "Surat dokter"}]}
    response = operator_client.post(f"{API}{live.pk}/attendance/", body, format="json")
    assert response.status_code == 200 and response.json() == {"changed": 1}
    assert (
        peserta_client.post(f"{API}{live.pk}/attendance/", body, format="json").status_code == 403
    )
    assert (
        outsider_client.post(f"{API}{live.pk}/attendance/", body, format="json").status_code == 404
    )
    bad = operator_client.post(
        f"{API}{live.pk}/attendance/",
        {"marks": [{"participant": pid, "status": "X"}]},
        format="json",
    )
    assert bad.status_code == 400


def test_participants_api_is_scoped(live, operator_client, peserta_client, peserta):
    rows = operator_client.get(f"{API}{live.pk}/participants/").json()["results"]
    assert len(rows) == 3
    mine = peserta_client.get(f"{API}{live.pk}/participants/").json()["results"]
    assert [r["nrp"] for r in mine] == [peserta.nrp]


def test_late_add_api(live, trainer_client, operator_client, outsider):
    url = f"{API}{live.pk}/participants/"
    assert trainer_client.post(url, {"nrp": outsider.nrp}, format="json").status_code == 201
    assert trainer_client.post(url, {"nrp": outsider.nrp}, format="json").status_code == 400


def test_late_add_api_by_someone_who_may_not_manage_is_403_with_the_reason(
    live, operator_client, peserta
):
    """The operator sees the session and the person (their own unit's) but does not manage it."""
    url = f"{API}{live.pk}/participants/"
    before = Participant.objects.filter(session=live).count()
    refused = operator_client.post(url, {"nrp": peserta.nrp}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Anda tidak dapat menambahkan peserta ke sesi ini."
    assert Participant.objects.filter(session=live).count() == before


def test_zoom_import_api_dry_run_and_refusals(ended, trainer_client, operator_client):
    TrainingSession.objects.filter(pk=ended.pk).update(zoom_meeting_id="")
    url = f"{API}{ended.pk}/zoom-import/"
    good = SimpleUploadedFile("z.csv", (FIXTURES / "zoomclass_participants_plain.csv").read_bytes())
    response = trainer_client.post(url, {"file": good, "dry_run": "true"}, format="multipart")
    assert response.status_code == 200
    assert response.json()["applied"] is None and response.json()["plan"]["rows"] == 31
    bad = SimpleUploadedFile("b.csv", (FIXTURES / "bad_rows.csv").read_bytes())
    refused = trainer_client.post(url, {"file": bad}, format="multipart")
    assert refused.status_code == 400
    assert [p["line"] for p in refused.json()["problems"]] == [3, 4, 5]
    again = SimpleUploadedFile("z.csv", b"x")
    assert operator_client.post(url, {"file": again}, format="multipart").status_code == 403


def test_summary_api_is_one_group_by(ended, commander_client, outsider_client):
    response = commander_client.get(f"{API}{ended.pk}/summary/")
    assert response.status_code == 200
    assert {row["unit__name"]: row["invited"] for row in response.json()} == {
        "Polres Sanggau": 2,
        "Polsek Kapuas": 1,
    }
    assert outsider_client.get(f"{API}{ended.pk}/summary/").status_code == 404


def test_summary_selector_query_count_does_not_grow(
    ended, pimpinan, units, django_assert_max_num_queries
):
    from sessions.selectors import attendance_summary_by_unit

    for _ in range(20):
        person = PersonnelFactory(unit=units["POLSEK-KAPUAS-SANGGAU"])
        Participant.objects.create(session=ended, personnel=person, unit=person.unit)
    session = TrainingSession.objects.select_related("host_unit").get(pk=ended.pk)
    pimpinan = type(pimpinan).objects.select_related("unit").get(pk=pimpinan.pk)
    pimpinan.role_names  # noqa: B018 (warm the cached roles)
    with django_assert_max_num_queries(2):
        rows = attendance_summary_by_unit(user=pimpinan, session=session)
    assert sum(r["invited"] for r in rows) == 23


def test_sessions_are_in_the_openapi_schema(admin_client_):
    schema = admin_client_.get("/api/schema/").content.decode()
    for path in ("/api/v1/sessions/", "check-in", "attendance", "zoom-import", "participants"):
        assert path in schema


def test_patch_publish_and_cancel_api_refusals(
    session_factory, trainer_client, peserta_client, outsider_client
):
    draft = session_factory(publish=False)
    url = f"{API}{draft.pk}/"
    changed = trainer_client.patch(url, {"title": "Judul baru"}, format="json")
    assert changed.status_code == 200 and changed.json()["title"] == "Judul baru"
    # Peserta are not invited to a draft, so they cannot even see it.
    assert peserta_client.patch(url, {"title": "x"}, format="json").status_code == 404
    assert outsider_client.post(f"{url}publish/").status_code == 404
    assert trainer_client.post(f"{url}publish/").status_code == 200
    # The published session is the peserta's to see, not to cancel: 403 with the reason.
    refused = peserta_client.post(f"{url}cancel/", {"reason": "x"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Anda tidak dapat membatalkan sesi ini."
    assert trainer_client.post(f"{url}cancel/", {}, format="json").status_code == 400
    done = trainer_client.post(f"{url}cancel/", {"reason": "Gangguan jaringan"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


def test_patch_and_publish_by_an_invitee_who_may_not_manage_are_403_and_change_nothing(
    upcoming, operator_client
):
    url = f"{API}{upcoming.pk}/"
    patched = operator_client.patch(url, {"title": "Judul lain"}, format="json")
    assert patched.status_code == 403
    assert patched.json()["detail"] == "Anda tidak dapat mengubah sesi ini."
    # Refused for the person before the state is looked at (it is already published).
    published = operator_client.post(f"{url}publish/")
    assert published.status_code == 403
    assert published.json()["detail"] == "Anda tidak dapat menerbitkan sesi ini."
    upcoming.refresh_from_db()
    assert upcoming.title != "Judul lain"
