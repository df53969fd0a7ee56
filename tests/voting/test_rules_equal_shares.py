"""The Method of Equal Shares and the greedy rule: hand-checked cases, and pabutools' winners on real Pabulib elections."""

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest

from voting.rules import equal_shares as equal_shares_module
from voting.rules.equal_shares import equal_shares
from voting.rules.greedy import greedy
from voting.rules.pabulib import read_pb

from .pabutools_reference import pabutools_winners as _pabutools_winners

PABULIB = Path(__file__).parent / "pabulib"


def test_a_majority_takes_everything_under_greedy_but_not_under_equal_shares():
    costs = {1: 30, 2: 30, 3: 30, 4: 30, 5: 30}
    ballots = [{1, 2, 3}] * 6 + [{4, 5}] * 4
    assert greedy(costs=costs, ballots=ballots, envelope=100).winners == (1, 2, 3)
    outcome = equal_shares(costs=costs, ballots=ballots, envelope=100)
    # Shares of 10: the six fund 1 then 2 (5 each), the four fund 4 (7.50 each); 3 and 5 no longer fit.
    assert outcome.winners == (1, 2, 4)
    assert outcome.spent == 90 and outcome.remaining == 10 and outcome.completion == ()
    assert outcome.voter_budget == 10
    assert outcome.payments[1] == {voter: 5 for voter in range(6)}
    assert outcome.payments[4] == {voter: Fraction(15, 2) for voter in range(6, 10)}
    assert all(sum(paid.values()) == costs[p] for p, paid in outcome.payments.items())
    assert outcome.votes == {1: 6, 2: 6, 3: 6, 4: 4, 5: 4}


def test_a_project_costing_the_whole_envelope():
    everyone = equal_shares(costs={1: 100, 2: 10}, ballots=[{1}, {1}, {1}, {1, 2}], envelope=100)
    assert everyone.winners == (1,) and everyone.payments[1] == {0: 25, 1: 25, 2: 25, 3: 25}
    # Three of four voters cannot pay for the whole envelope with their shares; the fourth's project
    # is funded, after which the big one no longer fits. Greedy gives the envelope to the three.
    ballots = [{1}, {1}, {1}, {2}]
    assert equal_shares(costs={1: 100, 2: 10}, ballots=ballots, envelope=100).winners == (2,)
    assert greedy(costs={1: 100, 2: 10}, ballots=ballots, envelope=100).winners == (1,)


def test_projects_without_votes_are_never_funded():
    outcome = equal_shares(costs={1: 10, 2: 5, 3: 0}, ballots=[{1}, {1}], envelope=100)
    assert outcome.winners == (1,) and outcome.votes[2] == 0 and outcome.votes[3] == 0
    assert greedy(costs={1: 10, 2: 5}, ballots=[{1}], envelope=100).winners == (1,)


def test_a_free_project_with_a_vote_is_funded_first_and_costs_nobody_anything():
    outcome = equal_shares(costs={1: 10, 2: 0}, ballots=[{1, 2}, {1}], envelope=20)
    assert outcome.winners == (2, 1) and outcome.payments[2] == {0: 0}


def test_ties_most_votes_then_lower_cost_then_lower_id():
    same = equal_shares(costs={7: 10, 3: 10}, ballots=[{7}, {3}], envelope=20)
    assert same.winners == (3, 7)
    cheaper = equal_shares(costs={1: 10, 2: 6}, ballots=[{1}, {1}, {2}, {2}], envelope=40)
    assert cheaper.winners == (2, 1)
    assert greedy(costs={7: 10, 3: 10, 5: 4}, ballots=[{7, 5}, {3, 5}], envelope=20).winners == (5, 3)


def test_the_add1_completion_raises_shares_until_a_project_fits():
    costs = {1: 12, 2: 12, 3: 6}
    ballots = [{1, 3}, {1, 3}, {2}]
    plain = equal_shares(costs=costs, ballots=ballots, envelope=30, completion=False)
    assert plain.winners == (3, 1) and plain.voter_budget == 10
    outcome = equal_shares(costs=costs, ballots=ballots, envelope=30)
    assert outcome.winners == (3, 1, 2) and outcome.voter_budget == 12 and outcome.spent == 30
    assert outcome.payments[2] == {2: 12} and outcome.completion == ()


def test_the_greedy_completion_fills_what_the_shares_leave():
    costs = {1: 6, 2: 6, 3: 4}
    ballots = [{1, 3}, {2, 3}]
    outcome = equal_shares(costs=costs, ballots=ballots, envelope=10)
    # Shares of 8 would fund 1 and 2 as well (16 > 10): the completion stops at 7, then fills greedily.
    assert outcome.voter_budget == 7
    assert outcome.winners == (3, 1) and outcome.completion == (1,) and 1 not in outcome.payments
    assert outcome.spent == 10


def test_empty_input_and_blank_ballots():
    assert equal_shares(costs={1: 5}, ballots=[], envelope=10).winners == ()
    # A blank ballot is a voter whose share nobody spends: 1 cannot be paid from two shares of 5.
    assert equal_shares(costs={1: 6}, ballots=[{1}, set()], envelope=10, completion=False).winners == ()
    assert equal_shares(costs={1: 6}, ballots=[{1}, set()], envelope=10).winners == (1,)


@pytest.mark.parametrize(
    "costs, ballots, envelope",
    [
        ({1: 5}, [{2}], 10),
        ({1: -5}, [{1}], 10),
        ({1: 5.5}, [{1}], 10),
        ({1: 5}, [{1}], -1),
        ({1: 5}, [{1}], 10.0),
    ],
)
def test_invalid_input_is_refused(costs, ballots, envelope):
    for rule in (equal_shares, greedy):
        with pytest.raises(ValueError):
            rule(costs=costs, ballots=ballots, envelope=envelope)


HAND_CASES = [
    ({1: 30, 2: 30, 3: 30, 4: 30, 5: 30}, [{1, 2, 3}] * 6 + [{4, 5}] * 4, 100),
    ({1: 100, 2: 10}, [{1}, {1}, {1}, {2}], 100),
    ({1: 12, 2: 12, 3: 6}, [{1, 3}, {1, 3}, {2}], 30),
    ({1: 6, 2: 6, 3: 4}, [{1, 3}, {2, 3}], 10),
    ({7: 10, 3: 10}, [{7}, {3}], 20),
]


def _random_case(seed):
    rng = random.Random(seed)
    n_projects = rng.randint(2, 9)
    costs = {p: rng.choice([0, rng.randint(1, 60) * 10]) if rng.random() < 0.05 else rng.randint(1, 60) * 10 for p in range(1, n_projects + 1)}
    ballots = [{p for p in costs if rng.random() < 0.35} for _ in range(rng.randint(1, 40))]
    return costs, ballots, rng.randint(50, sum(costs.values()) + 10)


@pytest.mark.parametrize("case", HAND_CASES + [_random_case(seed) for seed in range(40)])
def test_same_winners_as_pabutools_on_small_cases(case):
    costs, ballots, envelope = case
    ours = equal_shares(costs=costs, ballots=ballots, envelope=envelope).winners
    theirs = _pabutools_winners(costs, ballots, envelope)
    # Same set; the order differs only for free projects, which Parvis lists first (funded before
    # any round) and pabutools' returned allocation lists elsewhere.
    assert set(ours) == set(theirs)
    assert [p for p in ours if costs[p]] == [p for p in theirs if costs[p]]


EXPECTED = json.loads((PABULIB / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED["files"]))
def test_same_winners_as_pabutools_on_real_pabulib_elections(name):
    """pabutools' winners, in its order, recorded by tests/voting/pabulib/expected.py
    (its full run takes minutes); the two smallest are also recomputed live."""
    election = read_pb((PABULIB / name).read_text(encoding="utf-8"))
    outcome = equal_shares(costs=election.costs, ballots=election.ballots, envelope=election.budget)
    assert list(outcome.winners) == EXPECTED["files"][name]
    assert outcome.spent <= election.budget
    for project, paid in outcome.payments.items():
        assert sum(paid.values()) == election.costs[project]
        assert all(0 <= amount <= outcome.voter_budget for amount in paid.values())
    if len(election.voters) < 500:
        assert list(outcome.winners) == _pabutools_winners(election.costs, election.ballots, election.budget)


def test_fraction_fallback_gives_the_same_outcome(monkeypatch):
    """Without gmpy2 (an auditor's bare Python), Fraction computes the same outcome."""
    election = read_pb((PABULIB / "poland_warszawa_2019_las.pb").read_text(encoding="utf-8"))
    fast = equal_shares(costs=election.costs, ballots=election.ballots, envelope=election.budget)
    monkeypatch.setattr(equal_shares_module, "_Q", Fraction)
    slow = equal_shares(costs=election.costs, ballots=election.ballots, envelope=election.budget)
    assert slow == fast
