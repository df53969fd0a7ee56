"""Councils and their territory, edited by communications staff in the Wagtail admin."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from councils.models import Council

from .factories import CouncilFactory

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/snippets/councils/council/add/"


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@ville.example", "x"))
    return client


def council_form(**overrides):
    data = {
        "name": "Les Tilleuls",
        "slug": "",
        "colour": "#2e7d32",
        "logo": "",
        "email": "tilleuls@ville.example",
        "areas": inline_formset([{"postcode": "49000", "street": "12 r. des Tilleuls"}, {"postcode": "49100", "street": ""}]),
        "polling_stations": inline_formset([{"code": "3", "name": "Gymnase des Tilleuls"}]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_a_council_and_its_territory_are_created_in_one_form(admin_client):
    response = admin_client.post(ADD_URL, council_form())

    assert response.status_code == 302
    council = Council.objects.get()
    assert council.slug == "les-tilleuls"
    assert list(council.areas.values_list("postcode", "street_key")) == [("49000", "rue des tilleuls"), ("49100", "")]
    assert list(council.polling_stations.values_list("code", flat=True)) == ["3"]


def test_a_polling_station_belongs_to_a_single_council(admin_client):
    CouncilFactory(name="Centre", stations=["3"], site=Site.objects.get(is_default_site=True))

    response = admin_client.post(ADD_URL, council_form())

    assert response.status_code == 200
    assert "Un conseil de cette collectivité a déjà un bureau de vote avec ce numéro." in response.content.decode()
    assert not Council.objects.filter(name="Les Tilleuls").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"colour": "#ffd700"}, "difficile à lire"),
        ({"areas": inline_formset([{"postcode": "4900", "street": ""}])}, "code postal à cinq chiffres"),
        ({"areas": inline_formset([])}, "Veuillez soumettre au moins 1"),
    ],
)
def test_bad_territory_or_colour_is_refused_with_a_message(admin_client, overrides, message):
    response = admin_client.post(ADD_URL, council_form(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Council.objects.exists()


def test_the_listing_filters_councils_by_postcode(admin_client):
    CouncilFactory(name="Centre", areas=[("49000", "Rue Nationale"), ("49000", "Rue de la Poste")])
    CouncilFactory(name="Loire", areas=[("49100", "")])

    response = admin_client.get("/admin/snippets/councils/council/", {"postcode": "49000"})

    assert [council.name for council in response.context["object_list"]] == ["Centre"]
