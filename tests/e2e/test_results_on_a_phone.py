"""Results and ballots on a 390-px phone: no sideways scrolling, no clipped column, and axe finds nothing."""

from datetime import date

from playwright.sync_api import expect

from councils.votes import elections
from tests.accounts.factories import PASSWORD, make_resident
from tests.councils.election_factories import close_now, count_and_proclaim, make_town, open_election
from tests.voting.factories import make_user, open_contest, vote

from tests.home.utils import make_home

from .conftest import open_page
from .test_voting_journey import consultation_page

SCREEN = 390


def all_violations(axe, page) -> list[str]:
    """Every axe-core violation, whatever its impact."""
    return [f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in axe.run(page).response["violations"]]


def assert_fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN
    for table in page.locator(".stack-table").all():
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= SCREEN
        # Nothing clipped inside: no cell wider than its table, no scrolling wrapper.
        assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
        assert table.evaluate("t => !t.parentElement.classList.contains('table-responsive') "
                              "|| t.parentElement.scrollWidth <= t.parentElement.clientWidth")


def check_results_page(page, axe, url: str) -> None:
    """The first results table of the page stacks on a phone, is read as a table, and is plain on a computer."""
    page.set_viewport_size({"width": SCREEN, "height": 844})
    page.goto(url)
    table = page.locator(".stack-table").first
    expect(table).to_be_visible()
    assert_fits_the_phone(page)
    # Each row is a card: its column names are shown beside the figures, the header row is hidden.
    expect(table.locator("tbody tr").first.locator(".stack-label").first).to_be_visible()
    assert table.locator("thead").evaluate("head => head.getBoundingClientRect().width") <= 1
    # Screen readers still get a table: rows, column headers and cells.
    assert table.get_by_role("columnheader").count() >= 3 and table.get_by_role("cell").count() >= 3
    assert all_violations(axe, page) == []
    page.set_viewport_size({"width": 1280, "height": 900})  # a computer keeps the plain table
    expect(table.locator("thead")).to_be_visible()
    expect(table.locator(".stack-label").first).to_be_hidden()


def test_demo_results_fit_a_phone(browser, demo, axe):
    with open_page(browser, "phone") as page:
        check_results_page(page, axe, demo + "/consultations/mediatheque/")  # a consultation: options, councils
        check_results_page(page, axe, demo + "/budget-participatif-2026/")  # the budget's projects


def test_election_results_with_eight_columns_fit_a_phone(browser, migrated_data, live_server, axe):
    town = make_town()
    election, secrets = open_election(town)
    ballots = {ballot.council.name: ballot.contest for ballot in election.ballots.all()}
    ids = {option.label: option.pk for contest in ballots.values() for option in contest.options.all()}
    marie, paul = make_user("marie"), make_user("paul")
    elections.find_my_ballot(election=election, user=marie, family_name="Dupont", birth_date=date(1980, 7, 14), place="1")
    elections.find_my_ballot(election=election, user=paul, family_name="Martin", birth_date=date(2001, 5, 1), place="3")
    vote(ballots["Centre"], marie, [ids["Alice Morel"], ids["Bruno Roy"]])
    vote(ballots["Les Prés"], paul, [ids["Denis Blanc"]])
    close_now(list(ballots.values()))
    for contest in ballots.values():
        count_and_proclaim(contest, secrets)

    with open_page(browser, "phone") as page:
        page.goto(live_server.url + election.url + "resultats/")
        expect(page.locator("#turnout")).to_contain_text("Part de la population")
        expect(page.locator(".results-table").first).to_contain_text("Alice Morel")
        assert_fits_the_phone(page)
        assert all_violations(axe, page) == []


def test_a_ballot_fits_a_phone(browser, migrated_data, live_server, axe):
    demo = live_server.url
    make_home()
    contest, _secrets = open_contest(options=("Oui, piétonniser toute la place", "Non, garder les places de stationnement"))
    page_model = consultation_page(contest)
    make_resident("amina@example.org")
    with open_page(browser, "phone") as page:
        page.goto(demo + "/compte/login/")
        page.get_by_label("E-mail").fill("amina@example.org")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_url("**/compte/profil/")
        page.goto(demo + page_model.url)
        ballot = page.locator(f"#vote-{contest.pk}")
        expect(ballot.get_by_label("Non, garder les places de stationnement")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN
        assert all_violations(axe, page) == []
