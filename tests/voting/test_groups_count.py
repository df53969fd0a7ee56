"""Results per commune: each ballot carries its voter's commune, groups are decrypted apart, small ones merged.

A vote across communes (a départemental roll): each ballot's group is the commune of its voter's
roll entry, chained with it; the trustees decrypt the overall totals and each group's, decided at
the close from ballot counts alone, groups under 10 ballots merged into "other" (itself at least
10), so no lone voter's choice is revealed; the record (parvis-record/4) lets anyone check it.
"""

import copy
from collections import Counter
from datetime import date

import pytest

from voting.crypto import build_chain, entry_hash, genesis_hash, verify_chain
from voting.groups import MIN_BALLOTS, OTHER, layout
from voting.models import Ballot, RollEntry, Voter
from voting.services import counting
from voting.services.record import build_record
from voting.verify import verify_record

from .factories import close, decrypt, make_ready_roll, make_user, open_contest, option_ids, vote

pytestmark = pytest.mark.django_db


# -- the layout, decided from ballot counts alone --------------------------------------------------

def test_groups_under_the_minimum_merge_into_other():
    assert layout({"49050": 12, "49023": 15, "49092": 4, "49301": 7}) == [
        {"name": "49023", "communes": ["49023"], "ballots": 15},
        {"name": "49050", "communes": ["49050"], "ballots": 12},
        {"name": OTHER, "communes": ["49092", "49301"], "ballots": 11},
    ]


def test_a_small_other_group_takes_the_smallest_named_group_so_subtraction_reveals_nothing():
    # "other" alone would be 3 ballots, which the overall result minus the named groups would give.
    assert layout({"49050": 40, "49023": 11, "49092": 3}) == [
        {"name": "49050", "communes": ["49050"], "ballots": 40},
        {"name": OTHER, "communes": ["49023", "49092"], "ballots": 14},
    ]


@pytest.mark.parametrize("counts", [{}, {"49050": 500}, {"": 20}, {"49050": 9, "49023": 9}, {"49050": 30, "49023": 2}])
def test_a_vote_is_counted_as_a_whole_when_groups_would_reveal_a_small_one_or_add_nothing(counts):
    assert layout(counts) == []


def test_every_published_group_has_the_minimum():
    for counts in ({"a1": 1, "a2": 2, "a3": 30, "a4": 10, "a5": 9}, {f"c{n}": n for n in range(1, 30)}):
        groups = layout(counts)
        assert all(group["ballots"] >= MIN_BALLOTS for group in groups)
        assert sum(group["ballots"] for group in groups) in (0, sum(counts.values()))


def test_the_group_is_chained_with_its_ballot():
    genesis = genesis_hash("ab" * 32)
    trackers = ["01" * 32, "02" * 32]
    entries = build_chain(genesis, trackers, ["49050", "49092"])
    assert entries[0] == entry_hash(genesis, trackers[0], "49050") != entry_hash(genesis, trackers[0])
    assert verify_chain(genesis, trackers, entries, groups=["49050", "49092"]) is None
    assert verify_chain(genesis, trackers, entries, groups=["49050", "49050"]) == 1  # a ballot moved to another town
    assert build_chain(genesis, trackers) == build_chain(genesis, trackers, ["", ""])  # no group: chains as before


# -- a vote across three communes, end to end ------------------------------------------------------

TOWNS = {"49050": 12, "49023": 11, "49092": 3}


@pytest.fixture
def departemental():
    """A roll of three communes, everyone voting: 49050 for Oui, 49023 for Non, 49092 blank."""
    rows = [(f"Nom{code}{n}", "Prénom", date(1970, 1, 1 + n), "001", "49000")
            for code, count in TOWNS.items() for n in range(count)]
    roll = make_ready_roll(rows)
    for code, count in TOWNS.items():
        ids = RollEntry.objects.filter(roll=roll, family_name__startswith=f"Nom{code}").values_list("pk", flat=True)
        RollEntry.objects.filter(pk__in=list(ids)).update(commune=code)
    contest, secrets = open_contest(roll=roll, options=("Oui", "Non"))
    ids = option_ids(contest)
    choice = {"49050": [ids["Oui"]], "49023": [ids["Non"]], "49092": []}
    for entry in RollEntry.objects.filter(roll=roll):
        user = make_user(f"v{entry.pk}")
        Voter.objects.create(contest=contest, user=user, roll_entry=entry)
        vote(contest, user, choice[entry.commune])
    close(contest)
    decrypt(contest, secrets)
    return contest, counting.count_contest(contest=contest)


def test_each_ballot_carries_its_voters_commune_and_small_towns_are_counted_with_others(departemental):
    contest, result = departemental
    assert dict(Counter(Ballot.objects.filter(contest=contest).values_list("group", flat=True))) == TOWNS
    ids = option_ids(contest)
    oui, non = str(ids["Oui"]), str(ids["Non"])
    assert result.groups == [
        {"name": "49050", "communes": ["49050"], "ballots": 12, "counts": {oui: 12, non: 0}, "blank": 0},
        {"name": OTHER, "communes": ["49023", "49092"], "ballots": 14, "counts": {oui: 0, non: 11}, "blank": 3},
    ]
    # The overall result is the sum of the groups'.
    assert result.online_counts == {oui: 12, non: 11} and result.online_blank == 3 and result.online_ballots == 26


def test_the_record_shows_each_ballots_group_and_the_verifier_checks_the_group_sums(departemental):
    contest, _result = departemental
    record = build_record(contest)
    assert record["format"] == "parvis-record/4"
    assert sorted({entry["group"] for entry in record["ballots"]}) == sorted(TOWNS)
    assert [group["name"] for group in record["groups"]] == ["49050", OTHER]
    report = verify_record(record, check_proofs=False)
    assert report.ok, report.render()
    assert report["groups"].status == report["group_results"].status == "passed"

    moved = copy.deepcopy(record)  # a ballot said to be from another town: the chain breaks there
    moved["ballots"][0]["group"] = "49092" if moved["ballots"][0]["group"] != "49092" else "49050"
    assert "chain" in verify_record(moved, check_proofs=False).failed

    inflated = copy.deepcopy(record)  # a town's published count changed
    inflated["groups"][0]["counts"][str(option_ids(contest)["Oui"])] = 11
    assert verify_record(inflated, check_proofs=False).failed == ("group_results",)

    alone = copy.deepcopy(record)  # a small town decrypted alone: refused, whatever its sums
    alone["groups"][1]["communes"] = ["49023"]
    alone["groups"][1]["ballots"] = 11
    assert "groups" in verify_record(alone, check_proofs=False).failed


def test_results_per_commune_add_paper_and_name_the_merged_group(departemental):
    from voting.services.by_commune import results_by_commune, turnout_by_commune

    contest, _result = departemental
    rows = results_by_commune(contest)
    assert [row["name"] for row in rows] == ["49050", OTHER]
    assert rows[0]["options"][0]["total"] == 12 and rows[1]["blank"] == 3
    assert rows[1]["electorate"] == 14 and rows[1]["voters"] == 14 and rows[1]["percent"] == 100.0
    assert [(row["commune"], row["electorate"], row["online"]) for row in turnout_by_commune(contest)] == [
        ("49023", 11, 11), ("49050", 12, 12), ("49092", 3, 3)]
