"""Sign-up with a confirmed e-mail, login, password reset, logout; no account leaks."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.models import Profile

from .factories import PASSWORD, make_resident

pytestmark = pytest.mark.django_db
User = get_user_model()


def sign_up(client, email, display_name="Jean"):
    return client.post(
        "/compte/signup/",
        {"display_name": display_name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_the_sign_up_page_renders_in_the_site_shell(client):
    html = client.get("/compte/signup/").content.decode()
    assert 'href="#contenu"' in html  # the site shell, with its skip link
    assert 'for="id_display_name"' in html and 'for="id_email"' in html  # every field has a visible label


def test_signing_up_needs_the_e_mail_confirmed_before_logging_in(client):
    response = sign_up(client, "Amina@Example.org", display_name="Amina")

    assert response.status_code == 302 and response["Location"] == "/compte/confirm-email/"
    user = User.objects.get(email="amina@example.org")
    assert user.profile.display_name == "Amina" and user.profile.mailbox == "amina@example.org"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["amina@example.org"]

    # Before confirmation, logging in sends them back to the confirmation step.
    client.logout()
    login = client.post("/compte/login/", {"login": "amina@example.org", "password": PASSWORD})
    assert login["Location"] == "/compte/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_confirming_the_e_mail_logs_the_resident_in_and_leads_to_the_profile(client):
    sign_up(client, "amina@example.org")
    confirm_url = link_in(mail.outbox[0])

    assert "Confirmer" in client.get(confirm_url).content.decode()
    response = client.post(confirm_url)

    assert response["Location"] == "/compte/profil/"
    assert client.get("/compte/profil/").status_code == 200
    assert User.objects.get(email="amina@example.org").emailaddress_set.get().verified


@pytest.mark.parametrize("again", ["jean@example.org", "JEAN@example.org", "jean+deux@example.org"])
def test_an_address_already_used_gets_the_same_answer_and_no_new_account(client, again):
    make_resident("jean@example.org")

    response = sign_up(client, again, display_name="Intrus")

    # Exactly what a new address gets: no hint that an account exists.
    assert response.status_code == 302 and response["Location"] == "/compte/confirm-email/"
    assert "Si un compte utilise déjà cette adresse" in client.get(response["Location"]).content.decode()
    assert User.objects.count() == 1 and not Profile.objects.filter(display_name="Intrus").exists()
    # The mailbox's owner is told instead, by e-mail.
    assert [message.to for message in mail.outbox] == [[again.lower()]]
    assert "/compte/password/reset/" in mail.outbox[0].body


def test_gmail_dots_do_not_open_a_second_account(client):
    sign_up(client, "jean.dupont@gmail.com")
    sign_up(client, "j.e.a.n.dupont@gmail.com")
    sign_up(client, "jeandupont+budget@googlemail.com")
    assert User.objects.count() == 1


def test_a_confirmed_resident_logs_in_and_out(client):
    make_resident("jean@example.org")

    login = client.post("/compte/login/", {"login": "Jean@Example.org", "password": PASSWORD})
    assert login["Location"] == "/compte/profil/"
    assert "Se déconnecter" in client.get("/recherche/").content.decode()

    client.post("/compte/logout/")
    assert "_auth_user_id" not in client.session
    assert "Se connecter" in client.get("/recherche/").content.decode()


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    make_resident("jean@example.org")
    wrong = client.post("/compte/login/", {"login": "jean@example.org", "password": "pas-le-bon"})
    unknown = client.post("/compte/login/", {"login": "personne@example.org", "password": "pas-le-bon"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client):
    make_resident("jean@example.org")

    known = client.post("/compte/password/reset/", {"email": "jean@example.org"})
    unknown = client.post("/compte/password/reset/", {"email": "personne@example.org"})

    assert known["Location"] == unknown["Location"] == "/compte/password/reset/done/"
    reset_url = link_in(next(message for message in mail.outbox if message.to == ["jean@example.org"]))
    form_url = client.get(reset_url)["Location"]
    client.post(form_url, {"password1": "un-nouveau-mot-de-passe", "password2": "un-nouveau-mot-de-passe"})
    assert client.login(username="jean", password="un-nouveau-mot-de-passe")


def test_public_pages_need_no_account(client):
    from ..home.utils import make_home

    make_home()
    assert client.get("/").status_code == 200
    assert client.get("/compte/profil/")["Location"].startswith("/compte/login/?next=")
