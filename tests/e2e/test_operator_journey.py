"""An Operator marks their unit's people for the vicon room on the attendance sheet and saves."""

import pytest
from playwright.sync_api import expect

from sessions.models import Participant
from tests.e2e.journeys import live_session
from tests.factories import PersonnelFactory, ViconPointFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, person, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", person.nrp)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")


def test_operator_marks_the_vicon_room_and_sees_the_saved_statuses(
    desktop, operator, peserta, pelatih, units, ranks, password
):
    page, steps = desktop
    sanggau = units["POLRES-SANGGAU"]
    room = ViconPointFactory(unit=sanggau, name="Ruang Vicon Polres Sanggau")
    absent = PersonnelFactory(unit=sanggau, rank=ranks["BRIPKA"], name="Dewi Lestari")
    present = PersonnelFactory(unit=sanggau, rank=ranks["BRIPKA"], name="Hendra Gunawan")
    # Published after everyone exists: all are invited.
    session = live_session(pelatih, units, title="Polri Belajar: Pengamanan Pilkada")
    izin = Participant.objects.get(session=session, personnel=absent)

    _login(page, operator, password)
    page.goto(f"/sessions/{session.pk}/attendance/")
    rows = page.locator("form.card table tbody tr")
    expect(rows.filter(has_text="Dewi Lestari")).to_have_count(1)
    expect(rows.filter(has_text="Hendra Gunawan")).to_have_count(1)
    expect(rows.filter(has_text=peserta.name)).to_have_count(1)
    steps.shot("attendance sheet")

    # Everyone sat in the Polres vicon room and was present, except one on leave.
    page.select_option("#all-vicon", str(room.pk))
    page.select_option("#all-status", "HADIR")
    page.select_option(f"select[name=status-{izin.pk}]", "IZIN")
    page.select_option(f"select[name=vicon-{izin.pk}]", "")
    page.fill(f"input[name=note-{izin.pk}]", "Cuti tahunan")
    steps.shot("marked")
    page.click("form.card button[type=submit].primary")
    page.wait_for_url(f"**/sessions/{session.pk}/attendance/")
    expect(page.locator("ul.messages .msg-success")).to_be_visible()
    steps.shot("saved")

    # The page shows what was saved.
    expect(page.locator(f"select[name=status-{izin.pk}]")).to_have_value("IZIN")
    expect(page.locator(f"input[name=note-{izin.pk}]")).to_have_value("Cuti tahunan")
    for person in (present, peserta):
        p = Participant.objects.get(session=session, personnel=person)
        expect(page.locator(f"select[name=status-{p.pk}]")).to_have_value("HADIR")
        expect(page.locator(f"select[name=vicon-{p.pk}]")).to_have_value(str(room.pk))
    # ...and so does the database.
    statuses = dict(
        Participant.objects.filter(session=session).values_list(
            "personnel__name", "attendance_status"
        )
    )
    assert statuses["Dewi Lestari"] == "IZIN"
    assert statuses["Hendra Gunawan"] == statuses[peserta.name] == "HADIR"
    assert Participant.objects.get(pk=izin.pk).vicon_point_id is None
    steps.assert_no_browser_errors()
