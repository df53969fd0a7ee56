"""Every form refuses a post without the CSRF token, or with a forged one: 403, nothing written."""

import pytest
from django.middleware.csrf import get_token
from django.test import Client

from .endpoints import FORMS, user_of

pytestmark = pytest.mark.django_db

LOGGED_OUT_FORMS = [
    ("/compte/login/", {"login": "auteur@example.org", "password": "un-mot-de-passe-solide"}),
    ("/compte/signup/", {"email": "nouveau@example.org", "password1": "Un-Mot-De-Passe-1", "password2": "Un-Mot-De-Passe-1",
                         "display_name": "Nouveau"}),
    ("/compte/password/reset/", {"email": "auteur@example.org"}),
    ("/admin/login/", {"username": "admin", "password": "x"}),
]


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("endpoint", FORMS, ids=str)
def test_a_form_posted_without_its_token_is_refused(town, nothing_changed, endpoint):
    client = csrf_client(user_of(town, endpoint))
    url, data = endpoint.url(town), endpoint.data(town)
    with nothing_changed():
        response = client.post(url, data)
    assert response.status_code == 403


@pytest.mark.parametrize("endpoint", FORMS, ids=str)
def test_a_form_posted_with_a_forged_token_is_refused(town, nothing_changed, endpoint):
    client = csrf_client(user_of(town, endpoint))
    # A real cookie (as a visit to the site gives), but the form's token forged by another page.
    client.get("/compte/profil/")
    assert "csrftoken" in client.cookies
    forged = "A" * 64
    url, data = endpoint.url(town), endpoint.data(town)
    with nothing_changed():
        response = client.post(url, {**data, "csrfmiddlewaretoken": forged})
        header = client.post(url, data, HTTP_X_CSRFTOKEN=forged)
    assert response.status_code == header.status_code == 403


@pytest.mark.parametrize(("path", "data"), LOGGED_OUT_FORMS, ids=lambda value: value if isinstance(value, str) else "")
def test_login_sign_up_and_password_reset_refuse_a_post_without_token(town, nothing_changed, path, data):
    town.author  # noqa: B018  (the account whose login is attempted)
    client = csrf_client()
    with nothing_changed():
        response = client.post(path, data)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_logout_without_a_token_keeps_the_resident_logged_in(town):
    """A third-party page cannot log residents out (allauth logs out on POST only)."""
    client = csrf_client(town.author)
    assert client.post("/compte/logout/").status_code == 403
    assert client.session["_auth_user_id"] == str(town.author.pk)


def test_a_token_of_another_session_is_refused(town, nothing_changed):
    """Tokens are bound to the visitor's cookie: one stolen from another browser is useless."""
    other_browser = csrf_client(town.other)
    other_browser.get("/compte/profil/")
    stolen = other_browser.cookies["csrftoken"].value
    client = csrf_client(town.author)
    client.get("/compte/profil/")
    with nothing_changed():
        response = client.post("/compte/profil/", {"display_name": "Pirate", "csrfmiddlewaretoken": stolen})
    assert response.status_code == 403


def test_the_real_token_is_accepted(town):
    """The control: the same client with its own token gets through (so the 403s above are the token's doing)."""
    client = csrf_client(town.author)
    page = client.get("/compte/profil/")
    token = page.context["csrf_token"]
    response = client.post("/compte/profil/", {"display_name": "Autrice B", "birth_year": "1980", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    town.author.profile.refresh_from_db()
    assert town.author.profile.display_name == "Autrice B"
