"""SQL-ish strings, NUL bytes and very long strings in every field and query parameter: a clear answer, never a 500.

PostgreSQL refuses NUL in text (psycopg raises before the query): forms must
turn it into a field error, and views reading the query string must not
pass it to the database. CI runs this file on PostgreSQL.
"""

import pytest
from django.test import Client

from ..home.utils import make_article_index
from ..volunteering.factories import make_index
from .endpoints import FORMS, user_of

pytestmark = pytest.mark.django_db

NASTY = ["' OR 1=1 --", "%", "_", "\\", "a\x00b", "\x00", "é" * 5000, "'; DROP TABLE budget_idea; --",
         "Jean\r\nBcc: victime@example.org"]
IDS = ["or", "percent", "underscore", "backslash", "nul-inside", "nul", "long", "drop", "header-injection"]


@pytest.mark.parametrize("endpoint", [f for f in FORMS if f.text_fields], ids=str)
def test_text_fields_answer_hostile_strings_without_an_error(town, endpoint):
    client = Client(raise_request_exception=True)
    client.force_login(user_of(town, endpoint))
    url, data = endpoint.url(town), endpoint.data(town)
    for value, name in zip(NASTY, IDS, strict=True):
        for key in endpoint.fields_named(data, endpoint.text_fields):
            response = client.post(url, {**data, key: value})
            assert response.status_code in (200, 302, 400), (name, key, response.status_code)
            if "\x00" in value and endpoint.name not in {"council contact", "election roll proof", "contest roll proof"}:
                # Refused: nothing holding a NUL byte was stored. (The contact form and roll proofs store
                # nothing and answer with a message.)
                assert response.status_code != 302, (name, key)


def test_query_strings_answer_hostile_strings_without_an_error(town):
    client = Client(raise_request_exception=True)
    client.force_login(town.other)
    contest = town.contest
    articles = make_article_index(town.home, slug="comprendre")
    missions = make_index(town.home).url
    addresses = [
        ("/recherche/", "q"), ("/recherche/", "page"),
        (town.budget.url, "council"), (town.budget.url, "category"), (town.budget.url, "status"), (town.budget.url, "page"),
        (town.council_page.url.rsplit("/", 2)[0] + "/", "postcode"), (town.council_page.url.rsplit("/", 2)[0] + "/", "street"),
        (f"/vote/{contest.pk}/verifier/", "tracker"), (f"/vote/{contest.pk}/", "next"),
        (town.consultation.url + "recus/", "r"), (articles.url, "tag"), (articles.url, "page"),
        *[(missions, name) for name in ("q", "skill", "council", "period", "date_from", "page")],
    ]
    for value, name in zip(NASTY, IDS, strict=True):
        for path, parameter in addresses:
            response = client.get(path, {parameter: value})
            assert response.status_code in (200, 400, 404), (name, path, parameter, response.status_code)


@pytest.mark.parametrize("tracker", ["%00", "a%00b", "'%20OR%201=1%20--", "x" * 3000])
def test_receipt_addresses_with_hostile_trackers_are_not_found(town, tracker):
    response = Client(raise_request_exception=True).get(f"/vote/{town.contest.pk}/recu/{tracker}/")
    assert response.status_code == 404


def test_a_nul_byte_is_refused_with_a_clear_message(town, nothing_changed):
    client = Client()
    client.force_login(town.author)
    url = town.budget.url + "idees/proposer/"
    data = {"title": "Un\x00jardin", "description": "Des bacs.", "category": "environment", "cost": "3000"}
    with nothing_changed():
        response = client.post(url, data)
    assert response.status_code == 400
    assert "caractère nul n’est pas autorisé" in response.content.decode()


def test_line_breaks_in_a_contact_name_do_not_reach_the_mail_headers(town):
    from django.core import mail

    client = Client(raise_request_exception=True)
    response = client.post(town.council_page.url + "contact/", {
        "sender_name": "Jean\r\nBcc: victime@example.org", "sender_email": "jean@example.org", "message": "Bonjour",
    })
    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.bcc == [] and sent.to == [town.town["centre"].email]
    assert "\n" not in sent.subject and "Jean Bcc: victime@example.org" in sent.subject
