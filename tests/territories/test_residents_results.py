"""A collectivity's residents' vote (no roll) has results per town: each ballot counts with its voter's commune.

The ballot's group is the commune of the resident's address at casting (``territories.eligibility
.resident_commune``, through the engine's hook), chained with the ballot as a roll entry's commune
is; groups under 10 ballots are counted with others (``voting.groups``), and the record lets
anyone check it.
"""

from collections import Counter

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from territories.eligibility import resident_commune
from territories.models import Residence
from voting.groups import OTHER
from voting.models import Ballot
from voting.services import counting
from voting.services.by_commune import results_by_commune, turnout_by_commune
from voting.services.record import build_record
from voting.verify import verify_record

from ..voting.factories import close, decrypt, make_contest, make_ready_roll, make_user, open_contest, option_ids, vote
from .factories import join

pytestmark = pytest.mark.django_db

VOTERS = {"brissac": 12, "beaupreau": 11, "chemille": 3}
"""Residents voting: Brissac-Loire (49050) for Oui, Beaupréau-en-Mauges (49023) for Non, Chemillé (49092) blank."""


def resident(platform, town: str, number: int):
    user = make_user(f"{town}{number}")
    Residence.objects.create(user=user, commune=platform.places[town], postcode="49000")
    return user


@pytest.fixture
def departemental(platform):
    contest, secrets = open_contest(site=join(platform.places["dep"], "departement.localhost"))
    ids = option_ids(contest)
    choice = {"brissac": [ids["Oui"]], "beaupreau": [ids["Non"]], "chemille": []}
    for town, count in VOTERS.items():
        for number in range(count):
            vote(contest, resident(platform, town, number), choice[town])
    close(contest)
    decrypt(contest, secrets)
    return contest, counting.count_contest(contest=contest)


def test_each_residents_ballot_carries_their_commune_and_small_towns_count_with_others(departemental):
    contest, result = departemental
    assert dict(Counter(Ballot.objects.filter(contest=contest).values_list("group", flat=True))) == {
        "49050": 12, "49023": 11, "49092": 3}
    oui, non = (str(option_ids(contest)[label]) for label in ("Oui", "Non"))
    assert result.groups == [
        {"name": "49050", "communes": ["49050"], "ballots": 12, "counts": {oui: 12, non: 0}, "blank": 0},
        {"name": OTHER, "communes": ["49023", "49092"], "ballots": 14, "counts": {oui: 0, non: 11}, "blank": 3},
    ]
    report = verify_record(build_record(contest), check_proofs=False)
    assert report.ok and report["groups"].status == report["group_results"].status == "passed", report.render()


def test_results_per_town_give_its_voters_without_a_roll_to_count_them_against(departemental):
    contest, _result = departemental
    assert turnout_by_commune(contest) == []  # no roll: no electorate
    rows = results_by_commune(contest)
    assert [(row["label"], row["voters"], row["electorate"], row["percent"]) for row in rows] == [
        ("Brissac-Loire", 12, 0, None), ("", 14, 0, None)]
    with translation.override("fr"):
        html = render_to_string("voting/includes/results_by_commune.html", {"contest": contest, "by_commune": rows})
    assert "Brissac-Loire — 12 votants" in " ".join(html.split())
    assert "Autres communes (2 communes) — 14 votants" in " ".join(html.split())


def test_a_towns_own_residents_vote_is_counted_as_a_whole(platform):
    contest, secrets = open_contest(site=platform.site_b)
    for number in range(12):
        vote(contest, resident(platform, "brissac", number), [option_ids(contest)["Oui"]])
    close(contest)
    decrypt(contest, secrets)
    assert set(Ballot.objects.filter(contest=contest).values_list("group", flat=True)) == {"49050"}
    assert counting.count_contest(contest=contest).groups == []


def test_outside_a_collectivitys_site_no_commune_is_given(platform, django_assert_num_queries):
    from wagtail.models import Site

    brissac = resident(platform, "brissac", 1)
    one_town = Site.objects.exclude(pk__in=[platform.site_a.pk, platform.site_b.pk]).first()
    town_vote = make_contest(site=platform.site_b)
    with django_assert_num_queries(1):
        assert resident_commune(town_vote, brissac) == "49050"
    assert resident_commune(town_vote, make_user("no-address")) is None
    assert resident_commune(make_contest(site=one_town), brissac) is None
    assert resident_commune(make_contest(), brissac) is None  # no site at all
    assert resident_commune(make_contest(site=platform.site_b, roll=make_ready_roll()), brissac) == "49050"
