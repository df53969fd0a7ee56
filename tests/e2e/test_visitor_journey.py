"""A resident without an account browses the demo town on a phone."""

import re

from playwright.sync_api import expect

from .conftest import open_menu


def test_visitor_reads_an_article_then_the_voting_tutorial(phone, demo):
    phone.goto(demo + "/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("c'est vous qui la faites")

    # The skip link is the first focusable element and leads to the main content.
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("link", name="Aller au contenu")).to_be_focused()

    phone.get_by_role("link", name="Voter en ligne : est-ce sûr ?").click()
    expect(phone).to_have_url(re.compile(r"/comprendre/voter-en-ligne-est-ce-sur/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Voter en ligne : est-ce sûr ?")

    # On a phone the menu is collapsed behind its button.
    menu = phone.get_by_role("navigation", name="Menu principal")
    open_menu(phone)
    menu.get_by_role("link", name="Voter en ligne en 4 minutes").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Voter en ligne en 4 minutes")
    expect(phone.locator("ol.tutorial-steps > li")).to_have_count(5)
    flyer = phone.get_by_role("link", name=re.compile("Télécharger le dépliant"))
    response = phone.request.get(demo + flyer.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")

    # Nothing overflows horizontally on a 390 px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_visitor_searches_and_meets_the_styled_404(phone, demo):
    phone.goto(demo + "/recherche/?q=budget")
    expect(phone.get_by_role("status")).to_contain_text("résultat")
    expect(phone.get_by_role("link", name="Le budget participatif, mode d'emploi")).to_be_visible()

    response = phone.goto(demo + "/pas-de-page-ici/")
    assert response.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("Page introuvable")
