"""django-axes locks a login after repeated failures, for residents and for staff at /admin/."""

import pytest
from django.contrib.auth import get_user_model

from accounts.security import login_identifier

from .factories import PASSWORD, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True


def test_a_resident_login_is_locked_after_five_failures(client, settings):
    make_resident("jean@example.org")
    responses = [
        client.post("/compte/login/", {"login": "jean@example.org", "password": "faux"})
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert [response.status_code for response in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    assert "Trop de tentatives" in responses[-1].content.decode()
    # Another address from the same place (a town hall's shared connection) is not locked.
    make_resident("amina@example.org", display_name="Amina")
    assert client.post("/compte/login/", {"login": "amina@example.org", "password": PASSWORD}).status_code == 302


def test_the_wagtail_admin_login_is_locked_too(client, settings):
    get_user_model().objects.create_superuser("redaction", "redaction@ville.example", PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "redaction", "password": "faux"})

    locked = client.post("/admin/login/", {"username": "redaction", "password": PASSWORD})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_staff_still_log_in_to_the_admin(client):
    get_user_model().objects.create_superuser("redaction", "redaction@ville.example", PASSWORD)
    response = client.post("/admin/login/", {"username": "redaction", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_case_variants_of_an_address_share_one_counter(rf):
    assert login_identifier(rf.post("/", {"login": " Jean@Example.org"})) == "jean@example.org"
    assert login_identifier(rf.post("/"), {"email": "JEAN@example.org", "username": None}) == "jean@example.org"
    assert login_identifier(rf.post("/"), {"username": "Redaction"}) == "redaction"
    assert login_identifier(rf.get("/")) is None
