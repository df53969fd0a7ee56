"""GDPR on a platform of several collectivities: one download and one deletion cover every site."""

import json

import pytest

from budget.models import Idea
from budget.phases import Phase
from territories.models import Residence
from volunteering.models import Offer

from ..budget.factories import make_budget, make_idea
from ..territories.conftest import Platform
from ..territories.factories import join
from ..volunteering.factories import make_association, make_mission, make_offer
from .factories import PASSWORD, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(client):
    """A resident of town A with an idea on A's budget and the département's, and an offer to a mission of B."""
    platform = Platform()
    site_dep = join(platform.places["dep"], "departement.localhost")
    user = make_resident("jeanne@example.org", display_name="Jeanne")
    Residence.objects.create(user=user, commune=platform.a, postcode="49320")
    make_idea(make_budget(platform.home_a, phase=Phase.IDEAS, slug="budget-a"), author=user, title="Bancs au port")
    make_idea(make_budget(site_dep.root_page.specific, phase=Phase.IDEAS, slug="budget-dep"), author=user,
              title="Piste cyclable départementale")
    mission = make_mission(make_association("Brissac Solidaire", site=platform.site_b), "Banque alimentaire")
    make_offer(mission, user, message="Je viens le samedi.")
    client.force_login(user)
    client.defaults["HTTP_HOST"] = "saint-aubin.localhost"
    return user


def test_the_download_holds_the_residence_and_what_is_theirs_on_every_site(client, resident):
    data = json.loads(client.get("/compte/profil/mes-donnees.json").content)

    assert data["residence"]["commune"] == "Saint-Aubin-sur-Loire" and data["residence"]["postcode"] == "49320"
    assert {idea["title"] for idea in data["budget_ideas"]} == {"Bancs au port", "Piste cyclable départementale"}
    assert [offer["mission"] for offer in data["volunteering_offers"]] == ["Banque alimentaire"]
    urls = {idea["url"].split("/")[2] for idea in data["budget_ideas"]}
    assert urls == {"saint-aubin.localhost", "departement.localhost"}  # each on its own site


def test_deleting_the_account_from_one_site_erases_it_on_every_site(client, resident):
    response = client.post("/compte/profil/supprimer/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not Residence.objects.exists()
    assert set(Idea.objects.values_list("title", "author")) == {
        ("Bancs au port", None), ("Piste cyclable départementale", None)}  # published, signed “former resident”
    offer = Offer.objects.get()
    assert offer.volunteer is None and offer.message == ""
