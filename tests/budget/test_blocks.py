"""The budget's blocks change by themselves with the phase; the gallery filters and costs constant queries."""

import pytest
from django.urls import reverse
from django.utils import translation

from budget.models import Idea
from budget.phases import Phase

from ..accounts.factories import make_resident
from ..councils.factories import CouncilFactory
from ..home.utils import make_home
from .factories import make_budget, make_idea, move_to, play_vote, select

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget():
    return make_budget(make_home(), phase=Phase.UPCOMING)


def page_html(client, budget, query=""):
    with translation.override("en"):
        response = client.get(budget.url + query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_the_submission_block_follows_the_phase(client, budget):
    assert "The call for ideas opens on" in page_html(client, budget)
    move_to(budget, Phase.IDEAS)
    html = page_html(client, budget)
    assert "Log in to propose an idea" in html and "Relève des compétences de la commune" in html
    client.force_login(make_resident("amina@example.org"))
    html = page_html(client, budget)
    assert 'enctype="multipart/form-data"' in html and 'name="cost"' in html and "Soyez concrets." in html
    client.force_login(make_resident("paul@example.org", verified=False))
    assert "Confirm your e-mail address to propose an idea" in page_html(client, budget)
    move_to(budget, Phase.REVIEW)
    html = page_html(client, budget)
    assert "The call for ideas is closed" in html and 'name="cost"' not in html


def test_the_timeline_marks_the_current_phase(client, budget):
    move_to(budget, Phase.VOTE)
    html = page_html(client, budget)
    current = html.split('aria-current="step"')[1].split("</li>")[0]
    assert "Vote" in current


def test_the_finalist_vote_block_wraps_the_ballot(client, budget):
    assert "will announce the finalists" in page_html(client, budget)
    ideas = [make_idea(budget, title="Bancs", cost=3_000), make_idea(budget, title="Jeux", cost=9_000)]
    contest = select(budget, ideas)
    move_to(budget, Phase.VOTE)
    client.force_login(make_resident("amina@example.org"))
    html = page_html(client, budget)
    # The ballot's form sends the ballot encrypted on the device straight to the cast view (no confirm step).
    assert f'id="vote-{contest.pk}"' in html and f'action="{reverse("voting:cast", args=[contest.pk])}"' in html
    assert "Choose projects whose total cost fits within 20000 EUR" in html
    assert f'href="/budget-2027/idees/{ideas[0].pk}/"' in html


def test_the_results_block_shows_winners_votes_turnout_and_the_rule(client, budget):
    assert "The results will be published on" in page_html(client, budget)
    skate = make_idea(budget, title="Skatepark", cost=12_000)
    jeux = make_idea(budget, title="Aire de jeux", cost=9_000)
    bancs = make_idea(budget, title="Bancs", cost=3_000)
    play_vote(budget, [skate, jeux, bancs], [[skate], [skate, bancs], [skate], [jeux], [jeux]])
    html = page_html(client, budget)
    results = html.split('id="resultats"')[1].split("</section>")[0]
    assert "2 projects will be carried out, for 15000 EUR out of the 20000 EUR envelope" in results
    table = results.split("<table")[1]
    assert table.index("Skatepark") < table.index("Aire de jeux") < table.index("Bancs")
    assert "does not fit: 8000 EUR left" in results and "taken in that order while" in results
    assert "5 voters" in results and 'class="result-bar"' in results and "<caption" in results


def test_the_gallery_filters_by_council_category_and_state(client, budget):
    tilleuls = CouncilFactory(name="Tilleuls")
    make_idea(budget, title="Jardin des Tilleuls", council=tilleuls, category=Idea.Category.ENVIRONMENT)
    make_idea(budget, title="Skatepark", category=Idea.Category.SPORT, status=Idea.Status.ELIGIBLE)
    html = page_html(client, budget)
    assert "Jardin des Tilleuls" in html and "Skatepark" in html and "2 ideas" in html
    html = page_html(client, budget, f"?council={tilleuls.pk}")
    assert "Jardin des Tilleuls" in html and "Skatepark" not in html
    html = page_html(client, budget, "?category=sport&status=eligible")
    assert "Skatepark" in html and "Jardin des Tilleuls" not in html
    assert "1 idea" in page_html(client, budget, "?status=submitted")


def test_the_gallery_pages_and_its_queries_do_not_grow_with_the_ideas(client, budget, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..home.utils import make_image

    image = make_image()
    move_to(budget, Phase.IDEAS)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page_html(client, budget)
        return len(captured)

    for number in range(5):
        make_idea(budget, title=f"Idée {number}", image=image)
    page_html(client, budget)  # renditions created once
    few = queries()
    Idea.objects.bulk_create(Idea(budget=budget, title=f"Idée {n}", description="…", cost=10, image=image) for n in range(5, 120))
    many = queries()
    assert many == few
    html = page_html(client, budget, "?page=2")
    assert "Page 2 of 5" in html


def test_blocks_can_show_another_budget_from_a_standard_page(client, budget):
    move_to(budget, Phase.IDEAS)
    make_idea(budget, title="Des bancs")
    home = budget.get_parent().specific
    from budget.blocks import BudgetStreamBlock

    stream = BudgetStreamBlock()
    value = stream.to_python([{"type": "idea_gallery", "value": {"budget": budget.pk, "heading": "", "per_page": 24}}])
    html = value.render_as_block(context={"request": client.get("/").wsgi_request, "page": home})
    assert "Des bancs" in html
