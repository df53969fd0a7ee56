"""What the budget plugs into: councils' open participations, residents' data download and erasure."""

import pytest
from django.utils import translation

from accounts.privacy import FORMER_RESIDENT, erase_account, export_personal_data, public_name
from budget.models import Idea, IdeaRevision
from budget.phases import Phase
from councils.participations import current_participations

from ..accounts.factories import make_resident
from ..councils.factories import CouncilFactory
from ..home.utils import make_home
from .factories import make_budget, make_idea, move_to

pytestmark = pytest.mark.django_db


def test_every_council_lists_the_budget_open_for_ideas_then_for_the_vote():
    budget = make_budget(make_home(), phase=Phase.IDEAS)
    council = CouncilFactory()
    with translation.override("en"):
        items = [item for item in current_participations(council) if item.title == budget.title]
    assert [(item.kind, item.url, item.closes_at) for item in items] == [
        ("Call for ideas", "/budget-2027/#proposer", budget.review_starts_at)]
    move_to(budget, Phase.REVIEW)
    assert not [item for item in current_participations(council) if item.title == budget.title]
    budget = move_to(budget, Phase.VOTE)
    assert [item.closes_at for item in current_participations(council) if item.title == budget.title] == [budget.vote_closes_at]


def test_ideas_join_the_download_and_stay_signed_former_resident_after_erasure():
    budget = make_budget(make_home(), phase=Phase.IDEAS)
    amina = make_resident("amina@example.org", display_name="Amina")
    idea = make_idea(budget, author=amina, title="Des bancs")
    data = export_personal_data(amina)
    assert [item["title"] for item in data["budget_ideas"]] == ["Des bancs"]
    assert data["budget_ideas"][0]["url"].endswith(f"/budget-2027/idees/{idea.pk}/")

    erase_account(amina)
    idea = Idea.objects.get()
    assert idea.author is None and public_name(idea.author) == str(FORMER_RESIDENT)
    assert IdeaRevision.objects.get().editor is None
