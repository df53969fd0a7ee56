"""Signing in with FranceConnect, end to end against a real OpenID Connect provider on 127.0.0.1.

The provider (tests/oidc_provider: django-oauth-toolkit, RS256, signed
userinfo as FranceConnect v2) runs in its own process. Parvis talks to it
over HTTP for discovery, keys, token and userinfo; the browser's hops
through the provider's login page are walked with ``requests``.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

from accounts.models import CertifiedIdentity

from .factories import PASSWORD, make_resident
from .oidc import CLIENT_ID, running_provider, sign_in_at_provider

pytestmark = pytest.mark.django_db
User = get_user_model()
LOGIN = "/compte/franceconnect/login/"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("oidc"), parvis_base="http://testserver") as provider:
        yield provider


@pytest.fixture
def franceconnect(settings, oidc_provider):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_provider.parvis_settings()
    settings.LANGUAGE_CODE = "en"
    return oidc_provider


def start(client) -> str:
    """Click the FranceConnect button: Parvis answers with a redirect to the provider."""
    response = client.post(LOGIN)
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def nothing_written() -> bool:
    return not (User.objects.exists() or SocialAccount.objects.exists() or CertifiedIdentity.objects.exists())


def test_a_resident_signs_in_and_lands_signed_in_with_their_identity_stored(client, franceconnect):
    authorize = start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{franceconnect.url}/authorize/")
    assert query["acr_values"] == ["eidas1"] and query["client_id"] == [CLIENT_ID]
    assert len(query["nonce"][0]) >= 32 and query["state"][0] and query["response_type"] == ["code"]
    assert set(query["scope"][0].split()) == {
        "openid", "given_name", "family_name", "birthdate", "birthplace", "gender", "preferred_username"}

    response = come_back(client, sign_in_at_provider(authorize, "marie"))

    assert response.status_code == 302 and response["Location"] == "/compte/profil/"
    user = User.objects.get()
    assert client.get("/compte/profil/").status_code == 200  # signed in
    identity = CertifiedIdentity.objects.get(user=user)
    assert (identity.provider, identity.birth_name, identity.given_names, identity.usage_name) == (
        "franceconnect", "MARTIN", "Marie Anne", "DUPONT")
    assert str(identity.birth_date) == "1980-07-14" and identity.birthplace == "75056" and identity.gender == "female"
    assert SocialAccount.objects.get(user=user).provider == "franceconnect" and not user.email


def test_signing_in_again_reuses_the_account(client, franceconnect):
    come_back(client, sign_in_at_provider(start(client), "marie"))
    client.logout()
    come_back(client, sign_in_at_provider(start(client), "marie"))
    assert User.objects.count() == 1 and CertifiedIdentity.objects.count() == 1


@pytest.mark.parametrize(
    "person",
    ["forged-signature", "expired", "other-audience", "wrong-nonce", "low-acr", "other-subject"],
)
def test_spoiled_answers_are_refused_with_a_clear_message_and_nothing_changes(client, franceconnect, person):
    response = come_back(client, sign_in_at_provider(start(client), person))
    assert response.status_code == 302 and response["Location"] == "/compte/login/"
    assert "could not be verified" in messages_of(response)
    assert nothing_written() and "_auth_user_id" not in client.session


def test_a_forged_state_is_refused(client, franceconnect):
    callback = sign_in_at_provider(start(client), "marie")
    response = client.get(urlsplit(callback).path, {"code": parse_qs(urlsplit(callback).query)["code"][0],
                                                    "state": "forged-state"})
    assert response["Location"] == "/compte/login/" and "already used or has expired" in messages_of(response)
    assert nothing_written()


def test_a_replayed_answer_is_refused(client, franceconnect):
    callback = sign_in_at_provider(start(client), "marie")
    come_back(client, callback)
    client.logout()
    accounts = User.objects.count()
    replay = come_back(client, callback)
    assert replay["Location"] == "/compte/login/" and "_auth_user_id" not in client.session
    assert User.objects.count() == accounts == 1


def test_an_answer_meant_for_another_browser_is_refused(client, franceconnect, django_user_model):
    """Login CSRF: an attacker's callback (their code and state) opened in a victim's browser."""
    from django.test import Client

    attacker = Client()
    callback = sign_in_at_provider(start(attacker), "marie")
    response = come_back(client, callback)
    assert response["Location"] == "/compte/login/" and nothing_written()


def test_a_provider_that_is_down_gets_a_clear_message_and_e_mail_login_still_works(client, settings):
    settings.LANGUAGE_CODE = "en"
    settings.SOCIALACCOUNT_PROVIDERS = {"franceconnect": {
        "APPS": [{"provider_id": "franceconnect", "name": "FranceConnect", "client_id": CLIENT_ID, "secret": "x",
                  "settings": {"server_url": "http://127.0.0.1:9/o"}}],  # nothing listens on port 9
        "AUTH_PARAMS": {"acr_values": "eidas1"},
    }}
    response = client.post(LOGIN)
    assert response.status_code == 302 and response["Location"] == "/compte/login/"
    assert "FranceConnect is not answering" in messages_of(response)
    make_resident("jean@example.org")
    signed_in = client.post("/compte/login/", {"login": "jean@example.org", "password": PASSWORD})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session


def test_signing_out_goes_through_the_provider_and_comes_back(client, franceconnect):
    browser = requests.Session()
    come_back(client, sign_in_at_provider(start(client), "marie", browser))
    response = client.post("/compte/logout/")
    end_session = urlsplit(response["Location"])
    query = parse_qs(end_session.query)
    assert response["Location"].startswith(f"{franceconnect.url}/logout/")
    assert query["id_token_hint"][0].count(".") == 2 and query["state"][0]
    assert query["post_logout_redirect_uri"] == ["http://testserver/compte/franceconnect/deconnexion/"]
    assert "_auth_user_id" not in client.session

    back = browser.get(response["Location"], allow_redirects=False)
    assert back.status_code == 302 and back.headers["Location"].startswith("http://testserver/compte/franceconnect/deconnexion/")
    landed = come_back(client, back.headers["Location"])
    assert landed["Location"] == "/" and "of FranceConnect too" in messages_of(landed)


def test_the_login_page_offers_the_franceconnect_button_only_when_configured(client, settings, franceconnect):
    html = client.get("/compte/login/").content.decode()
    assert 'action="/compte/franceconnect/login/' in html and 'class="franceconnect-button"' in html
    assert 'href="https://franceconnect.gouv.fr/" target="_blank"' in html and "(opens a new window)" in html
    settings.SOCIALACCOUNT_PROVIDERS = {"franceconnect": {"APPS": []}}
    assert "/compte/franceconnect/login/" not in client.get("/compte/login/").content.decode()
