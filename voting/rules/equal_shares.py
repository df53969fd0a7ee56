"""The Method of Equal Shares (Peters and Skowron), for approval ballots.

As on equalshares.net and in ``pabutools`` (its reference implementation),
with *cost utilities* (a voter's utility for a project they approve is its
cost: the variant equalshares.net uses for approval ballots):

1. Each of the ``N`` voters gets an equal share ``B / N`` of the envelope.
2. A project ``p`` of cost ``c_p`` is *affordable for* ``ρ`` if its
   supporters can pay for it when each pays ``min(budget_i, ρ * c_p)``.
   Repeatedly fund the project affordable for the smallest ``ρ`` (the one
   whose supporters share its cost most equally; equalshares.net's "most
   effective votes" ``1 / ρ``), and charge its supporters; stop when no
   project's supporters have enough money left together.
3. Completion, "add1" (equalshares.net's recommendation, pabutools'
   ``voter_budget_increment=1``): while the outcome is not exhaustive (some
   voted project still fits in the envelope), rerun step 2 with every
   voter's share one currency unit higher; keep the last outcome that fits
   in the envelope. As pabutools, the first run uses exactly ``B / N``
   (equalshares.net's own code starts from ``floor(B / N)``).
4. Then fill greedily: the remaining projects with at least one vote, most
   votes first, while the rest of the envelope allows
   (:func:`voting.rules.outcome.greedy_fill`).

Exact arithmetic throughout (:class:`fractions.Fraction`): shares like
``1,000,000 / 3,019`` are never rounded, so the outcome is reproducible by
anyone. Ties (same ``ρ``) are broken by :func:`~voting.rules.outcome.tie_key`:
most votes, then the lower cost, then the lower project id. A project with
no vote is never funded; one that costs 0 and has a vote is funded first,
its supporters paying nothing (as pabutools does).

Speed: budgets are kept per *class* of voters holding the same amount (all
start in one class; paying for a winner moves its supporters to the class of
their new budget, everyone who has spent all sharing one); each round counts
a project's supporters per class with :class:`collections.Counter` instead
of adding thousands of fractions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

try:
    # gmpy2's exact rationals (GMP) are ~10 times faster than Fraction and give
    # the same values; without gmpy2 (e.g. an auditor's bare Python) Fraction is used.
    from gmpy2 import mpq as _Q
except ImportError:  # pragma: no cover - exercised where gmpy2 is absent
    _Q = Fraction

from .outcome import BudgetOutcome, check_profile, greedy_fill, tie_key


@dataclass
class _Run:
    """One run of step 2 at a given share per voter."""

    winners: list[int]
    spent: int
    payments: dict[int, dict[int, Fraction]]


def _run(
    costs: Mapping[int, int],
    supporters: Mapping[int, list[int]],
    n_voters: int,
    share: Fraction,
    keys: Mapping[int, tuple[int, int, int]],
) -> _Run:
    class_of = [0] * n_voters
    class_budget: list[Fraction] = [share]
    class_index: dict[Fraction, int] = {share: 0}
    # Sort key (float, exact): floats order fast and rounding is monotone, so the
    # order is the exact one; the Fraction only decides between equal floats.
    class_key: list[tuple[float, Fraction]] = [(float(share), share)]
    winners = [p for p in sorted(costs, key=keys.__getitem__) if costs[p] == 0 and supporters[p]]
    payments: dict[int, dict[int, Fraction]] = {p: dict.fromkeys(supporters[p], _Q(0)) for p in winners}
    # ρ only grows as budgets shrink, so last round's ρ is a lower bound (equalshares.net's pruning).
    previous = {p: _Q(1, len(supporters[p])) for p in costs if costs[p] > 0 and supporters[p]}
    while previous:
        best: int | None = None
        best_rho = _Q(0)
        for project in sorted(previous, key=lambda p: (float(previous[p]), previous[p], keys[p])):
            if best is not None and (previous[project], keys[project]) > (best_rho, keys[best]):
                break
            per_class = Counter(map(class_of.__getitem__, supporters[project]))
            cost = costs[project]
            paid, left = _Q(0), len(supporters[project])
            for k in sorted(per_class, key=class_key.__getitem__):  # poorest first
                count = per_class[k]
                budget = class_budget[k]
                if budget and cost - paid <= budget * left:
                    # This class, and every richer one, can pay an equal part: the price.
                    rho = (cost - paid) / (left * cost)
                    previous[project] = rho
                    if best is None or (rho, keys[project]) < (best_rho, keys[best]):
                        best, best_rho = project, rho
                    break
                paid += budget * count  # they give all they have left
                left -= count
            else:
                del previous[project]  # its supporters together can no longer pay for it
        if best is None:
            break
        del previous[best]
        winners.append(best)
        price = best_rho * costs[best]
        moved: dict[int, int] = {}  # old class -> its supporters' new class
        paid_by_class: dict[int, Fraction] = {}
        paid: dict[int, Fraction] = {}
        for voter in supporters[best]:
            old = class_of[voter]
            if old not in moved:
                paid_by_class[old] = min(class_budget[old], price)
                moved[old] = _class_for(class_budget[old] - paid_by_class[old], class_budget, class_index, class_key)
            class_of[voter] = moved[old]
            paid[voter] = paid_by_class[old]
        payments[best] = paid
    return _Run(winners, sum(costs[p] for p in winners), payments)


def _exact(value) -> Fraction:
    return Fraction(int(value.numerator), int(value.denominator))


def _class_for(
    budget: Fraction, class_budget: list[Fraction], class_index: dict[Fraction, int], class_key: list
) -> int:
    """The class of the voters left with ``budget``: voters with equal budgets
    share one class (e.g. everyone who has spent all), so classes stay few."""
    if budget not in class_index:
        class_index[budget] = len(class_budget)
        class_budget.append(budget)
        class_key.append((float(budget), budget))
    return class_index[budget]


def equal_shares(
    *,
    costs: Mapping[int, int],
    ballots: Sequence[Iterable[int]],
    envelope: int,
    completion: bool = True,
) -> BudgetOutcome:
    """Winners by the Method of Equal Shares with the add1 and greedy
    completions (``completion=False``: step 2 alone, at ``envelope / N``).

    ``ballots``: one iterable of approved project ids per voter (an empty
    one still counts as a voter with a share). Raises :class:`ValueError` on
    invalid input (see :func:`voting.rules.outcome.check_profile`).
    """
    sets, supporters = check_profile(costs, ballots, envelope)
    votes = {project: len(voters) for project, voters in supporters.items()}
    if not sets:
        return BudgetOutcome(rule="equal-shares", winners=(), spent=0, envelope=envelope, votes=votes)
    keys = {project: tie_key(project, votes[project], costs[project]) for project in costs}
    share = _Q(envelope, len(sets))
    result = _run(costs, supporters, len(sets), share, keys)
    if completion:
        candidates = [p for p in costs if costs[p] > 0 and votes[p] > 0]
        while True:
            chosen = set(result.winners)
            if not any(p not in chosen and result.spent + costs[p] <= envelope for p in candidates):
                break  # exhaustive
            attempt = _run(costs, supporters, len(sets), share + 1, keys)
            if attempt.spent > envelope:
                break  # one unit more per voter no longer fits: keep the last that did
            share, result = share + 1, attempt
    added = greedy_fill(costs, votes, result.winners, envelope - result.spent) if completion else []
    winners = (*result.winners, *added)
    return BudgetOutcome(
        rule="equal-shares",
        winners=winners,
        spent=sum(costs[p] for p in winners),
        envelope=envelope,
        votes=votes,
        payments={p: {v: _exact(x) for v, x in paid.items()} for p, paid in result.payments.items()},
        completion=tuple(added),
        voter_budget=_exact(share),
    )
