"""The installable app in Chromium: the service worker installs, the offline page shows when the server is
really down, and what a resident saw signed in (account, ballot, receipt) is never served from its cache."""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, make_resident
from tests.voting.factories import open_contest, vote

from tests.home.utils import make_home

from .conftest import open_page
from .relay import Relay
from .test_voting_journey import consultation_page

CACHED_PATHS = """
caches.keys().then((names) => Promise.all(names.map((name) => caches.open(name)
    .then((cache) => cache.keys())
    .then((requests) => requests.map((request) => new URL(request.url).pathname)))))
    .then((lists) => lists.flat())
"""


@pytest.fixture
def town(migrated_data, live_server):
    """A home page is all the worker needs (the demo town would only slow these tests down)."""
    make_home()
    return live_server.url


@pytest.fixture
def relay(town):
    """The site behind a relay the test can cut."""
    relay = Relay(town)
    yield relay
    relay.cut()


def wait_for_the_worker(page, base: str) -> None:
    script = page.evaluate("navigator.serviceWorker.ready.then((registration) => registration.active.scriptURL)")
    assert script == base + "/sw.js"
    page.wait_for_function("navigator.serviceWorker.controller !== null")  # it controls this page (clients.claim)


def test_the_worker_installs_and_the_offline_page_shows_when_the_server_is_down(browser, relay):
    with open_page(browser, "phone", service_workers="allow") as page:
        page.goto(relay.url + "/")
        wait_for_the_worker(page, relay.url)
        kept = page.evaluate(CACHED_PATHS)
        assert "/hors-ligne/" in kept and "/static/css/parvis.css" in kept

        relay.cut()
        # A real failure: what the worker does not answer from its cache does not arrive.
        assert page.evaluate("fetch('/healthz').then(() => 'answered', () => 'failed')") == "failed"
        page.goto(relay.url + "/articles/")  # a page never visited: nothing could have kept it

        expect(page.get_by_role("heading", level=1)).to_have_text("Pas de connexion")
        # The shell's styles came from the cache: the page is styled, not bare.
        assert page.evaluate("getComputedStyle(document.querySelector('.site-footer')).borderTopStyle") == "solid"


def test_private_pages_are_never_served_from_the_cache(browser, relay):
    resident = make_resident("amina@example.org", display_name="Amina Benali")
    contest, _secrets = open_contest()
    ballot_page = consultation_page(contest)
    tracker = vote(contest, resident, [contest.options.first().pk])
    receipt = f"/vote/{contest.pk}/recu/{tracker}/"

    with open_page(browser, "phone", service_workers="allow") as page:
        page.goto(relay.url + "/compte/login/")
        wait_for_the_worker(page, relay.url)
        page.get_by_label("E-mail").fill("amina@example.org")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_url("**/compte/profil/")
        expect(page.locator("main")).to_contain_text("amina@example.org")
        page.goto(relay.url + ballot_page.url)
        expect(page.locator(f"#vote-{contest.pk}")).to_contain_text("Vote ouvert")
        page.goto(relay.url + receipt)
        expect(page.locator("#receipt")).to_have_text(tracker)

        kept = page.evaluate(CACHED_PATHS)
        assert kept and all(path.startswith("/static/") or path == "/hors-ligne/" for path in kept), kept

        relay.cut()
        for path in ["/compte/profil/", ballot_page.url, receipt]:
            page.goto(relay.url + path)
            expect(page.get_by_role("heading", level=1)).to_have_text("Pas de connexion")
            html = page.content()
            assert "amina@example.org" not in html and "Amina" not in html and tracker not in html
            assert "Se connecter" in html  # the offline page is the anonymous one, whoever is signed in


SHOW_PUSH = """async (payload) => {
    self.dispatchEvent(new PushEvent("push", {data: JSON.stringify(payload)}));
    for (let tries = 0; tries < 50; tries++) {
        const shown = await self.registration.getNotifications({tag: payload.tag});
        if (shown.length) {
            const [notification] = shown;
            return {title: notification.title, body: notification.body, tag: notification.tag,
                    url: notification.data.url, icon: notification.icon};
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return null;
}"""

def test_the_worker_shows_push_messages_pointing_only_at_this_site(browser, town):
    demo = town
    # The contract with the push sender: {"title", "body", "url", "tag"}. (A click's window needs a real
    # user's tap, which a test cannot give the worker; the click opens the same checked data.url.)
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, service_workers="allow")
    try:
        context.grant_permissions(["notifications"], origin=demo)
        page = context.new_page()
        page.goto(demo + "/")
        wait_for_the_worker(page, demo)
        worker = context.service_workers[0]

        shown = worker.evaluate(SHOW_PUSH, {"title": "Vote ouvert", "body": "Votez jusqu’au 1er décembre.",
                                            "url": "/consultations/mediatheque/", "tag": "vote-1"})
        foreign = worker.evaluate(SHOW_PUSH, {"title": "Piège", "body": "", "url": "https://evil.example/", "tag": "x"})
        sneaky = worker.evaluate(SHOW_PUSH, {"title": "Piège", "body": "", "url": "//evil.example/", "tag": "y"})

        assert shown["title"] == "Vote ouvert" and shown["body"] == "Votez jusqu’au 1er décembre."
        assert shown["tag"] == "vote-1" and shown["url"] == "/consultations/mediatheque/"
        assert "/app-icon-192.png?v=" in shown["icon"]
        assert foreign["url"] == sneaky["url"] == "/"  # never another site
    finally:
        context.close()
