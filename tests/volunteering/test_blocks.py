"""MissionListBlock: editors put the next missions on the home page, an article or a standard page."""

import json
import re
from datetime import date, timedelta

import pytest

from home.models import HomePage, StandardPage
from volunteering.blocks import MissionListBlock
from volunteering.models import Mission, Offer

from ..accounts.factories import make_resident
from ..councils.factories import CouncilFactory
from ..home.utils import make_article, make_article_index, make_home
from .factories import make_index, make_mission, make_offer, make_skill

pytestmark = pytest.mark.django_db


def block(**value) -> list:
    return [{"type": "missions", "value": {"title": "Devenir bénévole", "council": None, "skill": None, "count": 3, **value}}]


@pytest.fixture
def home():
    return make_home()


def test_the_block_lists_the_next_missions_with_a_link_to_all(client, home, association):
    index = make_index(home)
    for number in range(4):
        make_mission(association, f"Mission {number}", starts_in=timedelta(days=number + 1))
    make_mission(association, "Passée", starts_in=-timedelta(days=1))
    HomePage.objects.filter(pk=home.pk).update(body=json.dumps(block()))
    html = client.get("/").content.decode()
    html = re.sub(r'<section class="open-now.*?</section>', "", html, flags=re.S)  # the home page's own list
    assert "Devenir bénévole" in html
    assert all(f"Mission {number}" in html for number in range(3)) and "Mission 3" not in html and "Passée" not in html
    assert f'href="{index.url}"' in html and f'href="{index.mission_url(Mission.objects.get(title="Mission 0"))}"' in html


def test_the_block_filters_by_council_and_skill(home, association):
    port = CouncilFactory(name="Port")
    garden = make_skill("Jardinage")
    make_mission(association, "Au port", council=port)
    make_mission(association, "Au jardin", skills=[garden])
    make_mission(association, "Ailleurs")
    context = MissionListBlock().get_context(MissionListBlock().to_python({"title": "B", "council": port.pk, "count": 3}))
    assert [mission.title for mission in context["missions"]] == ["Au port"]
    context = MissionListBlock().get_context(MissionListBlock().to_python({"title": "B", "skill": garden.pk, "count": 3}))
    assert [mission.title for mission in context["missions"]] == ["Au jardin"]


def test_the_block_shows_places_left_and_full_missions(client, home, association):
    make_index(home)
    mission = make_mission(association, "Presque pleine", volunteers_needed=2)
    make_offer(mission, make_resident("v@example.org"), status=Offer.Status.ACCEPTED)
    HomePage.objects.filter(pk=home.pk).update(body=json.dumps(block()))
    assert "1 bénévole recherché" in client.get("/").content.decode()
    make_offer(mission, make_resident("w@example.org"), status=Offer.Status.ACCEPTED)
    assert "Complet" in client.get("/").content.decode()


def test_an_empty_block_says_so_and_works_without_an_index_page(client, home):
    HomePage.objects.filter(pk=home.pk).update(body=json.dumps(block()))
    response = client.get("/")
    assert response.status_code == 200
    assert "Aucune mission ne cherche de bénévoles en ce moment." in response.content.decode()


def test_articles_and_standard_pages_take_the_block(client, home, association):
    make_index(home)
    make_mission(association, "Signaleurs du semi-marathon")
    article = make_article(make_article_index(home), "Le semi-marathon", date(2027, 3, 1), body=json.dumps(block()))
    standard = StandardPage(title="À propos", slug="a-propos", body=json.dumps(block(title="On recrute")))
    home.add_child(instance=standard)
    standard.save_revision().publish()
    assert "Signaleurs du semi-marathon" in client.get(article.url).content.decode()
    html = client.get(standard.url).content.decode()
    assert "On recrute" in html and "Signaleurs du semi-marathon" in html


def test_the_block_refuses_a_count_out_of_range():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        MissionListBlock().clean(MissionListBlock().to_python({"title": "B", "count": 50}))
