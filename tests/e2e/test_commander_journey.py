"""A Pimpinan opens the completion dashboard, drills down, and exports PDF and XLSX."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, person, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", person.nrp)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")


def test_pimpinan_opens_the_dashboard_drills_down_and_exports(desktop, pimpinan, password):
    page, steps = desktop
    _login(page, pimpinan, password)
    page.goto("/reports/")
    page.locator("table.ranking").wait_for()
    steps.shot("dashboard")
    # Drill down into the first unit below Polres Sanggau.
    first_unit = page.locator("table.ranking tbody a").first
    name = first_unit.inner_text()
    first_unit.click()
    page.wait_for_url("**/reports/?unit=*")
    steps.shot("drilled down")
    assert name in page.content()
    for fmt, suffix in (("pdf", ".pdf"), ("xlsx", ".xlsx")):
        page.click(f"button[name=format][value={fmt}]")
        link = page.locator("#export-status a.button")
        link.wait_for()
        steps.shot(f"{fmt} export ready")
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename.endswith(suffix)
        assert download.path().stat().st_size > 0
    steps.assert_no_browser_errors()
