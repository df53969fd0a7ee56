"""Election results: elected members per council from online and paper votes, ties, turnout as towns report it."""

from datetime import date

import pytest

from councils.votes import elections
from voting.exceptions import InvalidChoice
from voting.models import PaperResult, RollEntry
from voting.services import paper

from ..voting.factories import make_user, vote
from .election_factories import close_now, count_and_proclaim, make_town, open_election

pytestmark = pytest.mark.django_db


def rows(*totals):
    return [{"label": f"C{n}", "total": total} for n, total in enumerate(totals)]


def test_the_top_totals_are_elected():
    ranked = rows(9, 7, 4, 1)
    assert elections.elected(ranked, 2) == 0
    assert [row["elected"] for row in ranked] == [True, True, False, False]
    assert not any(row["tied"] for row in ranked)


def test_a_tie_for_the_last_seat_is_shown_not_settled():
    ranked = rows(9, 5, 5, 5, 1)
    assert elections.elected(ranked, 2) == 1  # one seat left for three tied candidates
    assert [row["elected"] for row in ranked] == [True, False, False, False, False]
    assert [row["tied"] for row in ranked] == [False, True, True, True, False]


def test_a_tie_that_fits_the_seats_elects_them_all():
    ranked = rows(9, 5, 5, 1)
    assert elections.elected(ranked, 3) == 0
    assert [row["elected"] for row in ranked] == [True, True, True, False]


def test_fewer_candidates_than_seats_are_all_elected():
    ranked = rows(3, 0)
    assert elections.elected(ranked, 5) == 0 and all(row["elected"] for row in ranked)


@pytest.fixture
def voted():
    """Marie votes online for Alice and Bruno in the Centre; Paul for Denis in Les Prés; the vote closes."""
    town = make_town()
    election, secrets = open_election(town)
    centre = election.ballots.get(council=town["centre"]).contest
    pres = election.ballots.get(council=town["pres"]).contest
    ids = {option.label: option.pk for contest in (centre, pres) for option in contest.options.all()}
    marie, paul = make_user("marie"), make_user("paul")
    elections.find_my_ballot(election=election, user=marie, family_name="Dupont", birth_date=date(1980, 7, 14), place="1")
    elections.find_my_ballot(election=election, user=paul, family_name="Martin", birth_date=date(2001, 5, 1), place="3")
    vote(centre, marie, [ids["Alice Morel"], ids["Bruno Roy"]])
    vote(pres, paul, [ids["Denis Blanc"]])
    close_now([centre, pres])
    return {"town": town, "election": election, "secrets": secrets, "centre": centre, "pres": pres, "ids": ids}


def test_paper_results_larger_than_the_stations_roll_are_refused_and_nothing_is_saved(voted):
    centre, ids = voted["centre"], voted["ids"]
    # Station 002 has one registered voter, who did not vote online.
    with pytest.raises(InvalidChoice):
        paper.record_paper_result(contest=centre, station="002", counts={ids["Chloé Faure"]: 2}, blank=0, invalid=0,
                                  actor=make_user("greffe"))
    assert not PaperResult.objects.exists()


def test_blank_and_invalid_paper_ballots_count_against_the_stations_roll_too(voted):
    centre = voted["centre"]
    with pytest.raises(InvalidChoice):
        paper.record_paper_result(contest=centre, station="002", counts={}, blank=100, invalid=7,
                                  actor=make_user("greffe"))
    assert not PaperResult.objects.exists()


def test_the_proclaimed_result_merges_online_and_paper_votes_per_council(voted):
    centre, pres, ids = voted["centre"], voted["pres"], voted["ids"]
    officer = make_user("greffe")
    jean = RollEntry.objects.get(family_name="Lefèvre")
    paper.record_paper_voter(contest=centre, roll_entry=jean, actor=officer)
    paper.record_paper_result(contest=centre, station="002", counts={ids["Chloé Faure"]: 1, ids["Alice Morel"]: 1},
                              blank=0, invalid=0, actor=officer)
    count_and_proclaim(centre, voted["secrets"])
    count_and_proclaim(pres, voted["secrets"])

    results = elections.results(voted["election"])

    by_council = {result.ballot.council.name: result for result in results["councils"]}
    centre_rows = {row["label"]: (row["online"], row["paper"], row["total"], row["elected"], row["tied"])
                   for row in by_council["Centre"].rows}
    # Two seats: Alice (1 online + 1 paper) is elected; Bruno and Chloé tie for the second seat.
    assert centre_rows == {
        "Alice Morel": (1, 1, 2, True, False),
        "Bruno Roy": (1, 0, 1, False, True),
        "Chloé Faure": (0, 1, 1, False, True),
    }
    assert by_council["Centre"].tied_seats == 1
    assert by_council["Centre"].rows[0]["candidate"].name == "Alice Morel"
    assert [row["label"] for row in by_council["Les Prés"].rows if row["elected"]] == ["Denis Blanc"]

    centre_turnout = by_council["Centre"].turnout
    assert (centre_turnout["online"], centre_turnout["paper"], centre_turnout["total"]) == (1, 1, 2)
    assert centre_turnout["electorate"] == 2 and centre_turnout["percent"] == 100.0
    assert centre_turnout["population"] == 1000 and centre_turnout["population_percent"] == 0.2
    assert results["total"] == {
        "online": 2, "paper": 1, "total": 3, "electorate": 4, "population": 1400,
        "percent": 75.0, "population_percent": 0.2,
    }
    assert results["sealed"] == []


def test_councils_not_yet_proclaimed_stay_sealed(voted):
    count_and_proclaim(voted["centre"], voted["secrets"])
    count_and_proclaim(voted["pres"], voted["secrets"], proclaim=False)

    results = elections.results(voted["election"])

    assert [result.ballot.council.name for result in results["councils"]] == ["Centre"]
    assert [ballot.council.name for ballot in results["sealed"]] == ["Les Prés"]
    assert results["total"]["total"] == 1
