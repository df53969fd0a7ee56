"""The demo town's budgets: one open for ideas, one past with its winners; loading twice changes nothing."""

import pytest
from django.core.management import call_command

from budget import services
from budget.models import BudgetPage, Idea
from budget.phases import Phase

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_budget_open_for_ideas_and_a_past_one_with_results(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    current = BudgetPage.objects.get(slug="budget-participatif")
    past = BudgetPage.objects.get(slug="budget-participatif-2026")
    assert BudgetPage.objects.count() == 2
    assert current.phase() is Phase.IDEAS and current.ideas.count() == 8
    assert past.phase() is Phase.RESULTS

    results = services.budget_results(budget=past)
    assert results.published and results.turnout["total"] == 15
    assert [p.idea.title for p in results.winners] == [
        "Des bancs le long du canal", "Des jardins partagés aux Tilleuls", "Une aire de jeux inclusive"]
    assert results.spent == 16_000
    assert Idea.objects.filter(budget=past, status=Idea.Status.WINNER).count() == 3
    assert Idea.objects.filter(budget=past, status=Idea.Status.NOT_ELIGIBLE).count() == 2

    for url in ("/budget-participatif/", "/budget-participatif-2026/", current.ideas.first().url):
        assert client.get(url).status_code == 200
