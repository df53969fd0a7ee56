"""Elections: a resident signed in with FranceConnect gets their council's ballot without typing."""

from datetime import date

import pytest
from django.utils import translation

from councils.votes import consultations, elections
from voting.exceptions import RollMatchFailed
from voting.models import Contest, RollEntry, Voter
from voting.normalize import name_key
from voting.services.roll_matching import CivilIdentity

from ..voting.factories import make_user
from .election_factories import make_town, open_consultation, open_election

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return make_town()


def test_the_identity_finds_the_council_ballot(town):
    election, _secrets = open_election(town)
    paul = make_user("paul")
    identity = CivilIdentity(birth_name="MARTIN", given_names="Paul Henri", birth_date=date(2001, 5, 1))
    ballot = elections.find_my_ballot_by_identity(election=election, user=paul, identity=identity)
    assert ballot.council == town["pres"] and Voter.objects.get(user=paul).contest == ballot.contest


def test_homonyms_in_two_councils_are_not_guessed_between(town):
    RollEntry.objects.create(roll=town["roll"], family_name="Martin", given_names="Paul", birth_date=date(2001, 5, 1),
                             polling_station="001", match_name=name_key("Martin"))
    election, _secrets = open_election(town)
    identity = CivilIdentity(birth_name="MARTIN", given_names="Paul", birth_date=date(2001, 5, 1))
    with translation.override("en"), pytest.raises(RollMatchFailed) as refused:
        elections.find_my_ballot_by_identity(election=election, user=make_user("paul"), identity=identity)
    assert "Several voters" in str(refused.value.message) and not Voter.objects.exists()


def test_a_consultation_on_the_roll_is_answered_after_the_one_button_proof(town):
    page, _secrets = open_consultation(town, eligibility=Contest.Eligibility.ROLL)
    marie = make_user("marie")
    identity = CivilIdentity(birth_name="DUPONT", given_names="Marie Claire", birth_date=date(1980, 7, 14))
    consultations.prove_roll_by_identity(consultation=page, user=marie, identity=identity)
    assert Voter.objects.filter(user=marie).count() == len(page.contests())
    with pytest.raises(RollMatchFailed):
        consultations.prove_roll_by_identity(consultation=page, user=make_user("x"), identity=CivilIdentity(
            birth_name="DUPONT", given_names="Jeanne", birth_date=date(1980, 7, 14)))
