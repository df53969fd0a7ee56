"""The greedy rule: most-voted projects first, while the envelope allows.

Projects are ranked by votes (on a tie the less expensive, then the lower
id) and taken in that order; a project that no longer fits is skipped and
the next one is considered. A project needs at least one vote. This is the
participatory budget's rule before equal shares (``budget.services``), here
in the same shape as :func:`voting.rules.equal_shares.equal_shares`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .outcome import BudgetOutcome, check_profile, greedy_fill


def greedy(*, costs: Mapping[int, int], ballots: Sequence[Iterable[int]], envelope: int) -> BudgetOutcome:
    """Winners by votes within ``envelope`` (see the module docstring)."""
    _sets, supporters = check_profile(costs, ballots, envelope)
    votes = {project: len(voters) for project, voters in supporters.items()}
    winners = greedy_fill(costs, votes, (), envelope)
    return BudgetOutcome(
        rule="greedy",
        winners=tuple(winners),
        spent=sum(costs[p] for p in winners),
        envelope=envelope,
        votes=votes,
    )
