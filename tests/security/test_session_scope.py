"""One scope rule for every id a client sends to the sessions app.

A Pelatih of Polda Metro Jaya schedules for Metro Jaya only: the Kapolres Sanggau (Polda Kalbar)
is nobody to them, so naming him as leader or presenter, Polres Sanggau as host or invited
unit, or a Kalbar participant or vicon room reads exactly like naming something that does not
exist, and nothing is written. Numbers too large for the database are a 400 with a message.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from rest_framework.test import APIClient

from sessions.apis import (
    AttendanceBulkInputSerializer,
    SessionListQuerySerializer,
    SessionWriteSerializer,
)
from sessions.forms import SessionForm
from sessions.models import Participant, Presenter, TrainingSession, ViconPoint, ZoomImport
from sessions.services import (
    AttendanceMark,
    PresenterInput,
    attendance_mark_bulk,
    participant_add_late,
    session_create,
    session_update,
    zoom_import_preview,
)
from tests.factories import ModuleFactory, PersonnelFactory, ViconPointFactory
from tests.sessions.conftest import FIXTURES, make_session
from training.errors import ApplicationError
from training.models import Personnel, Role, Unit

pytestmark = pytest.mark.django_db
API = "/api/v1/sessions/"
HUGE = 10**25  # 26 digits: beyond SQLite's and PostgreSQL's 64-bit integers


@pytest.fixture
def metro_trainer(units, ranks):
    return PersonnelFactory(
        unit=units["POLDA-METRO-JAYA"],
        rank=ranks["KOMPOL"],
        name="Pelatih Metro",
        roles=[Role.PELATIH],
    )


@pytest.fixture
def kapolres_sanggau(pimpinan):
    """The Kapolres Sanggau (Polda Kalbar), AKBP Bambang Sutrisno."""
    return pimpinan


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return _english(client)


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return _english(client)


def _times(days=3):
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return start, start + timedelta(hours=2)


def _api_payload(**extra):
    start, end = _times()
    return {
        "title": "Polri Belajar: Metro",
        "host_unit": "POLDA-METRO-JAYA",
        "start_at": start.isoformat(),
        "end_at": end.isoformat(),
        "invited_units": ["POLDA-METRO-JAYA"],
        **extra,
    }


def _page_payload(units, **extra):
    start, end = _times(5)
    return {
        "title": "Polri Belajar: Metro",
        "host_unit": units["POLDA-METRO-JAYA"].pk,
        "start_at": start.strftime("%Y-%m-%dT09:00"),
        "end_at": start.strftime("%Y-%m-%dT11:00"),
        "invited_units": [units["POLDA-METRO-JAYA"].pk],
        "checkin_opens_before": 30,
        "checkin_grace": 15,
        "min_attendance_percent": 50,
        "reminder_minutes_before": 60,
        **extra,
    }


@pytest.fixture
def upcoming(pelatih, units, peserta, operator, pimpinan):
    """A Polda Kalbar session inviting Polres Sanggau, in two days (tests/sessions/conftest)."""
    return make_session(pelatih, units)


@pytest.fixture
def live(pelatih, units, peserta, operator, pimpinan):
    """The same, started five minutes ago."""
    return make_session(pelatih, units, start_in=-timedelta(minutes=5))


@pytest.fixture
def metro_session(metro_trainer, units):
    start, end = _times()
    return session_create(
        user=metro_trainer,
        title="Sesi Metro",
        host_unit=units["POLDA-METRO-JAYA"],
        start_at=start,
        end_at=end,
        invited_units=[units["POLDA-METRO-JAYA"]],
    )


# --- Leaders and presenters -------------------------------------------------------------------


def test_api_refuses_a_leader_from_another_polda_as_if_the_nrp_did_not_exist(
    metro_trainer, kapolres_sanggau
):
    client = api(metro_trainer)
    foreign = client.post(API, _api_payload(led_by=kapolres_sanggau.nrp), format="json")
    unknown = client.post(API, _api_payload(led_by="99999999"), format="json")
    assert foreign.status_code == unknown.status_code == 400
    assert "does not exist" in foreign.json()["led_by"][0]
    # Word for word the answer for an NRP nobody has: the scope leaks nothing.
    assert foreign.json()["led_by"][0].replace(kapolres_sanggau.nrp, "X") == (
        unknown.json()["led_by"][0].replace("99999999", "X")
    )
    # Neither his rank nor his name comes back, and no session was made.
    assert kapolres_sanggau.name not in foreign.content.decode()
    assert not TrainingSession.objects.exists()


def test_api_patch_refuses_a_leader_from_another_polda(
    metro_session, metro_trainer, kapolres_sanggau
):
    response = api(metro_trainer).patch(
        f"{API}{metro_session.pk}/", {"led_by": kapolres_sanggau.nrp}, format="json"
    )
    assert response.status_code == 400 and "does not exist" in response.json()["led_by"][0]
    metro_session.refresh_from_db()
    assert metro_session.led_by_id is None


def test_api_accepts_a_leader_in_the_trainers_scope(metro_trainer, units):
    own = PersonnelFactory(unit=units["POLDA-METRO-JAYA"], name="Wakapolda Metro")
    response = api(metro_trainer).post(API, _api_payload(led_by=own.nrp), format="json")
    assert response.status_code == 201, response.content
    assert TrainingSession.objects.get().led_by == own


@pytest.mark.parametrize("field", ["led_by", "presenters"])
def test_page_form_refuses_a_leader_or_presenter_from_another_polda(
    metro_trainer, kapolres_sanggau, units, field
):
    response = page(metro_trainer).post(
        "/sessions/new/", _page_payload(units, **{field: kapolres_sanggau.nrp})
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and "personnel" in errors[field][0].lower()
    assert kapolres_sanggau.name not in response.content.decode()
    assert not TrainingSession.objects.exists() and not Presenter.objects.exists()


def test_page_edit_refuses_a_new_leader_from_another_polda(
    metro_session, metro_trainer, kapolres_sanggau, units
):
    response = page(metro_trainer).post(
        f"/sessions/{metro_session.pk}/edit/",
        _page_payload(units, title="Diubah", led_by=kapolres_sanggau.nrp),
    )
    assert response.status_code == 200 and "led_by" in response.context["form"].errors
    metro_session.refresh_from_db()
    assert (metro_session.title, metro_session.led_by_id) == ("Sesi Metro", None)


def test_page_form_still_takes_guest_presenters_as_free_text(metro_trainer, units):
    response = page(metro_trainer).post(
        "/sessions/new/", _page_payload(units, presenters="Dr. Rahmat Hidayat | Dittipidsiber")
    )
    assert response.status_code == 302
    assert Presenter.objects.get().guest_name == "Dr. Rahmat Hidayat"


def test_the_service_refuses_a_leader_or_presenter_outside_the_users_scope(
    metro_trainer, metro_session, kapolres_sanggau, units
):
    start, end = _times()
    common = {
        "user": metro_trainer,
        "title": "Sesi",
        "host_unit": units["POLDA-METRO-JAYA"],
        "start_at": start,
        "end_at": end,
    }
    message = f"No personnel with NRP {kapolres_sanggau.nrp}."
    translation.activate("en")  # the refusal is asserted by its msgid
    with pytest.raises(ApplicationError, match=message):
        session_create(**common, led_by=kapolres_sanggau)
    with pytest.raises(ApplicationError, match=message):
        session_create(**common, presenters=[PresenterInput(personnel=kapolres_sanggau)])
    with pytest.raises(ApplicationError, match=message):
        session_update(session=metro_session, user=metro_trainer, led_by=kapolres_sanggau)
    with pytest.raises(ApplicationError, match=message):
        session_update(
            session=metro_session,
            user=metro_trainer,
            presenters=[PresenterInput(personnel=kapolres_sanggau)],
        )
    assert TrainingSession.objects.count() == 1 and not Presenter.objects.exists()
    metro_session.refresh_from_db()
    assert metro_session.led_by_id is None


def test_a_leader_chosen_by_an_admin_stays_when_a_trainer_edits_the_session(
    admin_user, pelatih, units
):
    """Someone with a wider scope may have named the leader; editing the title keeps them."""
    start, end = _times()
    session = session_create(
        user=admin_user,
        title="Sesi Kalbar",
        host_unit=units["POLDA-KALBAR"],
        start_at=start,
        end_at=end,
        led_by=admin_user,  # of Mabes, outside the Kalbar trainer's scope
        invited_units=[units["POLRES-SANGGAU"]],
        presenters=[PresenterInput(personnel=admin_user)],
    )
    form = page(pelatih).get(f"/sessions/{session.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["title"] = "Sesi Kalbar (diubah)"
    response = page(pelatih).post(f"/sessions/{session.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    session.refresh_from_db()
    assert (session.title, session.led_by_id) == ("Sesi Kalbar (diubah)", admin_user.pk)
    assert session.presenters.get().personnel_id == admin_user.pk


# --- Units, modules, participants, vicon points -----------------------------------------------


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"host_unit": "POLRES-SANGGAU"}, "host_unit"),
        ({"invited_units": ["POLRES-SANGGAU"]}, "invited_units"),
    ],
)
def test_api_refuses_units_of_another_polda_as_unknown(metro_trainer, extra, field):
    response = api(metro_trainer).post(API, _api_payload(**extra), format="json")
    assert response.status_code == 400
    assert "does not exist" in str(response.json()[field])
    assert "Sanggau" not in response.json().get("detail", "")
    assert not TrainingSession.objects.exists()


def test_page_form_refuses_a_host_unit_of_another_polda(metro_trainer, units):
    response = page(metro_trainer).post(
        "/sessions/new/", _page_payload(units, host_unit=units["POLRES-SANGGAU"].pk)
    )
    assert response.status_code == 200 and "host_unit" in response.context["form"].errors
    assert not TrainingSession.objects.exists()


def test_list_filter_by_a_module_outside_the_users_scope_is_unknown(upcoming, peserta):
    """A Peserta reads only the modules of their own sessions."""
    hidden = ModuleFactory(code="modul-rahasia", title="Modul Rahasia")
    response = api(peserta).get(API, {"module": hidden.pk})
    assert response.status_code == 400 and "does not exist" in response.json()["module"][0]


def test_api_refuses_a_participant_outside_the_markers_units(live, operator, units):
    """The Sanggau operator may not mark someone of Polres Sintang on a Polda-wide session."""
    sintang = PersonnelFactory(unit=units["POLRES-SINTANG"], name="Peserta Sintang")
    foreign = Participant.objects.create(session=live, personnel=sintang, unit=sintang.unit)
    response = api(operator).post(
        f"{API}{live.pk}/attendance/",
        {"marks": [{"participant": foreign.pk, "status": "IZIN"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["marks"]["0"]["participant"][0]
    foreign.refresh_from_db()
    assert foreign.attendance_status == ""


def test_api_refuses_a_vicon_point_of_another_polda(live, operator, peserta, units):
    room = ViconPointFactory(unit=units["POLDA-METRO-JAYA"], name="Ruang Vicon Metro")
    mine = Participant.objects.get(session=live, personnel=peserta)
    response = api(operator).post(
        f"{API}{live.pk}/attendance/",
        {"marks": [{"participant": mine.pk, "status": "HADIR", "vicon_point": room.pk}]},
        format="json",
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["marks"]["0"]["vicon_point"][0]
    mine.refresh_from_db()
    assert (mine.attendance_status, mine.vicon_point_id) == ("", None)


def _kalbar_ids(units) -> dict[str, set]:
    """Everything of Polda Kalbar a Metro trainer must not reach."""
    kalbar = Unit.objects.subtree_of(units["POLDA-KALBAR"])
    return {
        "Unit": set(kalbar.values_list("pk", flat=True)),
        "Personnel": set(Personnel.objects.filter(unit__in=kalbar).values_list("pk", flat=True)),
        "Participant": set(Participant.objects.values_list("pk", flat=True)),
        "ViconPoint": set(ViconPoint.objects.filter(unit__in=kalbar).values_list("pk", flat=True)),
    }


def _related_querysets(serializer):
    for field in serializer.fields.values():
        relation = getattr(field, "child_relation", field)
        if hasattr(relation, "get_queryset"):
            yield relation.get_queryset()
        child = getattr(field, "child", None)
        if child is not None and hasattr(child, "fields"):
            yield from _related_querysets(child)


def test_no_serializer_or_form_field_reaches_another_poldas_rows(
    live, metro_trainer, kapolres_sanggau, units
):
    ViconPointFactory(unit=units["POLRES-SANGGAU"])
    request = RequestFactory().get("/")
    request.user = metro_trainer
    forbidden = _kalbar_ids(units)
    serializers = [
        SessionWriteSerializer(context={"request": request}),
        SessionListQuerySerializer(context={"request": request}),
        AttendanceBulkInputSerializer(context={"request": request, "session": live}),
    ]
    checked = 0
    for serializer in serializers:
        for queryset in _related_querysets(serializer):
            model = queryset.model.__name__
            reached = set(queryset.values_list("pk", flat=True)) & forbidden.get(model, set())
            assert not reached, f"{type(serializer).__name__} reaches Kalbar {model} {reached}"
            checked += 1
    assert checked >= 6
    form = SessionForm(user=metro_trainer)
    for name in ("host_unit", "invited_units"):
        assert not set(form.fields[name].queryset.values_list("pk", flat=True)) & forbidden["Unit"]
    assert not form.people.filter(pk=kapolres_sanggau.pk).exists()


# --- Numbers too large for the database ---------------------------------------------------------


@pytest.mark.parametrize(
    "option", ["checkin_opens_before", "checkin_grace", "min_attendance_percent"]
)
def test_api_session_options_are_bounded(metro_trainer, option):
    response = api(metro_trainer).post(API, _api_payload(**{option: HUGE}), format="json")
    assert response.status_code == 400 and option in response.json()
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize(
    "mark",
    [
        {"participant": HUGE, "status": "IZIN"},
        {"participant": -1, "status": "IZIN"},
        {"participant": None, "status": "IZIN", "vicon_point": HUGE},
        {"participant": None, "status": "IZIN", "minutes": HUGE},
    ],
)
def test_api_attendance_with_huge_numbers_is_a_400(live, operator, peserta, mark):
    own = Participant.objects.get(session=live, personnel=peserta)
    mark = {**mark, "participant": mark["participant"] or own.pk}
    response = api(operator).post(f"{API}{live.pk}/attendance/", {"marks": [mark]}, format="json")
    assert response.status_code == 400 and response.json()["marks"]["0"]
    own.refresh_from_db()
    assert own.attendance_status == ""


@pytest.mark.parametrize("value", [str(HUGE), "²", "abc"])
def test_api_list_module_filter_that_names_no_module_is_a_400(upcoming, pelatih, value):
    response = api(pelatih).get(API, {"module": value})
    assert response.status_code == 400 and response.json()["module"]


@pytest.mark.parametrize("param", ["unit", "module"])
def test_page_list_filters_that_name_nothing_are_ignored(upcoming, pelatih, param):
    for value in (str(HUGE), "²"):
        assert page(pelatih).get("/sessions/", {param: value}).status_code == 200


@pytest.mark.parametrize("value", [str(HUGE), "²"])
def test_attendance_page_refuses_a_vicon_value_that_names_no_room(live, operator, peserta, value):
    own = Participant.objects.get(session=live, personnel=peserta)
    response = page(operator).post(
        f"/sessions/{live.pk}/attendance/", {f"status-{own.pk}": "HADIR", f"vicon-{own.pk}": value}
    )
    assert response.status_code == 400
    assert "not one of your units" in response.content.decode()
    own.refresh_from_db()
    assert own.attendance_status == ""


@pytest.mark.parametrize("choice", ["p²", f"p{HUGE}", f"v{HUGE}"])
def test_zoom_confirm_with_a_manual_match_that_names_nobody_is_a_400(
    pelatih, units, peserta, operator, pimpinan, choice
):
    session = make_session(pelatih, units, start_in=-timedelta(hours=3))
    TrainingSession.objects.filter(pk=session.pk).update(zoom_meeting_id="")
    session.refresh_from_db()
    content = (FIXTURES / "zoomclass_participants_plain.csv").read_bytes()
    upload, plan = zoom_import_preview(
        session=session, user=pelatih, filename="x.csv", content=content
    )
    assert plan.unmatched
    response = page(pelatih).post(
        f"/sessions/{session.pk}/zoom-import/",
        {"confirm": upload.pk, f"match:{plan.unmatched[0].key}": choice},
    )
    assert response.status_code == 400 and "Invalid choice" in response.content.decode()
    upload.refresh_from_db()
    assert upload.status == ZoomImport.Status.PREVIEW


# --- The services, for every other caller ----------------------------------------------------


def test_late_add_of_someone_outside_the_trainers_scope_reads_like_an_unknown_nrp(
    live, pelatih, units
):
    metro_person = PersonnelFactory(unit=units["POLDA-METRO-JAYA"], name="Personel Metro")
    client = api(pelatih)
    url = f"{API}{live.pk}/participants/"
    foreign = client.post(url, {"nrp": metro_person.nrp}, format="json")
    unknown = client.post(url, {"nrp": "99999999"}, format="json")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()
    translation.activate("en")
    with pytest.raises(ApplicationError, match=f"No personnel with NRP {metro_person.nrp}"):
        participant_add_late(session=live, user=pelatih, personnel=metro_person)
    assert not Participant.objects.filter(personnel=metro_person).exists()


def test_bulk_marking_service_refuses_ids_no_row_can_have(live, operator, peserta):
    own = Participant.objects.get(session=live, personnel=peserta)
    translation.activate("en")
    with pytest.raises(ApplicationError, match="not in this session"):
        attendance_mark_bulk(
            session=live, user=operator, marks=[AttendanceMark(participant_id=HUGE, status="IZIN")]
        )
    with pytest.raises(ApplicationError, match="not one of your units"):
        attendance_mark_bulk(
            session=live,
            user=operator,
            marks=[AttendanceMark(participant_id=own.pk, status="IZIN", vicon_point_id=HUGE)],
        )
    own.refresh_from_db()
    assert own.attendance_status == ""
