"""An election officer runs paper day in the Wagtail admin, then counts and proclaims, in a real browser."""

import re
from datetime import date

from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from voting.models import Participation, PaperResult, RollEntry
from voting.phases import Phase, contest_phase
from voting.services import counting
from voting.services.roll import prove_roll_membership

from tests.voting.factories import close, decrypt, make_ready_roll, make_user, open_contest, option_ids, vote

from .conftest import blocking_violations

OFFICER_PERMISSIONS = ["access_admin", "view_contest", "record_paper", "count_contest"]


def closed_contest_with_totals_decrypted():
    """Marie Dupont voted online; the vote is closed and two of three trustees' devices decrypted the totals."""
    contest, secrets = open_contest(roll=make_ready_roll())
    marie = make_user("marie")
    prove_roll_membership(contest=contest, user=marie, family_name="Dupont", birth_date=date(1980, 7, 14), place="001")
    vote(contest, marie, [option_ids(contest)["Oui"]])
    close(contest)
    decrypt(contest, secrets, indices=[1, 2])
    return contest


def test_an_officer_records_paper_votes_then_counts_and_proclaims(desktop, migrated_data, live_server, axe):
    contest = closed_contest_with_totals_decrypted()
    officer = make_user("greffe")
    officer.user_permissions.set(Permission.objects.filter(codename__in=OFFICER_PERMISSIONS))
    jean = RollEntry.objects.get(family_name="Lefèvre")
    manage = f"{live_server.url}/admin/votes/contests/manage/{contest.pk}/"

    desktop.goto(live_server.url + "/admin/login/")
    desktop.locator("#id_username").fill("greffe")
    desktop.locator("#id_password").fill("pw")
    desktop.locator("button[type=submit]").click()
    expect(desktop).to_have_url(re.compile(r"/admin/$"))

    desktop.goto(manage)
    desktop.locator(f"a[href$='/paper/{contest.pk}/']").click()
    desktop.locator(f"a[href$='/paper/{contest.pk}/001/']").click()

    desktop.locator("#id_family_name").fill("lefe")
    desktop.locator("form[role=search] button[type=submit]").click()
    assert blocking_violations(axe, desktop) == []
    desktop.locator(f"form[action$='/voter/{jean.pk}/'] button").click()
    expect(desktop.locator(".messages")).to_contain_text("Lefèvre Jean")
    expect(desktop.locator(f"form[action$='/voter/{jean.pk}/']")).to_have_count(0)

    ids = option_ids(contest)
    desktop.locator(f"#id_option_{ids['Oui']}").fill("0")
    desktop.locator(f"#id_option_{ids['Non']}").fill("1")
    desktop.locator("#id_blank").fill("0")
    desktop.locator("#id_invalid").fill("0")
    desktop.locator("section[aria-labelledby=count-heading] button[type=submit]").click()
    expect(desktop.locator(".messages")).to_contain_text("001")

    desktop.goto(manage)
    desktop.locator("form[action$='/count/'] button").click()
    expect(desktop.locator("#results-heading")).to_be_visible()
    desktop.locator("form[action$='/proclaim/'] button").click()
    expect(desktop.locator("form[action$='/proclaim/']")).to_have_count(0)

    assert Participation.objects.filter(contest=contest, channel="paper", voter__roll_entry=jean).exists()
    assert PaperResult.objects.get(contest=contest).counts == {str(ids["Oui"]): 0, str(ids["Non"]): 1}
    assert contest_phase(contest) is Phase.PROCLAIMED
    assert counting.merged_results(contest)["total"]["counts"] == {str(ids["Oui"]): 1, str(ids["Non"]): 1}
