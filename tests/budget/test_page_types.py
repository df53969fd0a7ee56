"""The budget page in the page tree and the editor's form."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from budget.models import BudgetPage
from home.models import HomePage, StandardPage

from ..home.utils import make_home
from .factories import dates_for
from budget.phases import Phase

pytestmark = pytest.mark.django_db


def test_budget_pages_live_under_the_home_page_and_have_no_children():
    assert BudgetPage in HomePage.allowed_subpage_models()
    assert BudgetPage.allowed_parent_page_models() == [HomePage]
    assert BudgetPage.allowed_subpage_models() == []
    assert BudgetPage not in StandardPage.allowed_subpage_models()


def test_an_editor_creates_a_budget_in_the_admin(admin_client):
    home = make_home()
    dates = {field: moment.strftime("%Y-%m-%d %H:%M") for field, moment in dates_for(Phase.IDEAS).items()}
    data = nested_form_data({
        "title": "Budget 2028", "slug": "budget-2028", "intro": "", "envelope": "30000", "population": "9000",
        **dates, "vote_rule": "knapsack", "max_choices": "", "trustees_needed": "2",
        "council_envelopes": inline_formset([]),
        "criteria": inline_formset([{"text": "Relever de la commune"}]),
        "trustees": inline_formset([]),
        "body": streamfield([("timeline", {"budget": "", "heading": ""})]),
    })
    response = admin_client.post(f"/admin/pages/add/budget/budgetpage/{home.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    budget = BudgetPage.objects.get(slug="budget-2028")
    assert budget.envelope == 30_000 and [c.text for c in budget.criteria.all()] == ["Relever de la commune"]


def test_the_approval_rule_needs_its_number_of_choices(admin_client):
    home = make_home()
    dates = {field: moment.strftime("%Y-%m-%d %H:%M") for field, moment in dates_for(Phase.IDEAS).items()}
    data = nested_form_data({
        "title": "Budget 2028", "slug": "budget-2028", "intro": "", "envelope": "30000", "population": "",
        **dates, "vote_rule": "approval", "max_choices": "", "trustees_needed": "2",
        "council_envelopes": inline_formset([]), "criteria": inline_formset([{"text": "x"}]),
        "trustees": inline_formset([]), "body": streamfield([]),
    })
    response = admin_client.post(f"/admin/pages/add/budget/budgetpage/{home.pk}/", data)
    assert response.status_code == 200 and not BudgetPage.objects.exists()
