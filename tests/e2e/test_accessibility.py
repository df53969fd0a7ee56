"""Every page type passes axe-core with no serious or critical violation (RGAA / WCAG 2.1 AA)."""

import pytest

from .conftest import blocking_violations, open_page

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
    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("button", name="English").click()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert blocking_violations(axe, phone) == []
