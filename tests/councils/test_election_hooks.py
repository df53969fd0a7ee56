"""Elections and consultations plug into the council pages (open votes) and residents' data rights."""

import pytest
from wagtail.images import get_image_model

from accounts.privacy import erase_account, export_personal_data
from councils.models import Candidate
from councils.participations import current_participations

from ..accounts.factories import make_resident
from ..home.utils import make_image
from .election_factories import candidate, make_election, make_town, open_consultation, open_election

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return make_town()


def test_a_council_page_lists_its_open_election_and_the_consultations_covering_it(town):
    election, _shares = open_election(town)
    page, _ = open_consultation(town, councils=[town["pres"]])

    centre = [(item.title, item.url) for item in current_participations(town["centre"])]
    pres = [(item.title, item.url) for item in current_participations(town["pres"])]

    assert centre == [(election.title, election.url)]
    assert sorted(pres) == sorted([(election.title, election.url), (page.title, page.url)])


def test_nothing_is_listed_before_the_ballots_are_sealed(town):
    make_election(town)
    assert current_participations(town["centre"]) == []


def test_a_candidacy_is_in_the_residents_download(town):
    election = make_election(town)
    alice = make_resident("alice@example.org")
    candidate(election, town["centre"], "Alice", user=alice, status="pending")

    data = export_personal_data(alice)

    assert data["candidacies"][0]["name"] == "Alice" and data["candidacies"][0]["council"] == "Centre"


def test_erasure_removes_applications_and_keeps_an_elected_name_without_photo_or_statement(town):
    election = make_election(town)
    alice, bruno = make_resident("alice@example.org"), make_resident("bruno@example.org")
    approved = candidate(election, town["centre"], "Alice", user=alice)
    approved.photo = make_image("Alice")
    approved.save()
    candidate(election, town["centre"], "Bruno", user=bruno, status="pending")

    erase_account(alice)
    erase_account(bruno)

    kept = Candidate.objects.get()
    assert (kept.name, kept.user, kept.photo, kept.statement) == ("Alice", None, None, "")
    assert not get_image_model().objects.filter(title="Alice").exists()
