"""The home page lists what is open where the visitor lives: their town's, intercommunality's, département's.

Budgets, a consultation and a volunteering mission on three collectivities' sites (town A, town B, the
département), each found by its own app's hook; the home page knows none of them.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from wagtail.models import PageViewRestriction

from budget.phases import Phase
from councils.models import ConsultationIndexPage, ConsultationPage
from territories.models import Residence

from ..accounts.factories import make_resident
from ..budget.factories import make_budget
from ..councils.election_factories import open_consultation
from ..territories.conftest import Platform
from ..territories.factories import join
from ..volunteering.factories import make_association, make_index, make_mission

pytestmark = pytest.mark.django_db
A, B, DEP = "saint-aubin.localhost", "brissac.localhost", "departement.localhost"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 300}
    cache = caches["pages"]
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def territory(db):
    platform = Platform()
    platform.site_dep = join(platform.places["dep"], DEP)
    home_dep = platform.site_dep.root_page.specific
    make_budget(platform.home_a, phase=Phase.VOTE, slug="budget-a", title="Budget de Saint-Aubin")
    make_budget(platform.home_b, phase=Phase.VOTE, slug="budget-b", title="Budget de Brissac")
    make_budget(home_dep, phase=Phase.IDEAS, slug="budget-dep", title="Budget du département")
    association = make_association("Les Amis de Saint-Aubin", site=platform.site_a)
    make_index(platform.home_a)
    make_mission(association, "Nettoyage des berges")
    index = ConsultationIndexPage(title="Votes", slug="votes")
    home_dep.add_child(instance=index)
    index.save_revision().publish()
    open_consultation({"index": index, "roll": None}, title="Consultation sur les routes", slug="routes")
    return platform


def home(client, host):
    response = client.get("/", HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def lives_in(client, platform, town):
    resident = make_resident(f"{town}@example.org", display_name=town)
    Residence.objects.create(user=resident, commune=platform.places[town], postcode="49320")
    client.force_login(resident)
    return resident


def test_an_anonymous_visitor_sees_the_collectivitys_own_items_only(client, territory):
    page = home(client, A).content.decode()

    assert "Open now" in page
    assert "Budget de Saint-Aubin" in page and "Nettoyage des berges" in page
    assert "Budget du département" not in page and "Consultation sur les routes" not in page
    assert "Budget de Brissac" not in page


def test_a_resident_sees_their_towns_and_the_departements_never_another_towns(client, territory):
    lives_in(client, territory, "aubin")

    for host in (A, B, DEP):  # wherever they browse from: what is theirs
        page = home(client, host).content.decode()
        assert "Open for you now" in page and "Where you live, in Saint-Aubin-sur-Loire" in page
        assert "Budget de Saint-Aubin" in page and "Nettoyage des berges" in page
        assert "Budget du département" in page and "Consultation sur les routes" in page
        assert "Budget de Brissac" not in page, host
    # Each item on its own collectivity's host name.
    assert f"http://{DEP}/votes/routes/" in page and f"http://{DEP}/budget-dep/#proposer" in page
    assert f"http://{A}/benevolat/missions/" in page


def test_a_resident_of_the_other_town_sees_its_items_and_the_departements(client, territory):
    lives_in(client, territory, "brissac")

    page = home(client, A).content.decode()

    assert "Budget de Brissac" in page and "Budget du département" in page
    assert "Budget de Saint-Aubin" not in page and "Nettoyage des berges" not in page


def test_a_resident_without_an_address_is_invited_kindly_to_give_it(client, territory):
    client.force_login(make_resident("new@example.org", display_name="Nouveau"))

    page = home(client, B).content.decode()

    assert "Budget de Brissac" in page and "Budget du département" not in page
    assert "Tell us where you live to see what is open in your town" in page and 'href="/compte/adresse/"' in page


def test_the_personal_list_is_never_kept_in_the_page_cache(client, territory):
    assert home(client, A)["X-Page-Cache"] == "miss"
    assert home(client, A)["X-Page-Cache"] == "hit"

    lives_in(client, territory, "aubin")
    personal = home(client, A)
    assert "X-Page-Cache" not in personal and "private" in personal["Cache-Control"]
    assert "Budget du département" in personal.content.decode()

    client.logout()
    anonymous = home(client, A)
    assert anonymous["X-Page-Cache"] == "hit"
    assert "Budget du département" not in anonymous.content.decode()
    assert "Where you live" not in anonymous.content.decode()


def test_restricted_pages_are_not_listed(client, territory):
    budget = territory.site_dep.root_page.get_children().get(slug="budget-dep")
    restriction = PageViewRestriction.objects.create(page=budget, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.first())
    lives_in(client, territory, "aubin")

    page = home(client, A).content.decode()

    assert "Budget du département" not in page and "Consultation sur les routes" in page


def test_nothing_open_is_said_kindly(client, territory):
    lives_in(client, territory, "beaupreau")  # a town without a site: only the département's
    territory.site_dep.root_page.get_children().get(slug="budget-dep").specific.unpublish()
    ConsultationPage.objects.get(slug="routes").unpublish()

    page = home(client, A).content.decode()

    assert "Where you live, in Beaupréau-en-Mauges" in page
    assert "Nothing is open just now. New votes, consultations, budgets and volunteering missions will show up " \
           "here as soon as they open: come back soon!" in page
    assert "Budget de Saint-Aubin" not in page


def test_a_one_town_installation_asks_no_address(client):
    from ..budget.factories import make_budget as budget_on
    from .utils import make_home

    budget_on(make_home(), phase=Phase.VOTE, title="Budget de la ville")
    client.force_login(make_resident("seul@example.org", display_name="Seul"))

    page = home(client, "localhost").content.decode()

    assert "Budget de la ville" in page and "Open now" in page
    assert "Tell us where you live" not in page and "/compte/adresse/" not in page
