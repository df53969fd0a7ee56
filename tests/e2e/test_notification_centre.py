"""On a phone: the notification centre works without push and without JavaScript (bell count, list,
mark as read), and the invitation to turn push on appears only after a meaningful action (an idea)."""

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import expect

from budget.phases import Phase
from notices import services

from tests.accounts.factories import PASSWORD, make_resident
from tests.budget.factories import make_budget
from tests.home.utils import make_home
from tests.notices.push_service import b64url

from .conftest import PHONE, VIEWPORTS, blocking_violations


def log_in(page, base: str, email: str) -> None:
    page.goto(base + "/compte/login/")
    page.get_by_label("E-mail").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/compte/profil/")


@pytest.fixture
def vapid_key(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def test_the_centre_without_push_nor_javascript(browser, migrated_data, live_server):
    base = live_server.url
    make_home()
    amina = make_resident("amina@example.org", display_name="Amina")
    for title in ("Vote ouvert : Centre", "Résultats proclamés"):
        notice = services.publish(topic="vote_opened", title=title, body="Un vote est ouvert.", url="/", user_ids=[amina.pk])
        services.deliver(notice=notice, user_ids=[amina.pk])

    context = browser.new_context(locale="fr-FR", java_script_enabled=False, **VIEWPORTS["phone"])
    try:
        page = context.new_page()
        log_in(page, base, "amina@example.org")
        bell = page.get_by_test_id("notification-bell")
        expect(bell).to_be_visible()  # on the phone, without opening the menu
        expect(page.get_by_test_id("unread-count")).to_have_text("2")
        bell.click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Mes notifications")
        items = page.get_by_test_id("notification")
        expect(items).to_have_count(2)
        expect(items.first).to_contain_text("Résultats proclamés")
        items.first.get_by_role("button", name="Marquer comme lu").click()
        expect(page.get_by_test_id("unread-count")).to_have_text("1")
        page.get_by_role("button", name="Tout marquer comme lu").click()
        expect(page.get_by_test_id("unread-count")).to_have_count(0)
        expect(page.locator(".notification-unread")).to_have_count(0)
    finally:
        context.close()


def test_the_push_invitation_appears_only_after_a_meaningful_action(phone, migrated_data, live_server, axe, vapid_key):
    base = live_server.url
    make_budget(make_home(), phase=Phase.IDEAS, slug="budget")
    make_resident("amina@example.org", display_name="Amina")

    log_in(phone, base, "amina@example.org")
    phone.goto(base + "/budget/")
    expect(phone.get_by_test_id("push-invitation")).to_have_count(0)  # never on a first visit

    form = phone.locator("form[action$='/idees/proposer/']")
    form.locator("#id_title").fill("Un jardin partagé")
    form.locator("#id_description").fill("Des bacs à légumes.")
    form.locator("#id_category").select_option("environment")
    form.locator("#id_cost").fill("3000")
    form.locator("button[type=submit]").click()
    phone.wait_for_url("**/budget/idees/*/")

    invitation = phone.get_by_test_id("push-invitation")
    expect(invitation).to_be_visible()
    expect(invitation.get_by_role("button", name="Activer les notifications sur cet appareil")).to_be_visible()
    assert blocking_violations(axe, phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.goto(base + "/notifications/")
    assert blocking_violations(axe, phone) == []
    invitation.get_by_role("button", name="Pas maintenant").click()
    expect(phone.get_by_test_id("push-invitation")).to_have_count(0)
    phone.goto(base + "/notifications/preferences/")
    expect(phone.get_by_role("button", name="Activer les notifications sur cet appareil")).to_be_visible()
