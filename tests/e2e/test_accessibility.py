"""Every page type passes axe-core with no serious or critical violation (RGAA / WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, make_resident

from .conftest import blocking_violations, open_menu, open_page

PAGES = [
    "/",  # HomePage
    "/comprendre/",  # ArticleIndexPage
    "/comprendre/?tag=agenda",  # ArticleIndexPage, filtered
    "/comprendre/voter-en-ligne-est-ce-sur/",  # ArticlePage
    "/voter-en-ligne-en-4-minutes/",  # TutorialPage
    "/confidentialite/",  # StandardPage
    "/recherche/?q=vote",  # search results
    "/recherche/?q=zzzz",  # search, no result
    "/page-inconnue/",  # 404
    "/conseils-de-quartier/",  # CouncilIndexPage
    "/conseils-de-quartier/?postcode=49100",  # council found
    "/conseils-de-quartier/?postcode=49000",  # postcode shared by several councils
    "/conseils-de-quartier/?postcode=75001",  # unknown postcode
    "/conseils-de-quartier/?postcode=49",  # malformed postcode, error on its field
    "/conseils-de-quartier/les-tilleuls/",  # CouncilPage
    "/compte/signup/",  # sign-up
    "/compte/login/",  # login
    "/compte/password/reset/",  # password reset
    "/compte/confirm-email/",  # "check your e-mail"
    "/budget-participatif/",  # BudgetPage, ideas phase
    "/budget-participatif/?category=environment&status=submitted",  # BudgetPage, gallery filtered
    "/budget-participatif-2026/",  # BudgetPage, results published
    "/consultations/",  # ConsultationIndexPage
    "/consultations/elections-conseils-2027/",  # ElectionPage, voting open
    "/consultations/elections-conseils-2027/resultats/",  # election results, sealed until the proclamation
    "/consultations/place-du-marche/",  # ConsultationPage, counted, results sealed
    "/consultations/mediatheque/",  # ConsultationPage, results proclaimed
    "/benevolat/",  # VolunteeringIndexPage
    "/benevolat/?period=month&skill=sport&date_from=2020-13-01",  # VolunteeringIndexPage, filtered, a malformed date
    "/benevolat/associations/coup-de-pouce-aux-tilleuls/",  # an association's public page
]


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_every_page_type_passes_axe(browser, device, demo, axe):
    failures = {}
    with open_page(browser, device) as page:
        for path in PAGES:
            page.goto(demo + path)
            violations = blocking_violations(axe, page)
            if violations:
                failures[path] = violations
    assert failures == {}


def test_english_interface_passes_axe(phone, demo, axe):
    phone.goto(demo + "/")
    open_menu(phone)
    phone.get_by_role("button", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")  # waits for the page the switch loads
    assert blocking_violations(axe, phone) == []



def test_a_residents_own_pages_and_refused_forms_pass_axe(phone, demo, axe):
    make_resident("amina@example.org", display_name="Amina")
    phone.goto(demo + "/compte/login/")
    phone.get_by_label("E-mail").fill("amina@example.org")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("#id_password").press("Enter")
    phone.wait_for_url("**/compte/profil/")

    failures = {}
    for path in ["/compte/profil/", "/compte/profil/supprimer/", "/compte/password/change/"]:
        phone.goto(demo + path)
        if violations := blocking_violations(axe, phone):
            failures[path] = violations
    phone.goto(demo + "/compte/profil/supprimer/")
    phone.locator("#id_password").fill("pas-le-bon")  # the deletion form, refused
    phone.locator("#id_password").press("Enter")
    if violations := blocking_violations(axe, phone):
        failures["account deletion refused"] = violations
    phone.goto(demo + "/conseils-de-quartier/les-tilleuls/contact/")
    phone.get_by_role("button", name="Envoyer le message").click()  # an empty message, refused
    if violations := blocking_violations(axe, phone):
        failures["contact form refused"] = violations
    assert failures == {}
