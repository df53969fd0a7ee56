"""What residents see: finding their council, a council's page, writing to it."""

import pytest
from django.core import mail

from councils.models import CouncilMember
from councils.services import CONTACT_MESSAGES_PER_HOUR

from ..home.utils import make_home
from .factories import CouncilFactory, make_council_index, make_council_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    return make_council_index(make_home())


@pytest.fixture
def tilleuls(index):
    council = CouncilFactory(name="Les Tilleuls", areas=[("49000", "Rue des Tilleuls")], email="tilleuls@ville.example")
    return make_council_page(index, council, title="Conseil des Tilleuls")


@pytest.fixture
def loire(index):
    council = CouncilFactory(name="Bords de Loire", areas=[("49100", "")], email="")
    return make_council_page(index, council, title="Conseil des Bords de Loire")


def test_the_index_lists_every_published_council_in_the_editors_order(client, index, tilleuls, loire):
    draft = make_council_page(index, CouncilFactory(name="Brouillon"))
    draft.unpublish()

    html = client.get(index.url).content.decode()

    assert html.index("Conseil des Tilleuls") < html.index("Conseil des Bords de Loire")
    assert "Brouillon" not in html


def test_a_postcode_finds_the_council_and_links_to_its_page(client, index, tilleuls, loire):
    response = client.get(index.url, {"postcode": "49 100"})

    assert response.context["found"] == loire.council
    assert f'href="{loire.url}"' in response.content.decode()


def test_a_shared_postcode_lists_the_candidates_and_the_street_settles_it(client, index, tilleuls, loire):
    make_council_page(index, CouncilFactory(name="Centre", areas=[("49000", "Rue Nationale")]))

    several = client.get(index.url, {"postcode": "49000"})
    settled = client.get(index.url, {"postcode": "49000", "street": "12 rue des tilleuls"})

    assert [council.name for council in several.context["candidates"]] == ["Centre", "Les Tilleuls"]
    assert settled.context["found"] == tilleuls.council


def test_an_unknown_postcode_gets_a_helpful_message_and_the_full_list(client, index, tilleuls, loire):
    response = client.get(index.url, {"postcode": "75001"})
    html = response.content.decode()

    assert response.status_code == 200 and response.context["not_found"]
    assert "Aucun conseil ne couvre cette adresse" in html
    assert 'href="#tous-les-conseils"' in html
    assert "Conseil des Tilleuls" in html and "Conseil des Bords de Loire" in html


def test_a_malformed_postcode_is_an_error_tied_to_its_field(client, index, tilleuls):
    response = client.get(index.url, {"postcode": "49"})
    html = response.content.decode()

    assert "found" not in response.context and "not_found" not in response.context
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_postcode_error"' in html and 'id="id_postcode_error"' in html
    assert "code postal à cinq chiffres" in html


def test_an_empty_search_asks_for_a_postcode_or_a_street(client, index, tilleuls):
    response = client.get(index.url, {"postcode": "", "street": " "})
    assert response.context["form"].errors == {"postcode": ["Indiquez votre code postal ou votre rue."]}


def test_the_council_page_shows_its_members_and_its_news(client, tilleuls):
    tilleuls.members = [CouncilMember(name="Amina Diallo", role="president", bio="Infirmière.")]
    tilleuls.news = [("news_item", {"title": "Jardins partagés", "date": "2027-03-02", "text": "<p>Ouvert</p>"})]
    tilleuls.save_revision().publish()

    html = client.get(tilleuls.url).content.decode()

    assert "Amina Diallo" in html and "Présidence" in html
    assert "Jardins partagés" in html
    assert 'aria-labelledby="contact"' in html


def test_a_resident_writes_to_the_council(client, tilleuls):
    response = client.post(
        tilleuls.url + "contact/",
        {"sender_name": "Jean", "sender_email": "jean@example.org", "message": "Un banc est cassé."},
        follow=True,
    )

    assert response.redirect_chain == [(tilleuls.url + "#contact", 302)]
    assert "Votre message a été envoyé" in response.content.decode()
    assert mail.outbox[0].to == ["tilleuls@ville.example"] and "Un banc est cassé." in mail.outbox[0].body


def test_an_incomplete_message_is_shown_again_with_its_errors(client, tilleuls):
    response = client.post(tilleuls.url + "contact/", {"sender_name": "Jean", "sender_email": "pas-une-adresse"})

    assert response.status_code == 200
    assert set(response.context["contact_form"].errors) == {"sender_email", "message"}
    assert 'value="Jean"' in response.content.decode()
    assert mail.outbox == []


def test_too_many_messages_are_refused_politely(client, tilleuls):
    data = {"sender_name": "Jean", "sender_email": "jean@example.org", "message": "Bonjour"}
    for _ in range(CONTACT_MESSAGES_PER_HOUR):
        client.post(tilleuls.url + "contact/", data)

    response = client.post(tilleuls.url + "contact/", data)

    assert response.status_code == 200
    assert "réessayer dans une heure" in response.content.decode()
    assert len(mail.outbox) == CONTACT_MESSAGES_PER_HOUR


def test_no_contact_form_without_a_council_address(client, loire):
    html = client.get(loire.url).content.decode()
    assert 'name="message"' not in html
    assert client.post(loire.url + "contact/", {"message": "x"}).status_code == 302
    assert mail.outbox == []


def test_the_contact_form_has_its_own_page_so_the_council_page_holds_no_csrf_token(client, tilleuls):
    page = client.get(tilleuls.url).content.decode()
    assert 'name="message"' not in page and "csrfmiddlewaretoken" not in page
    assert f'href="{tilleuls.url}contact/#contact"' in page

    form = client.get(tilleuls.url + "contact/").content.decode()
    assert 'name="message"' in form and "csrfmiddlewaretoken" in form
