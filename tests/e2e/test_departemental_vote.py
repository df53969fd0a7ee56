"""A resident of a member town votes in the département's consultation from their own town's site.

``load_demo --territory``: the département issued the consultation, its roll lists the electors of its
four towns; a resident of Brissac-Loire opens brissac.localhost (Chromium resolves ``*.localhost`` to
the loopback, where the live server listens), proves they are on the roll and votes on a phone. Their
ballot is in the département's box, in the group of their commune.
"""

import os
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from territories.models import Territory
from voting.models import Ballot, Contest, Participation

from tests.accounts.factories import PASSWORD, make_resident

from .conftest import blocking_violations


@pytest.fixture
def territory_demo(migrated_data, live_server):
    call_command("load_demo", "--territory", stdout=open(os.devnull, "w"))
    return urlsplit(live_server.url).port


def test_a_brissac_resident_votes_in_the_departemental_consultation_from_brissacs_site(phone, territory_demo, axe):
    port = territory_demo
    contest = Contest.objects.get(site=Territory.objects.get(kind=Territory.Kind.DEPARTEMENT).site)
    make_resident("camille.loire@example.org", display_name="Camille")
    brissac = f"http://brissac.localhost:{port}"

    phone.goto(f"{brissac}/consultation-departementale/")
    expect(phone.locator("header")).to_contain_text("Brissac-Loire")  # the town's own site, not the département's
    ballot = phone.locator(f"#vote-{contest.pk}")
    expect(ballot).to_contain_text("Vote ouvert")
    assert blocking_violations(axe, phone) == []
    ballot.locator("a[href^='/compte/login/']").first.click()

    phone.get_by_label("E-mail").fill("camille.loire@example.org")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("#id_password").press("Enter")
    expect(phone).to_have_url(re.compile(r"^http://brissac\.localhost:\d+/consultation-departementale/"))

    ballot = phone.locator(f"#vote-{contest.pk}")
    ballot.get_by_label("Nom de famille").fill("Loire")
    ballot.get_by_label("Date de naissance").fill("1980-04-01")
    ballot.get_by_label("Numéro de bureau de vote ou code postal").fill("49320")  # station 1 exists in every town
    ballot.get_by_role("button", name="Vérifier et continuer").click()

    ballot = phone.locator(f"#vote-{contest.pk}")
    ballot.get_by_label("Oui").check()
    ballot.locator("[data-action=continue]").click()
    review = ballot.locator("[data-step=review]")
    expect(review.locator(f"#tracker-{contest.pk}")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    assert blocking_violations(axe, phone) == []
    review.locator("[data-action=cast]").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Votre vote est dans l’urne")
    expect(phone).to_have_url(re.compile(r"^http://brissac\.localhost:\d+/"))
    receipt = phone.locator("#receipt").inner_text()
    # The Brissac elector among the four towns' homonyms (the demo elector is in every town), in Brissac's group.
    participation = Participation.objects.get(contest=contest, voter__user__email="camille.loire@example.org")
    assert participation.voter.roll_entry.commune == "49050"
    assert Ballot.objects.get(contest=contest, tracker=receipt).group == "49050"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
