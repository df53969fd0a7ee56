"""Small discrete logarithms: recover ``m`` from ``m*G`` by baby-step giant-step.

Exponential ElGamal decrypts to ``m*G``; ``m`` is a vote count, bounded by
the number of voters. With ``s = ceil(sqrt(bound + 1))`` baby steps
``{j*G : 0 <= j < s}`` stored in a dict, ``m = i*s + j`` is found after at
most ``s`` giant steps ``P - i*s*G``: ~1,415 point additions each way for
the default bound of 2,000,000, i.e. a few milliseconds. Tables are cached
per bound, so decrypting every option of a contest builds one table.

Only public values (tally results) go through here; timing is irrelevant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import isqrt

from .errors import DiscreteLogError
from .group import GENERATOR, IDENTITY, Point, base_mul

DEFAULT_BOUND = 2_000_000
"""Default largest ``m`` searched: an upper bound on voters per contest."""


@dataclass(frozen=True, slots=True)
class _Table:
    bound: int
    step: int
    baby: dict[bytes, int]
    giant: Point  # -step*G


@lru_cache(maxsize=8)
def _table(bound: int) -> _Table:
    step = isqrt(bound) + 1  # step**2 > bound, so step giant steps suffice
    baby: dict[bytes, int] = {}
    current = IDENTITY
    for j in range(step):
        baby[current.to_bytes()] = j  # IDENTITY encodes as b"\x00": m = 0 is found
        current = current + GENERATOR
    return _Table(bound, step, baby, base_mul(-step))


def discrete_log(point: Point, bound: int = DEFAULT_BOUND) -> int:
    """Return ``m`` in ``[0, bound]`` with ``m*G == point``.

    The identity gives 0. Raises :class:`DiscreteLogError` if no such ``m``
    exists, which for a tally means the inputs were not valid ballots.
    """
    if bound < 0:
        raise ValueError("bound must be non-negative")
    table = _table(bound)
    current = point
    for i in range(table.step):
        j = table.baby.get(current.to_bytes())
        if j is not None:
            m = i * table.step + j
            if m <= bound:
                return m
            break
        current = current + table.giant
    raise DiscreteLogError(f"point is not m*G for any m in [0, {bound}]")
