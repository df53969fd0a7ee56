"""The town's statistics: ideas per council and category, participants, votes, registered share, age bands, CSV."""

import csv
import io

import pytest
from django.utils import translation

from budget import services
from budget.models import Idea
from budget.phases import Phase

from ..accounts.factories import make_resident
from ..councils.factories import CouncilFactory
from ..home.utils import make_home
from .factories import make_budget, make_idea, play_vote

pytestmark = pytest.mark.django_db


def test_statistics_count_ideas_participants_voters_and_age_bands():
    budget = make_budget(make_home(), phase=Phase.IDEAS, population=10)
    year = budget.vote_opens_at.year
    tilleuls = CouncilFactory(name="Tilleuls")
    young = make_resident("jeune@example.org", birth_year=year - 20)
    old = make_resident("ancien@example.org", birth_year=year - 80)
    make_resident("silent@example.org")  # registered, took no part
    a = make_idea(budget, author=young, council=tilleuls, category=Idea.Category.SPORT, title="A", cost=1_000)
    b = make_idea(budget, author=young, category=Idea.Category.SPORT, title="B", cost=2_000)
    make_idea(budget, author=old, council=tilleuls, category=Idea.Category.CULTURE, title="C")
    play_vote(budget, [a, b], [[a], [b]])  # two voters without a birth year

    with translation.override("en"):
        stats = services.statistics(budget=budget)
        rows = list(csv.reader(io.StringIO(services.statistics_csv(stats))))
    assert stats["ideas"] == 3 and stats["authors"] == 2
    assert dict(stats["by_council"]) == {"Tilleuls": 2, "Whole town": 1}
    assert stats["by_category"][0] == ("sport and leisure", 2)
    assert stats["votes"] == 2 and stats["participants"] == 4
    assert stats["registered"] == 3 and stats["registered_percent"] == 30.0
    bands = dict(stats["age_bands"])
    assert bands["18-24"] == 1 and bands["75+"] == 1 and bands["not given"] == 2 and bands["35-44"] == 0

    assert rows[0] == ["section", "label", "value"]
    assert ["ideas per neighbourhood", "Tilleuls", "2"] in rows
    assert ["totals", "share of the population registered (%)", "30.0"] in rows


def test_age_bands_edges():
    assert services.age_band(2000, 2018) == "18-24"
    assert services.age_band(2000, 2017) == "< 18"
    assert services.age_band(2000, 2025) == "25-34"
    assert services.age_band(1950, 2025) == "75+"
    assert services.age_band(None, 2025) is None


def test_statistics_need_a_constant_number_of_queries(django_assert_max_num_queries):
    budget = make_budget(make_home(), phase=Phase.IDEAS)
    for number in range(30):
        make_idea(budget, title=f"Idée {number}", author=make_resident(f"r{number}@example.org", birth_year=1980 + number))
    with django_assert_max_num_queries(12):
        services.statistics(budget=budget)
