"""How projects win (greedy or equal shares): chosen on the budget page, frozen in the manifest."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from budget import services
from budget.exceptions import InvalidData
from budget.models import BudgetPage, CouncilEnvelope, FinalistVote
from voting.manifest import EQUAL_SHARES, GREEDY, winners_rule

from ..councils.factories import CouncilFactory
from ..home.utils import make_home
from .factories import make_budget, make_idea, select

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_default_rule_is_greedy_and_is_frozen_in_the_manifest():
    budget = make_budget(make_home())
    contest = select(budget, [make_idea(budget, title=f"P{n}") for n in range(2)])
    assert contest.winners_rule == GREEDY
    assert contest.manifest["winners_rule"] == GREEDY and winners_rule(contest.manifest) == GREEDY


def test_equal_shares_reaches_the_contest_with_the_envelope_whatever_the_ballot():
    budget = make_budget(make_home(), winners_rule=BudgetPage.WinnersRule.EQUAL_SHARES,
                         vote_rule=BudgetPage.VoteRule.APPROVAL, max_choices=2)
    contest = select(budget, [make_idea(budget, title=f"P{n}", cost=1_000 * (n + 1)) for n in range(3)])
    assert contest.winners_rule == EQUAL_SHARES and contest.envelope == 20_000
    assert contest.manifest["winners_rule"] == EQUAL_SHARES and winners_rule(contest.manifest) == EQUAL_SHARES
    assert contest.manifest["format"] == "parvis-manifest/3"
    assert "Method of Equal Shares" in services.winners_rule_text(budget)


def test_changing_the_rule_after_the_finalist_vote_is_sealed_is_refused_and_nothing_changes():
    budget = make_budget(make_home(), winners_rule=BudgetPage.WinnersRule.EQUAL_SHARES)
    select(budget, [make_idea(budget, title=f"P{n}") for n in range(2)])
    page = BudgetPage.objects.get(pk=budget.pk)
    page.winners_rule = BudgetPage.WinnersRule.GREEDY
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "can no longer change" in str(error.value.message_dict["winners_rule"])
    page.winners_rule = BudgetPage.WinnersRule.EQUAL_SHARES
    page.full_clean()  # the same rule is fine: other fields stay editable
    contest = FinalistVote.objects.get(budget=budget).contest
    assert contest.manifest["winners_rule"] == EQUAL_SHARES


def test_the_rule_can_change_freely_before_the_finalists_are_selected():
    budget = make_budget(make_home())
    budget.winners_rule = BudgetPage.WinnersRule.EQUAL_SHARES
    budget.full_clean()


def test_equal_shares_with_council_envelopes_is_refused_at_selection_and_nothing_is_created():
    budget = make_budget(make_home(), winners_rule=BudgetPage.WinnersRule.EQUAL_SHARES)
    CouncilEnvelope.objects.create(page=budget, council=CouncilFactory(), amount=5_000)
    ideas = [make_idea(budget, title=f"P{n}") for n in range(2)]
    with pytest.raises(InvalidData) as error:
        select(budget, ideas, seal=False)
    assert "council envelopes" in str(error.value.errors)
    assert not FinalistVote.objects.filter(budget=budget).exists()


def test_a_manifest_with_an_unknown_rule_or_equal_shares_without_envelope_is_unusable():
    budget = make_budget(make_home())
    contest = select(budget, [make_idea(budget, title=f"P{n}") for n in range(2)])
    with pytest.raises(ValueError, match="unknown winners rule"):
        winners_rule(dict(contest.manifest, winners_rule="lottery"))
    with pytest.raises(ValueError, match="envelope"):
        winners_rule(dict(contest.manifest, winners_rule=EQUAL_SHARES, envelope=None))
    older = {k: v for k, v in contest.manifest.items() if k != "winners_rule"} | {"format": "parvis-manifest/2"}
    assert winners_rule(older) == GREEDY  # before /3 projects could only win greedily


def test_the_page_editor_explains_both_rules_in_plain_words(client):
    from django.contrib.auth import get_user_model

    budget = make_budget(make_home())
    from .test_pabulib_admin import english_admin

    admin = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    english_admin(admin)
    client.force_login(admin)
    html = client.get(f"/admin/pages/{budget.pk}/edit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How projects win: the two rules" in html
    assert "a majority can take every project" in html and "equal part of the envelope" in html
    assert 'name="winners_rule"' in html
    assert "<strong>Method of Equal Shares</strong>" in html and "&lt;strong&gt;" not in html  # markup, not text


def test_an_equal_shares_edition_funds_the_minoritys_project_where_greedy_would_not():
    from budget.models import Idea

    from .factories import play_vote

    budget = make_budget(make_home(), winners_rule=BudgetPage.WinnersRule.EQUAL_SHARES)
    square = make_idea(budget, title="Place", cost=12_000)
    lights = make_idea(budget, title="Éclairage", cost=8_000)
    garden = make_idea(budget, title="Jardin", cost=7_000)
    play_vote(budget, [square, lights, garden], [[square, lights]] * 6 + [[garden]] * 3)
    results = services.budget_results(budget=budget)
    # Tied supporters, the cheaper first (cost utilities): the majority's share pays for the lights,
    # and no longer for the square; the minority's share pays for its garden.
    assert {p.idea.title for p in results.winners} == {"Éclairage", "Jardin"}
    assert results.spent == 15_000
    unfunded = next(p for p in results.projects if p.idea == square)
    assert unfunded.votes == 6 and "more voted than a winner" in unfunded.reason
    assert next(p for p in results.projects if p.idea == garden).payments  # its 3 supporters paid
    assert set(services.record_winners(budget=budget)) == {lights.pk, garden.pk}
    assert set(Idea.objects.filter(status=Idea.Status.WINNER)) == {lights, garden}
    # Greedy over the same votes would have funded the majority's two projects only.
    greedy = services.pick_within_envelope(services.rank_projects(
        [services.RankedProject(idea=p.idea, votes=p.votes) for p in results.projects]), envelope=20_000)
    assert {p.idea.title for p in greedy if p.winner} == {"Place", "Éclairage"}
