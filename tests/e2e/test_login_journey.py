"""A Peserta logs in on a phone and sees who they are; a wrong password is explained."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_peserta_logs_in_on_a_phone_and_sees_name_rank_and_unit(phone, peserta, password):
    page, steps = phone
    page.goto("/")
    # Not logged in: sent to the login page.
    assert "/accounts/login/" in page.url
    steps.shot("login page")
    page.fill("#id_username", peserta.nrp)
    page.fill("#id_password", password)
    steps.shot("credentials typed")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")
    steps.shot("home")
    profile = page.locator("section.profile")
    text = profile.inner_text()
    assert peserta.name in text
    assert "Bripka" in text  # rank abbreviation
    assert "Polsek Kapuas" in text  # the unit chain ends at the Peserta's Polsek
    assert "Polres Sanggau" in text
    # Nothing wider than the phone: no sideways scrolling.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    steps.assert_no_browser_errors()


def test_a_wrong_password_shows_the_error(phone, peserta):
    page, steps = phone
    page.goto("/accounts/login/")
    page.fill("#id_username", peserta.nrp)
    page.fill("#id_password", "bukan-sandinya")
    page.click("button[type=submit].primary")
    error = page.locator(".errors[role=alert]")
    error.wait_for()
    steps.shot("wrong password")
    assert "NRP/NIP" in error.inner_text()
    assert "/accounts/login/" in page.url
    steps.assert_no_browser_errors()


def test_api_docs_render_under_the_content_security_policy(desktop, db):
    page, steps = desktop
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    steps.shot("swagger ui")
    assert "Polri Belajar API" in page.locator(".swagger-ui .info .title").inner_text()
    steps.assert_no_browser_errors()
