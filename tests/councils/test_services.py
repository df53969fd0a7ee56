"""Which council covers an address, and residents' messages to councils (no HTTP)."""

import pytest
from django.core import mail

from councils.services import (
    CONTACT_MESSAGES_PER_HOUR,
    CouncilNotFound,
    SeveralCouncils,
    TooManyMessages,
    contact_council,
    find_council,
)

from .factories import CouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    """49000 is split street by street between two councils; 49100 belongs to one council."""
    return {
        "centre": CouncilFactory(name="Centre", areas=[("49000", "Rue de la République"), ("49000", "Rue Nationale")]),
        "tilleuls": CouncilFactory(name="Tilleuls", areas=[("49000", "Rue des Tilleuls"), ("49000", "Impasse des Tilleuls")]),
        "loire": CouncilFactory(name="Loire", areas=[("49100", "")]),
    }


def test_a_postcode_covered_by_one_council_is_enough(town):
    assert find_council(postcode="49100") == town["loire"]
    assert find_council(postcode="49 100") == town["loire"]


def test_a_postcode_shared_by_several_councils_asks_for_the_street(town):
    with pytest.raises(SeveralCouncils) as several:
        find_council(postcode="49000")
    assert several.value.councils == [town["centre"], town["tilleuls"]]


def test_the_street_settles_a_shared_postcode_whatever_the_spelling(town):
    assert find_council(postcode="49000", street="12 r. de la République") == town["centre"]
    assert find_council(postcode="49000", street="rue des tilleuls") == town["tilleuls"]


def test_an_exact_street_wins_over_a_partial_match(town):
    CouncilFactory(name="Parc", areas=[("49000", "Tilleuls")])
    assert find_council(street="tilleuls").name == "Parc"


def test_part_of_a_street_name_is_enough_when_it_is_unambiguous(town):
    assert find_council(street="nationale") == town["centre"]
    assert find_council(street="des tilleuls") == town["tilleuls"]


def test_a_street_alone_found_under_two_councils_is_ambiguous(town):
    CouncilFactory(name="Autre", areas=[("49100", "Rue Nationale")])
    with pytest.raises(SeveralCouncils):
        find_council(street="Rue Nationale")
    assert find_council(postcode="49100", street="Rue Nationale").name == "Autre"


def test_a_street_not_listed_falls_back_to_the_council_of_the_whole_postcode(town):
    assert find_council(postcode="49100", street="Chemin inconnu") == town["loire"]


@pytest.mark.parametrize(
    "address",
    [{"postcode": "75001"}, {"postcode": "49000", "street": "Rue inconnue"}, {"street": "Rue inconnue"}, {}],
)
def test_an_address_no_council_covers_is_not_found(town, address):
    with pytest.raises(CouncilNotFound):
        find_council(**address)


def message(council, **overrides):
    fields = {"sender_name": "Jean", "sender_email": "jean@example.org", "message": "Bonjour !", "sender_key": "10.0.0.1"}
    return contact_council(council=council, **{**fields, **overrides})


def test_a_message_is_e_mailed_to_the_council_and_not_stored():
    council = CouncilFactory(name="Tilleuls", email="tilleuls@ville.example")

    message(council, message="Le lampadaire de la rue est en panne.")

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["tilleuls@ville.example"]
    assert "Tilleuls" in sent.subject and "Jean" in sent.subject
    assert "Le lampadaire de la rue est en panne." in sent.body
    assert "jean@example.org" in sent.body


def test_a_sender_is_limited_to_a_few_messages_an_hour():
    council = CouncilFactory()
    for _ in range(CONTACT_MESSAGES_PER_HOUR):
        message(council)
    with pytest.raises(TooManyMessages):
        message(council)
    message(council, sender_key="10.0.0.2")  # someone else still can
    assert len(mail.outbox) == CONTACT_MESSAGES_PER_HOUR + 1


def test_a_council_without_address_cannot_be_written_to():
    with pytest.raises(ValueError):
        message(CouncilFactory(email=""))
