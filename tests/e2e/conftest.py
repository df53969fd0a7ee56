"""Real-browser harness: Playwright driving Debian's Chromium against the live server.

`playwright install` cannot download browsers here, so we launch the system
``/usr/bin/chromium`` (installed by .ci/run). Background-networking flags keep
Chromium from calling home on a machine with no outside network.
"""

import os
import re
import shutil
from contextlib import contextmanager

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# fixtures here are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# CI runs two test processes on two cores: give assertions the same patience as actions.
expect.set_options(timeout=15_000)

CHROMIUM = os.environ.get("PARVIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            # Live-server tests commit, then flush every table: see `migrated_data`.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


VIEWPORTS = {
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


@contextmanager
def open_page(browser, device: str, service_workers: str = "block"):
    """A fresh browser context (no cookies) on a phone or desktop screen, French locale.

    The site's service worker is blocked unless a test asks for it: requests it answers escape
    ``page.route``, which some journeys use to watch what the phone sends.
    """
    context = browser.new_context(locale="fr-FR", service_workers=service_workers, **VIEWPORTS[device])
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    """A page in a phone-sized window, like most residents'."""
    with open_page(browser, "phone") as page:
        yield page


@pytest.fixture
def desktop(browser):
    with open_page(browser, "desktop") as page:
        yield page


@pytest.fixture
def demo(migrated_data, live_server):
    """The demo town, served by the live server; returns its base URL."""
    call_command("load_demo", stdout=open(os.devnull, "w"))
    return live_server.url


@pytest.fixture(scope="session")
def axe():
    return Axe()


def blocking_violations(axe, page) -> list[str]:
    """axe-core violations of serious or critical impact, as readable lines."""
    results = axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def open_menu(page) -> None:
    """Open the phone's collapsed main menu and wait until it has finished opening.

    Bootstrap animates the opening; a link clicked while the menu still grows
    was once missed under load on CI (the page stayed put), so tests click
    only once the menu is fully open.
    """
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("#menu-principal")).to_have_class(re.compile(r"\bshow\b"))

