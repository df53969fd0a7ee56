"""Uncached pages cost a constant, small number of SQL queries, whatever the town's size (issue 17).

The same pages are measured in a small town and after it grew to election-day
size (500 ideas, 135 candidates over 8 councils, 500 missions, 200 articles),
with the page cache off and the site, settings and menu kept between
requests as in production (``pagecache.shared``). Rows are
bulk-inserted: the demo loader's ``--election-day`` takes minutes.
"""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budget.models import Idea
from councils.models import Candidate, ElectionCouncil
from volunteering.models import Mission

from ..budget.factories import make_budget
from ..councils.election_factories import make_election, make_town
from ..councils.factories import CouncilFactory, make_council_index, make_council_page
from ..home.utils import make_article, make_article_index
from ..volunteering.factories import make_association, make_index, make_mission

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 0, "SHARED": True}
    cache = caches["pages"]
    cache.clear()
    yield
    cache.clear()


def small_town():
    town = make_town()
    home = town["home"]
    home.body = [("missions", {"title": "Devenir bénévole", "council": None, "skill": None, "count": 3})]
    home.save_revision().publish()
    articles = make_article_index(home)
    article = make_article(articles, "Voter en ligne", timezone.localdate())
    council_page = make_council_page(make_council_index(home), town["centre"], title="Conseil du Centre")
    budget = make_budget(home)
    Idea.objects.bulk_create(  # a few, like the demo: an empty gallery is a different page
        Idea(budget=budget, title=f"Idée {n}", description="Une idée.", cost=1000 + n, category=Idea.Category.values[0])
        for n in range(6)
    )
    election = make_election(town)
    for name in ("Alice Morel", "Bruno Roy"):
        Candidate.objects.create(election=election, council=town["centre"], name=name, statement="Je me présente.",
                                 status=Candidate.Status.APPROVED)
    association = make_association()
    make_mission(association)
    volunteering = make_index(home)
    pages = {"home": "/", "article": article.url, "council": council_page.url, "budget": budget.url,
             "election": election.url, "volunteering": volunteering.url}
    return town, pages, {"articles": articles, "budget": budget, "election": election, "association": association}


def grow(town, parts) -> None:
    """To election-day size, by bulk inserts (and six more councils in the election)."""
    election, budget = parts["election"], parts["budget"]
    councils = [town["centre"], town["pres"]] + [CouncilFactory(name=f"Quartier {n}") for n in range(6)]
    election.council_seats = [ElectionCouncil(council=council, seats=3) for council in councils]
    election.save_revision().publish()
    Candidate.objects.bulk_create(
        Candidate(election=election, council=councils[n % 8], name=f"Candidat {n}", statement="Je me présente.",
                  status=Candidate.Status.APPROVED)
        for n in range(Candidate.objects.count(), 135)
    )
    Idea.objects.bulk_create(
        Idea(budget=budget, title=f"Idée {n}", description="Une idée.", cost=1000 + n, category=Idea.Category.values[0])
        for n in range(budget.ideas.count(), 500)
    )
    now, association = timezone.now(), parts["association"]
    Mission.objects.bulk_create(
        Mission(association=association, title=f"Mission {n}", slug=f"mission-{n}", description="Un coup de main.",
                place="Salle", volunteers_needed=5, starts_at=now + timedelta(days=1 + n % 30),
                ends_at=now + timedelta(days=1 + n % 30, hours=3))
        for n in range(Mission.objects.count(), 500)
    )
    for n in range(parts["articles"].get_children().count(), 200):
        make_article(parts["articles"], f"Article {n}", timezone.localdate() - timedelta(days=n + 1))


def queries(client, pages) -> dict[str, int]:
    counts = {}
    for name, path in pages.items():
        for _ in range(2):  # warms what is kept between requests (the first request starts the generation)
            assert client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        counts[name] = len(captured)
    return counts


def test_pages_cost_the_same_few_queries_in_a_small_town_and_on_election_day(client):
    town, pages, parts = small_town()
    small = queries(client, pages)
    grow(town, parts)
    big = queries(client, pages)

    assert big == small
    assert all(count <= MAX_QUERIES for count in big.values()), big


def test_the_first_visitor_after_a_change_pays_the_same_few_queries_at_both_sizes(client, settings):
    """Shared fragments never kept: every page renders its lists, as the first request of a generation does."""
    settings.PARVIS_PAGE_CACHE = {**settings.PARVIS_PAGE_CACHE, "FRAGMENT_SECONDS": 0}
    town, pages, parts = small_town()
    small = queries(client, pages)
    grow(town, parts)
    big = queries(client, pages)

    assert big == small
    assert all(count <= MAX_QUERIES for count in big.values()), big
