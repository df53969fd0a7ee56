"""What a budget rule returns, and the checks every rule makes on its input."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class BudgetOutcome:
    """The winners of a budget vote and how they were chosen.

    ``winners``: project ids in the order the rule selected them.
    ``votes``: supporters per project (every project, 0 included).
    ``payments``: for each winner paid by the voters' equal shares, what each
    supporter (voter index in the ``ballots`` sequence) paid, possibly 0 for a
    supporter whose share was already spent; empty for greedy.
    ``completion``: winners added by the greedy completion after equal shares
    (funded from what the voters' shares left, not from them).
    ``voter_budget``: each voter's share in the final equal-shares run
    (``envelope / voters``, raised by the completion), 0 for greedy.
    """

    rule: str
    winners: tuple[int, ...]
    spent: int
    envelope: int
    votes: Mapping[int, int]
    payments: Mapping[int, Mapping[int, Fraction]] = field(default_factory=dict)
    completion: tuple[int, ...] = ()
    voter_budget: Fraction = Fraction(0)

    @property
    def remaining(self) -> int:
        return self.envelope - self.spent


def check_profile(
    costs: Mapping[int, int], ballots: Sequence[Iterable[int]], envelope: int
) -> tuple[list[frozenset[int]], dict[int, list[int]]]:
    """Validate and index the input: ballots as sets, supporters per project.

    Raises :class:`ValueError` on a negative or non-integer cost or envelope,
    or a ballot naming an unknown project.
    """
    if type(envelope) is not int or envelope < 0:
        raise ValueError("the envelope must be a non-negative integer")
    for project, cost in costs.items():
        if type(cost) is not int or cost < 0:
            raise ValueError(f"project {project}: the cost must be a non-negative integer")
    sets = [frozenset(ballot) for ballot in ballots]
    supporters: dict[int, list[int]] = {project: [] for project in costs}
    for voter, approved in enumerate(sets):
        for project in approved:
            if project not in supporters:
                raise ValueError(f"ballot {voter + 1} approves the unknown project {project!r}")
            supporters[project].append(voter)
    return sets, supporters


def tie_key(project: int, votes: int, cost: int) -> tuple[int, int, int]:
    """The documented tie-break, shared by every rule: most votes, then the
    lower cost, then the lower project id."""
    return (-votes, cost, project)


def greedy_fill(
    costs: Mapping[int, int], votes: Mapping[int, int], chosen: Sequence[int], budget_left: int
) -> list[int]:
    """Projects with at least one vote, not yet chosen, taken by :func:`tie_key`
    order while they fit in ``budget_left``; one that does not fit is skipped."""
    taken = set(chosen)
    added = []
    for project in sorted(costs, key=lambda p: tie_key(p, votes[p], costs[p])):
        if project in taken or votes[project] == 0:
            continue
        if costs[project] <= budget_left:
            added.append(project)
            budget_left -= costs[project]
    return added
