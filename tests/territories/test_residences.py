"""A resident says where they live (postcode, then commune) and may change it; bad input changes nothing."""

import json

import pytest
from django.utils import translation

from accounts.privacy import erase_account, export_personal_data
from territories.models import PostalCode, Residence

from ..accounts.factories import make_resident
from .factories import make_territories

pytestmark = pytest.mark.django_db
URL = "/compte/adresse/"


@pytest.fixture
def places():
    places = make_territories()
    # 49320 is shared by two communes; Saint-Aubin also has 49321.
    for code, town in (("49320", "aubin"), ("49321", "aubin"), ("49320", "brissac"), ("49120", "chemille")):
        PostalCode.objects.create(code=code, commune=places[town], label=places[town].name.upper())
    return places


@pytest.fixture
def resident(client):
    user = make_resident("lea@example.org", display_name="Léa")
    client.force_login(user)
    return user


def post(client, data, **extra):
    with translation.override("en"):
        return client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en", **extra)


def test_the_address_page_needs_an_account(client, places):
    response = client.get(URL)
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_a_postcode_of_one_commune_is_enough(client, places, resident):
    response = post(client, {"postcode": "49120"}, follow=True)

    residence = Residence.objects.get(user=resident)
    assert (residence.commune, residence.postcode) == (places["chemille"], "49120")
    assert "Your address has been saved: you live in Chemillé-en-Anjou." in response.content.decode()


def test_a_shared_postcode_asks_which_commune_then_saves_the_chosen_one(client, places, resident):
    response = post(client, {"postcode": "49320"})

    page = response.content.decode()
    assert response.status_code == 200 and not Residence.objects.exists()
    assert "Several communes share this postcode: choose yours." in page
    assert "Brissac-Loire" in page and "Saint-Aubin-sur-Loire" in page and "Chemillé-en-Anjou" not in page

    post(client, {"postcode": "49320", "commune": places["brissac"].pk})
    assert Residence.objects.get(user=resident).commune == places["brissac"]


def test_a_commune_with_two_postcodes_is_found_from_either(client, places, resident):
    post(client, {"postcode": "49321"})
    assert Residence.objects.get(user=resident).commune == places["aubin"]


@pytest.mark.parametrize("data, message", [
    ({"postcode": "99999"}, "No commune of this platform has the postcode 99999: check it."),
    ({"postcode": "4932"}, "Enter your postcode: five digits, e.g. 49320."),
    ({"postcode": "4932A"}, "Enter your postcode: five digits, e.g. 49320."),
    # A forged choice: a commune that does not have this postcode.
    ({"postcode": "49320", "commune": "chemille"}, "This commune does not have this postcode: choose one from the list."),
    ({"postcode": "49320", "commune": "dep"}, "This commune does not have this postcode: choose one from the list."),
])
def test_bad_input_is_refused_clearly_and_changes_nothing(client, places, resident, data, message):
    Residence.objects.create(user=resident, commune=places["aubin"], postcode="49321")
    if "commune" in data:
        data = {**data, "commune": places[data["commune"]].pk}

    response = post(client, data)

    assert response.status_code == 200 and message in response.content.decode()
    residence = Residence.objects.get(user=resident)
    assert (residence.commune, residence.postcode) == (places["aubin"], "49321")


def test_the_address_can_be_changed_at_any_time(client, places, resident):
    post(client, {"postcode": "49120"})
    first = Residence.objects.get(user=resident).updated_at

    response = post(client, {"postcode": "49320", "commune": places["aubin"].pk}, follow=True)

    residence = Residence.objects.get(user=resident)
    assert (residence.commune, residence.postcode) == (places["aubin"], "49320") and residence.updated_at > first
    assert Residence.objects.count() == 1
    page = response.content.decode()
    assert "Saint-Aubin-sur-Loire, Loire Métropole, Maine-et-Loire" in page  # the resident's collectivities


def test_after_saving_it_goes_back_to_the_vote_that_asked_but_never_to_another_site(client, places, resident):
    back = post(client, {"postcode": "49120", "next": "/consultations/marche/"})
    assert back["Location"] == "/consultations/marche/"
    away = post(client, {"postcode": "49120", "next": "https://evil.example/"})
    assert away["Location"] == URL


def test_the_commune_chooser_follows_the_postcode(client, places):
    found = json.loads(client.get("/compte/adresse/communes.json", {"code_postal": "49320"}).content)
    assert [commune["name"] for commune in found["communes"]] == ["Brissac-Loire", "Saint-Aubin-sur-Loire"]
    assert json.loads(client.get("/compte/adresse/communes.json", {"code_postal": "' OR 1=1"}).content) == {"communes": []}


def test_the_profile_page_shows_the_address_and_links_to_it(client, places, resident):
    with translation.override("en"):
        page = client.get("/compte/profil/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My address" in page and "Give my address" in page and URL in page

    Residence.objects.create(user=resident, commune=places["brissac"], postcode="49320")
    with translation.override("en"):
        page = client.get("/compte/profil/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You live in 49320 Brissac-Loire" in page and "Change my address" in page


def test_the_residence_is_in_the_download_and_goes_with_the_account(places, resident):
    Residence.objects.create(user=resident, commune=places["brissac"], postcode="49320")

    data = export_personal_data(resident)

    assert data["residence"]["postcode"] == "49320" and data["residence"]["commune_code"] == "49050"
    assert [place.split(" (")[0] for place in data["residence"]["collectivities"]] == [
        "Brissac-Loire", "Loire Métropole", "Maine-et-Loire"]
    erase_account(resident)
    assert not Residence.objects.exists()
