"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live
server. No browser is ever downloaded: the tests skip, saying why, when /usr/bin/chromium is
missing (install it with `apt-get install -y chromium`).

Screenshots of every step go to test-artifacts/e2e/<test name>/NN-step.png (gitignored).
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in this thread; the live server and the fixtures touch
# the database from it, which Django refuses unless told this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed"
    if reason:
        for item in items:
            if "tests/e2e/" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Steps:
    """Takes a numbered screenshot per step and collects what the browser complained about."""

    def __init__(self, page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.count = 0
        self.console_errors: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))
        page.on("response", self._on_response)

    def _on_console(self, msg) -> None:
        # Failed loads are reported with their URL by _on_response instead.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.console_errors.append(msg.text)

    def _on_response(self, response) -> None:
        # Browsers ask for /favicon.ico on their own; the layout does not link one.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.console_errors.append(f"{response.status} {response.url}")

    def shot(self, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_no_browser_errors(self) -> None:
        """CSP violations and script errors show up as console errors; failed loads too."""
        assert not self.console_errors, "Browser errors:\n" + "\n".join(self.console_errors)


def _new_page(browser, request, live_server, viewport):
    context = browser.new_context(
        viewport=viewport, base_url=live_server.url, locale="id-ID", timezone_id="Asia/Pontianak"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    steps = Steps(page, ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name))
    return context, page, steps


@pytest.fixture
def phone(browser, request, live_server):
    """A page on a phone-sized viewport, with its step recorder."""
    context, page, steps = _new_page(browser, request, live_server, PHONE)
    yield page, steps
    context.close()


@pytest.fixture
def desktop(browser, request, live_server):
    context, page, steps = _new_page(browser, request, live_server, {"width": 1280, "height": 900})
    yield page, steps
    context.close()
