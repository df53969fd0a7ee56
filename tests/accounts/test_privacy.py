"""GDPR: a resident downloads all their data and erases their account; apps plug in through hooks."""

import json

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from wagtail import hooks

from accounts.models import Profile
from accounts.privacy import ERASE_HOOK, EXPORT_HOOK, erase_account, export_personal_data, public_name

from ..councils.factories import CouncilFactory
from .factories import PASSWORD, make_resident

pytestmark = pytest.mark.django_db
User = get_user_model()


def failed_login(username, ip="10.0.0.1"):
    return AccessAttempt.objects.create(
        username=username, ip_address=ip, user_agent="Firefox", get_data="", post_data="", http_accept="",
        path_info="/compte/login/", failures_since_start=1,
    )


@pytest.fixture
def resident(client):
    user = make_resident(
        "jean@example.org", display_name="Jean", council=CouncilFactory(name="Loire"), birth_year=1980,
        notify_idea_reviewed=True,
    )
    client.force_login(user)
    return user


def test_the_download_holds_everything_stored_about_the_resident(client, resident):
    failed_login("jean@example.org")
    failed_login("someone-else@example.org")

    response = client.get("/compte/profil/mes-donnees.json")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="parvis-mes-donnees-')
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "jean@example.org"
    assert data["email_addresses"] == [{"email": "jean@example.org", "verified": True, "primary": True}]
    assert data["profile"] == {
        "public_name": "Jean",
        "council": "Loire",
        "birth_year": 1980,
        "notifications": {"vote_opened": False, "results_published": False, "idea_reviewed": True},
    }
    assert [record["ip_address"] for record in data["login_records"]] == ["10.0.0.1"]


def test_other_apps_add_their_sections_to_the_download(resident):
    def ideas(user):
        return {"ideas": [{"title": f"Idée de {user.profile.display_name}"}]}

    with hooks.register_temporarily(EXPORT_HOOK, ideas):
        data = export_personal_data(resident)

    assert data["ideas"] == [{"title": "Idée de Jean"}]


def test_the_download_and_deletion_are_for_the_logged_in_resident_only(client):
    assert client.get("/compte/profil/mes-donnees.json")["Location"].startswith("/compte/login/")
    assert client.post("/compte/profil/supprimer/", {"password": "x"})["Location"].startswith("/compte/login/")


def test_deleting_the_account_needs_its_password(client, resident):
    response = client.post("/compte/profil/supprimer/", {"password": "pas-le-bon"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"password": ["Ce n’est pas votre mot de passe."]}
    assert User.objects.filter(pk=resident.pk).exists()


def test_deleting_the_account_erases_personal_data_and_logs_out(client, resident):
    failed_login("jean@example.org")
    other = failed_login("someone-else@example.org")

    response = client.post("/compte/profil/supprimer/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert not User.objects.filter(pk=resident.pk).exists()
    assert not Profile.objects.exists() and not EmailAddress.objects.exists()
    assert list(AccessAttempt.objects.all()) == [other]
    assert "_auth_user_id" not in client.session


def test_published_contributions_stay_signed_former_resident():
    """The pattern other apps follow in their ERASE_HOOK: detach, then show ``public_name(None)``."""
    author = make_resident("amina@example.org", display_name="Amina")
    published = {"author": author}

    def anonymise(user):
        assert user.pk == author.pk  # runs before the account is gone
        published["author"] = None

    assert public_name(published["author"]) == "Amina"
    assert public_name(make_resident("anonyme@example.org", display_name="")) == "un habitant"
    with hooks.register_temporarily(ERASE_HOOK, anonymise):
        erase_account(author)

    assert public_name(published["author"]) == "ancien habitant"


def test_an_erase_hook_failing_keeps_the_account_whole(resident):
    def broken(user):
        raise RuntimeError("budget is down")

    with hooks.register_temporarily(ERASE_HOOK, broken), pytest.raises(RuntimeError):
        erase_account(resident)

    assert User.objects.filter(pk=resident.pk).exists() and Profile.objects.filter(user=resident).exists()
