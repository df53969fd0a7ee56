"""Two committee members selecting the finalists at the same instant create one vote, proven on PostgreSQL."""

import pytest
from django.db import connection

from budget import services
from budget.exceptions import NotAllowed
from budget.models import FinalistVote, Idea
from budget.phases import Phase
from voting.models import Contest

from ..home.utils import make_home
from ..voting.test_concurrency import run_concurrently
from .factories import make_budget, make_idea

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


def test_concurrent_selections_seal_exactly_one_finalist_vote(migrated_data):
    budget = make_budget(make_home(), phase=Phase.REVIEW)
    ideas = [make_idea(budget, title=f"Projet {n}", status=Idea.Status.ELIGIBLE) for n in range(3)]

    outcomes = run_concurrently(lambda i: services.select_finalists(budget=budget, ideas=ideas[: 2 + i % 2], actor=None), 4)

    contests = [o for o in outcomes if isinstance(o, Contest)]
    assert len(contests) == 1, outcomes
    assert all(isinstance(o, NotAllowed) for o in outcomes if not isinstance(o, Contest)), outcomes
    assert Contest.objects.count() == 1 and FinalistVote.objects.count() == 1
    assert Idea.objects.filter(status=Idea.Status.FINALIST).count() == contests[0].options.count()
