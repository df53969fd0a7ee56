"""A resident's profile: public name, council suggested from the postcode, birth year, notifications."""

import re

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Profile

from ..councils.factories import CouncilFactory
from .factories import make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(client):
    user = make_resident("jean@example.org", display_name="Jean")
    client.force_login(user)
    return user


def save(client, **fields):
    data = {"display_name": "Jean", "council": "", "postcode": "", "birth_year": "", **fields}
    return client.post("/compte/profil/", data)


def test_the_profile_is_private(client):
    assert client.get("/compte/profil/")["Location"] == "/compte/login/?next=/compte/profil/"


def test_a_resident_changes_their_name_and_notifications(client, resident):
    response = save(client, display_name="Jean D.", birth_year="1980", notify_vote_opened="on")

    assert response["Location"] == "/compte/profil/"
    profile = Profile.objects.get(user=resident)
    assert (profile.display_name, profile.birth_year) == ("Jean D.", 1980)
    assert profile.notify_vote_opened and not profile.notify_results_published and not profile.notify_idea_reviewed
    assert "Votre profil a été enregistré." in client.get("/compte/profil/").content.decode()


def test_the_postcode_suggests_the_council_and_is_not_stored(client, resident):
    loire = CouncilFactory(name="Loire", areas=[("49100", "")])

    save(client, postcode="49 100")

    assert Profile.objects.get(user=resident).council == loire
    assert "49100" not in str(Profile.objects.filter(user=resident).values().get())


def test_a_council_chosen_in_the_list_wins_over_the_postcode(client, resident):
    CouncilFactory(name="Loire", areas=[("49100", "")])
    centre = CouncilFactory(name="Centre", areas=[("49000", "")])

    save(client, council=centre.pk, postcode="49100")

    assert Profile.objects.get(user=resident).council == centre


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"postcode": "75001"}, "postcode", "Aucun conseil ne couvre ce code postal."),
        ({"postcode": "4910"}, "postcode", "code postal à cinq chiffres"),
        ({"birth_year": "2999"}, "birth_year", "entre 1900 et cette année"),
        ({"display_name": "x" * 61}, "display_name", "au plus 60 caractères"),
    ],
)
def test_bad_input_is_refused_with_a_message_on_its_field(client, resident, fields, field, message):
    CouncilFactory(name="Loire", areas=[("49100", "")])
    response = save(client, **fields)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', response.content.decode())  # error tied to field


def test_staff_made_in_the_admin_get_a_profile_on_first_visit(client):
    staff = get_user_model().objects.create_user("redaction", "redaction@ville.example", "x")
    client.force_login(staff)

    assert client.get("/compte/profil/").status_code == 200
    assert Profile.objects.filter(user=staff, display_name="", mailbox="").exists()
