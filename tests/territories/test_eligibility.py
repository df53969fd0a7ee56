"""A collectivity's residents' votes admit the residents it contains; one-town installations are unchanged."""

import pytest
from django.utils import translation

from territories.models import Residence, Territory
from voting.exceptions import NotEligible
from voting.models import Contest
from voting.services.eligibility import ballot_status, other_rules_refusal, voter_for

from ..voting.factories import make_contest, make_ready_roll, make_user, open_contest
from .factories import join

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def departement_site(platform):
    return join(platform.places["dep"], "departement.localhost")


def living_in(place, username):
    user = make_user(username)
    Residence.objects.create(user=user, commune=place, postcode="49000")
    return user


def test_a_departements_vote_admits_residents_of_every_member_town(platform, departement_site):
    contest = make_contest(site=departement_site)
    for town in ("aubin", "brissac", "chemille", "beaupreau"):
        assert other_rules_refusal(contest=contest, user=living_in(platform.places[town], town)) is None


def test_a_towns_vote_admits_its_residents_only(platform):
    contest = make_contest(site=platform.site_a)
    assert other_rules_refusal(contest=contest, user=living_in(platform.a, "aubin")) is None

    reason = other_rules_refusal(contest=contest, user=living_in(platform.b, "brissac"))

    assert reason == ("This vote is for the residents of Saint-Aubin-sur-Loire, and your address is in Brissac-Loire. "
                      "If you have moved, change it under “My address” on your profile page.")


def test_an_intercommunalitys_vote_admits_its_towns_not_the_others(platform):
    loire_site = join(platform.places["loire"], "loire.localhost")
    contest = make_contest(site=loire_site)
    assert other_rules_refusal(contest=contest, user=living_in(platform.b, "brissac")) is None
    assert "Loire Métropole" in other_rules_refusal(contest=contest, user=living_in(platform.places["chemille"], "c"))


def test_without_an_address_the_resident_is_told_to_give_it_on_every_path_to_the_ballot(platform, departement_site):
    contest, _secrets = open_contest(site=departement_site)
    newcomer = make_user("newcomer")
    expected = ("This vote is for the residents of Maine-et-Loire. Tell us where you live (postcode and commune) "
                "under “My address” on your profile page, then come back to vote.")

    assert other_rules_refusal(contest=contest, user=newcomer) == expected
    status = ballot_status(contest=contest, user=newcomer)
    assert status.not_eligible and not status.can_vote and status.reason == expected
    with pytest.raises(NotEligible) as refused:
        voter_for(contest=contest, user=newcomer)
    assert str(refused.value) == expected

    Residence.objects.create(user=newcomer, commune=platform.places["beaupreau"], postcode="49600")
    assert ballot_status(contest=contest, user=newcomer).can_vote


def test_a_vote_of_a_site_without_collectivity_is_left_alone(platform):
    from wagtail.models import Site

    one_town = Site.objects.exclude(pk__in=[platform.site_a.pk, platform.site_b.pk]).first()
    assert one_town is not None and not Territory.objects.filter(site=one_town).exists()
    assert other_rules_refusal(contest=make_contest(site=one_town), user=make_user("anyone")) is None
    assert other_rules_refusal(contest=make_contest(), user=make_user("someone")) is None  # no site at all


def test_roll_votes_are_ruled_by_their_roll(platform):
    contest = make_contest(site=platform.site_a, roll=make_ready_roll())
    assert contest.eligibility == Contest.Eligibility.ROLL
    assert other_rules_refusal(contest=contest, user=living_in(platform.b, "brissac")) is None


def test_asked_on_every_vote_it_costs_one_query(platform, departement_site, django_assert_num_queries):
    from territories.eligibility import residents_only

    resident, one_town = living_in(platform.b, "brissac"), make_contest(site=platform.site_a)
    departemental = make_contest(site=departement_site)
    with django_assert_num_queries(1):
        assert residents_only(departemental, resident) is None
    with django_assert_num_queries(2):  # a refusal reads the residence again, to explain it
        assert residents_only(one_town, resident)
