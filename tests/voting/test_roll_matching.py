"""Residents prove they are on the roll: tolerant matching, once, rate-limited."""

from datetime import date

import pytest
from django.core.cache import cache

from voting.exceptions import NotEligible, RollMatchFailed, TooManyAttempts
from voting.models import Voter
from voting.services.roll import prove_roll_membership

from .factories import make_contest, make_ready_roll, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def contest():
    return make_contest(roll=make_ready_roll())


def test_match_ignores_accents_case_and_spaces_by_station_or_postcode(contest):
    resident = make_user("jean")
    voter = prove_roll_membership(contest=contest, user=resident, family_name="  LEFEVRE ", birth_date=date(1975, 1, 2), place="1")
    assert voter.roll_entry.family_name == "Lefèvre" and voter.user == resident
    other = make_user("marie")
    by_postcode = prove_roll_membership(contest=contest, user=other, family_name="dupont", birth_date=date(1980, 7, 14), place="49 000")
    assert by_postcode.roll_entry.given_names == "Marie"


def test_proving_twice_returns_the_same_voter(contest):
    resident = make_user("jean")
    first = prove_roll_membership(contest=contest, user=resident, family_name="Lefèvre", birth_date=date(1975, 1, 2), place="001")
    second = prove_roll_membership(contest=contest, user=resident, family_name="x", birth_date=date(2000, 1, 1), place="x")
    assert first.pk == second.pk and Voter.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "born", "place"),
    [("Lefèvre", date(1975, 1, 3), "001"), ("Lefebvre", date(1975, 1, 2), "001"), ("Lefèvre", date(1975, 1, 2), "002")],
)
def test_wrong_details_do_not_match(contest, name, born, place):
    with pytest.raises(RollMatchFailed):
        prove_roll_membership(contest=contest, user=make_user("x"), family_name=name, birth_date=born, place=place)
    assert Voter.objects.count() == 0


def test_polling_station_restriction(contest):
    contest.polling_stations = ["002"]
    contest.save()
    with pytest.raises(RollMatchFailed):
        prove_roll_membership(contest=contest, user=make_user("jean"), family_name="Lefèvre", birth_date=date(1975, 1, 2), place="001")


def test_failed_attempts_are_rate_limited(contest):
    resident = make_user("guesser")
    for _ in range(5):
        with pytest.raises(RollMatchFailed):
            prove_roll_membership(contest=contest, user=resident, family_name="Dupont", birth_date=date(1980, 1, 1), place="001")
    with pytest.raises(TooManyAttempts):  # even the right answer is refused now
        prove_roll_membership(contest=contest, user=resident, family_name="Dupont", birth_date=date(1980, 7, 14), place="001")


def test_an_entry_claimed_by_another_account_is_refused(contest):
    prove_roll_membership(contest=contest, user=make_user("a"), family_name="Dupont", birth_date=date(1980, 7, 14), place="001")
    with pytest.raises(NotEligible):
        prove_roll_membership(contest=contest, user=make_user("b"), family_name="Dupont", birth_date=date(1980, 7, 14), place="001")
