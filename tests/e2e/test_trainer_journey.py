"""A Pelatih schedules a session through the form, publishes it, and imports a GIFT quiz bank
(preview, then confirm) for the session's module; and writes one question by hand on a phone."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import Question
from sessions.models import Participant, TrainingSession
from tests.factories import ModuleFactory

pytestmark = pytest.mark.django_db(transaction=True)

GIFT = """\
$CATEGORY: Lalu Lintas

::RAMBU::Warna lampu lalu lintas untuk berhenti?{=Merah ~Hijau ~Kuning}

::SIM::SIM C berlaku untuk sepeda motor.{T}

::UMUR::Umur minimal untuk SIM A?{#17}
"""


def _login(page, person, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", person.nrp)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")


def test_pelatih_schedules_a_session_and_imports_a_gift_quiz(
    desktop, pelatih, peserta, units, password
):
    page, steps = desktop
    module = ModuleFactory(code="lalu-lintas", title="Keselamatan Lalu Lintas")
    day = (timezone.now() + timedelta(days=5)).astimezone(ZoneInfo("Asia/Pontianak")).date()

    _login(page, pelatih, password)
    page.goto("/sessions/new/")
    page.locator("#id_title").wait_for()
    steps.shot("schedule form")
    page.fill("#id_title", "Polri Belajar: Keselamatan Lalu Lintas")
    page.select_option("#id_host_unit", str(units["POLDA-KALBAR"].pk))
    page.fill("#id_start_at", f"{day.isoformat()}T09:00")
    page.fill("#id_end_at", f"{day.isoformat()}T11:00")
    page.fill("#id_presenters", "Dr. Budi Santoso | Dirlantas Polda Kalbar")
    page.select_option("#id_modules", [str(module.pk)])
    page.select_option("#id_invited_units", [str(units["POLRES-SANGGAU"].pk)])
    page.fill("#id_zoom_join_url", "https://us02web.zoom.us/j/81234567890?pwd=Xy12ab")
    steps.shot("schedule form filled")
    page.click("form button[type=submit].primary")
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    expect(page.locator("ul.messages .msg-success")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Keselamatan Lalu Lintas")
    steps.shot("draft saved")

    session = TrainingSession.objects.get(title="Polri Belajar: Keselamatan Lalu Lintas")
    # 09.00 typed by a trainer in Pontianak (WIB, UTC+7) is 02.00 UTC.
    assert session.start_at.astimezone(ZoneInfo("UTC")).hour == 2
    assert list(session.modules.all()) == [module]

    page.click(f"form[action='/sessions/{session.pk}/publish/'] button[type=submit]")
    page.wait_for_url(f"**/sessions/{session.pk}/")
    expect(page.locator("ul.messages .msg-success")).to_be_visible()
    steps.shot("published")
    # Publishing invited the Polres Sanggau subtree, the Peserta's Polsek included.
    assert Participant.objects.filter(session=session, personnel=peserta).exists()

    # The quiz questions for the session's module: upload, preview (nothing written), confirm.
    page.goto(f"/quizzes/bank/{module.code}/import/")
    page.set_input_files(
        "#id_file",
        {"name": "lalu-lintas.gift.txt", "mimeType": "text/plain", "buffer": GIFT.encode()},
    )
    page.select_option("#id_format", "gift")
    steps.shot("import form")
    page.click("form[enctype] button[type=submit].primary")
    confirm = page.locator("button[name=confirm]")
    confirm.wait_for()
    preview = page.locator("section.card table")
    for name in ("RAMBU", "SIM", "UMUR"):
        expect(preview).to_contain_text(name)
    steps.shot("import preview")
    assert not Question.objects.filter(category__module=module).exists()  # preview wrote nothing

    confirm.click()
    page.wait_for_url(f"**/quizzes/bank/{module.code}/")
    expect(page.locator("ul.messages .msg-success")).to_be_visible()
    listed = page.locator("table tbody tr").filter(has_text="Lalu Lintas")
    expect(listed).to_have_count(3)
    for name in ("RAMBU", "SIM", "UMUR"):
        expect(page.locator("table")).to_contain_text(name)
    steps.shot("questions listed")
    assert Question.objects.filter(category__module=module).count() == 3
    steps.assert_no_browser_errors()


def test_pelatih_writes_a_question_by_hand_on_a_phone(phone, pelatih, password):
    page, steps = phone
    module = ModuleFactory(code="siber", title="Kejahatan Siber")
    _login(page, pelatih, password)
    page.goto(f"/quizzes/bank/{module.code}/")
    page.click(f"a[href='/quizzes/bank/{module.code}/questions/new/']")
    page.click("a[href='?type=single']")
    page.locator("#id_text").wait_for()
    page.fill("#id_category", "Dasar")
    page.fill("#id_text", "Apa kepanjangan ITE?")
    page.fill("#id_choices-0-text", "Informasi dan Transaksi Elektronik")
    page.fill("#id_choices-0-credit", "100")
    page.fill("#id_choices-0-feedback", "Tepat")
    for index, text in enumerate(["Internet Teknologi", "Intel", "Inti"], start=1):
        page.fill(f"#id_choices-{index}-text", text)
    # A fifth answer: htmx swaps in the form with one more row, keeping what was typed.
    page.click("button[name=add_row]")
    page.locator("#id_choices-4-text").wait_for()
    expect(page.locator("#id_choices-0-text")).to_have_value("Informasi dan Transaksi Elektronik")
    page.fill("#id_choices-4-text", "Informatika Elektronik")
    page.fill("#id_choices-4-credit", "-50")
    steps.shot("question form")
    page.click("button[name=save]")
    page.wait_for_url(f"**/quizzes/bank/{module.code}/")
    expect(page.locator("ul.messages .msg-success")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Apa kepanjangan ITE?")
    steps.shot("question listed")
    question = Question.objects.get(module=module)
    assert question.choices.count() == 5
    assert question.choices.get(text="Informatika Elektronik").fraction == -0.5
    steps.assert_no_browser_errors()
