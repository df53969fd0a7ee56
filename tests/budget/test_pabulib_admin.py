"""Pabulib out (an equal-shares edition's anonymous profile) and in (the committee's "what if" page)."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from budget.models import BudgetPage
from councils import roles
from voting.rules.equal_shares import equal_shares
from voting.rules.pabulib import read_pb

from ..home.utils import make_home
from ..voting.factories import make_user
from .factories import make_budget, make_idea, play_vote

pytestmark = pytest.mark.django_db
PABULIB = Path(__file__).resolve().parents[1] / "voting" / "pabulib"
WHAT_IF = "/admin/budget/editions/what-if/"
GOOD = (PABULIB / "poland_gdynia_2020_orlowo-small.pb").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def committee(client):
    member = make_user("comite")
    member.groups.add(Group.objects.get(name=roles.STEERING_COMMITTEE))
    english_admin(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(member)
    return member


def english_admin(user):
    """Messages are asserted in English, the source language: the admin follows the user's language."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()


def finished_edition(winners_rule=BudgetPage.WinnersRule.EQUAL_SHARES):
    budget = make_budget(make_home(), winners_rule=winners_rule)
    square = make_idea(budget, title="Place", cost=12_000)
    lights = make_idea(budget, title="Éclairage", cost=8_000)
    garden = make_idea(budget, title="Jardin", cost=7_000)
    contest = play_vote(budget, [square, lights, garden], [[square, lights]] * 6 + [[garden]] * 3 + [[]])
    return budget, contest


def test_an_equal_shares_edition_exports_its_anonymous_profile_and_it_recounts_to_the_same_winners(client, committee):
    budget, contest = finished_edition()
    editions = client.get("/admin/budget/editions/").content.decode()
    assert "Anonymous ballots (Pabulib .pb)" in editions
    for url in (f"/admin/budget/editions/profile/{budget.pk}.pb", f"/vote/{contest.pk}/profil.pb"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Disposition"].endswith('.pb"')
        election = read_pb(response.content.decode())
        assert len(election.voters) == 9  # the blank ballot approves nothing and is left out
        assert election.budget == 20_000 and election.meta["rule"] == "equalshares"
        costs = {int(p.id): p.cost for p in election.projects}
        recount = equal_shares(costs=costs, ballots=[[int(p) for p in b] for b in election.ballots], envelope=20_000)
        assert list(recount.winners) == contest.result.outcome["winners"]
        assert {p.id for p in election.projects if p.fields["selected"] == "1"} == {
            str(i) for i in contest.result.outcome["winners"]}


def test_a_greedy_edition_has_no_profile_to_export(client, committee):
    budget, contest = finished_edition(BudgetPage.WinnersRule.GREEDY)
    assert "Anonymous ballots" not in client.get("/admin/budget/editions/").content.decode()
    assert client.get(f"/admin/budget/editions/profile/{budget.pk}.pb").status_code == 404
    assert client.get(f"/vote/{contest.pk}/profil.pb").status_code == 404


def test_residents_cannot_use_the_committees_pages(client):
    budget, _ = finished_edition()
    client.force_login(make_user("habitant"))
    assert client.get(f"/admin/budget/editions/profile/{budget.pk}.pb").status_code in (302, 403)
    assert client.get(WHAT_IF).status_code in (302, 403)


def upload(text, name="election.pb"):
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text, "text/plain")


def test_what_if_counts_a_real_pabulib_election_by_either_rule(client, committee):
    expected = json.loads((PABULIB / "expected.json").read_text())["files"]["poland_gdynia_2020_orlowo-small.pb"]
    response = client.post(WHAT_IF, {"pb_file": upload(GOOD), "rule": "equal-shares"})
    assert response.status_code == 200
    simulation = response.context["simulation"]
    election = simulation.election
    assert {election.projects[i].id for i in simulation.outcome.winners} == set(expected)  # pabutools' winners
    html = response.content.decode()
    assert "What each supporter paid" in html and "winners" in html
    greedy = client.post(WHAT_IF, {"pb_file": upload(GOOD), "rule": "greedy"}).context["simulation"]
    assert greedy.outcome.rule == "greedy"


@pytest.mark.parametrize(("text", "reason"), [
    (GOOD.split("VOTES\n")[0], "missing section(s): VOTES"),
    (GOOD.replace("\n8;9990;", "\n8;99.5;"), "the cost of project '8' must be a non-negative whole number"),
    (GOOD.rstrip("\n") + "\n99999;40;M;424242\n", "votes for unknown project(s) 424242"),
    ("", "empty"),
], ids=["missing section", "wrong cost", "unknown project", "empty"])
def test_bad_pb_files_are_refused_with_a_clear_message(client, committee, text, reason):
    response = client.post(WHAT_IF, {"pb_file": upload(text), "rule": "equal-shares"})
    assert response.status_code == 200 and "simulation" not in response.context
    errors = " ".join(response.context["form"].errors["pb_file"])
    assert reason in errors, errors
    assert text == "" or "cannot be used" in errors


def test_selected_projects_over_the_budget_and_non_utf8_files_are_refused(client, committee):
    lines = GOOD.split("\n")
    meta_budget = next(i for i, line in enumerate(lines) if line.startswith("budget;"))
    lines[meta_budget] = "budget;1"
    response = client.post(WHAT_IF, {"pb_file": upload("\n".join(lines)), "rule": "equal-shares"})
    assert "over the budget" in " ".join(response.context["form"].errors["pb_file"])
    response = client.post(WHAT_IF, {"pb_file": upload("META\n".encode("utf-16")), "rule": "greedy"})
    assert "not UTF-8" in " ".join(response.context["form"].errors["pb_file"])


def test_the_results_block_explains_an_equal_shares_outcome(client):
    budget, contest = finished_edition()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(budget.url + "?lang=en", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How the 20000 EUR envelope is used" in html and "equal share of 2334.22 EUR" in html  # 20000 / 9, raised by the completion
    assert "Paid by its 6 supporters" in html and "6 paid 1333.33 EUR each" in html
    assert "Paid by its 3 supporters" in html and "3 paid 2333.33 EUR each" in html
    # The square had as many votes as the lights and more than the garden: the page says why it lost.
    assert "more voted than a winner, but its 6 supporters" in html
    assert 'class="envelope-bar" aria-hidden="true"' in html and "not spent: 5000 EUR (25.0 %)" in html
    assert f'href="/vote/{contest.pk}/record.json"' in html and f'href="/vote/{contest.pk}/profil.pb"' in html
