"""A collectivity's steering committee and moderators work on their budget's ideas, never another's."""

import pytest

from budget.models import Idea

from ..budget.factories import make_budget, make_idea
from ..voting.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def budgets(platform):
    author = make_user("auteur@example.org")
    mine = make_budget(platform.home_a, slug="budget-a", title="Budget de Saint-Aubin")
    theirs = make_budget(platform.home_b, slug="budget-b", title="Budget de Brissac")
    return {
        "mine": mine, "theirs": theirs,
        "my_idea": make_idea(mine, author=author, title="Bancs au parc"),
        "their_idea": make_idea(theirs, author=author, title="Piste cyclable de Brissac"),
    }


def test_the_queue_and_its_filter_show_only_their_budget(client_a, budgets):
    page = client_a.get("/admin/budget/ideas/").content.decode()
    assert "Bancs au parc" in page and "Piste cyclable de Brissac" not in page
    assert "Budget de Saint-Aubin" in page and "Budget de Brissac" not in page
    editions = client_a.get("/admin/budget/editions/").content.decode()
    assert "Budget de Saint-Aubin" in editions and "Budget de Brissac" not in editions


@pytest.mark.parametrize("route", ["review", "hide", "restore", "edit", "inspect"])
def test_another_collectivitys_idea_is_not_found_and_unchanged(client_a, budgets, route):
    theirs = budgets["their_idea"]
    url = f"/admin/budget/ideas/{route}/{theirs.pk}/"
    assert client_a.get(url).status_code == 404
    client_a.post(url, {"eligible": "True", "reason": "x", "title": "Piraté", "description": "x", "cost": 1})
    after = Idea.objects.get(pk=theirs.pk)
    assert (after.status, after.title, after.hidden_at) == (theirs.status, theirs.title, None)
    mine = budgets["my_idea"]
    assert client_a.get(f"/admin/budget/ideas/{route}/{mine.pk}/").status_code in (200, 302)


@pytest.mark.parametrize("route", ["finalists/{pk}/", "statistics/{pk}/", "statistics/{pk}/csv/"])
def test_another_collectivitys_edition_is_not_found(client_a, budgets, route):
    assert client_a.get("/admin/budget/editions/" + route.format(pk=budgets["theirs"].pk)).status_code == 404
    assert client_a.get("/admin/budget/editions/" + route.format(pk=budgets["mine"].pk)).status_code == 200


def test_the_committee_reaches_the_what_if_page_and_not_another_collectivitys_profile(client_a, budgets):
    assert client_a.get("/admin/budget/editions/what-if/").status_code == 200
    assert client_a.get(f"/admin/budget/editions/profile/{budgets['theirs'].pk}.pb").status_code == 404
