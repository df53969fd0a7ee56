"""An election officer runs a council's paper day from the election's admin page, counts and proclaims;
the public results merge online and paper votes."""

import re
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from councils import roles
from councils.votes import elections
from voting.models import PaperResult, Participation, RollEntry
from voting.phases import Phase, contest_phase
from voting.services import counting

from tests.councils.election_factories import close_now, make_town, open_election
from tests.voting.factories import decrypt, vote

from .conftest import blocking_violations


def closed_election():
    """Marie voted online for Alice in the Centre; voting is closed; two trustees' devices decrypted the Centre's totals."""
    town = make_town()
    election, secrets = open_election(town)
    centre = election.ballots.get(council=town["centre"]).contest
    marie = get_user_model().objects.create_user("marie", "marie@example.org", "pw")
    elections.find_my_ballot(election=election, user=marie, family_name="Dupont", birth_date=date(1980, 7, 14), place="1")
    vote(centre, marie, [centre.options.get(label="Alice Morel").pk])
    close_now([centre, *[contest for contest in election.contests() if contest.pk != centre.pk]])
    decrypt(centre, secrets[centre.pk], indices=[1, 2])
    return town, election, centre


def test_an_officer_runs_paper_day_for_a_council_then_counts_and_proclaims(desktop, migrated_data, live_server, axe):
    town, election, centre = closed_election()
    officer = get_user_model().objects.create_user("greffe", "greffe@ville.example", "mot-de-passe-solide")
    officer.groups.add(Group.objects.get(name=roles.ELECTION_OFFICERS))
    jean = RollEntry.objects.get(family_name="Lefèvre")
    ids = {option.label: option.pk for option in centre.options.all()}

    desktop.goto(live_server.url + "/admin/login/")
    desktop.locator("#id_username").fill("greffe")
    desktop.locator("#id_password").fill("mot-de-passe-solide")
    desktop.locator("button[type=submit]").click()
    expect(desktop).to_have_url(re.compile(r"/admin/$"))

    desktop.goto(live_server.url + "/admin/votes/elections/")
    desktop.get_by_role("link", name=election.title).click()
    assert blocking_violations(axe, desktop) == []
    desktop.locator(f"a[href$='/admin/votes/contests/paper/{centre.pk}/']").click()
    desktop.locator(f"a[href$='/paper/{centre.pk}/002/']").click()

    desktop.locator("#id_family_name").fill("lefe")
    desktop.locator("#main form[role=search] button[type=submit]").click()
    desktop.locator(f"form[action$='/voter/{jean.pk}/'] button").click()
    expect(desktop.locator(".messages")).to_contain_text("Lefèvre Jean")

    count_form = desktop.locator("section[aria-labelledby=count-heading]")
    # Station 002 has a single registered voter: two ballots for Chloé are refused, nothing is saved.
    desktop.locator(f"#id_option_{ids['Alice Morel']}").fill("0")
    desktop.locator(f"#id_option_{ids['Bruno Roy']}").fill("0")
    desktop.locator(f"#id_option_{ids['Chloé Faure']}").fill("2")
    desktop.locator("#id_blank").fill("0")
    desktop.locator("#id_invalid").fill("0")
    count_form.locator("button[type=submit]").click()
    expect(count_form.locator("[role=alert]")).to_be_visible()
    assert not PaperResult.objects.exists()
    desktop.locator(f"#id_option_{ids['Chloé Faure']}").fill("1")
    count_form.locator("button[type=submit]").click()
    expect(desktop.locator(".messages")).to_contain_text("002")

    desktop.goto(f"{live_server.url}/admin/votes/elections/election/{election.pk}/")
    desktop.locator(f"a[href$='/admin/votes/contests/manage/{centre.pk}/']").click()
    desktop.locator("form[action$='/count/'] button").click()
    expect(desktop.locator("#results-heading")).to_be_visible()
    desktop.locator("form[action$='/proclaim/'] button").click()
    expect(desktop.locator("form[action$='/proclaim/']")).to_have_count(0)
    centre.refresh_from_db()
    assert contest_phase(centre) is Phase.PROCLAIMED

    desktop.goto(f"{live_server.url}{election.url}resultats/")
    section = desktop.locator(f"#council-result-{town['centre'].pk}")
    expect(section.get_by_role("row", name=re.compile("Alice Morel"))).to_contain_text("1")
    expect(section.locator("tr.table-success")).to_have_count(2)  # Alice (online) and Chloé (paper): two seats
    expect(desktop.locator("#turnout")).to_contain_text("100")
    assert blocking_violations(axe, desktop) == []
    assert Participation.objects.filter(contest=centre).count() == 2
    assert counting.merged_results(centre)["total"]["counts"] == {
        str(ids["Alice Morel"]): 1, str(ids["Bruno Roy"]): 0, str(ids["Chloé Faure"]): 1,
    }
