"""The proof of shuffle's messages, its generators and its Fiat-Shamir hashes.

Shared by the prover (:mod:`voting.crypto.shuffle`) and the verifier
(:mod:`voting.crypto.shuffle_verify`), which must hash exactly the same
things in the same order; the mathematics is in :mod:`voting.crypto.shuffle`.

JSON of a proof (points and scalars encoded as in :mod:`voting.crypto.group`)::

    {"commitments": [<point>, ...],   # c_1..c_N, commitment to the permutation
     "chain": [<point>, ...],         # ĉ_1..ĉ_N, the chained commitments
     "challenge": <scalar>,           # c, the Fiat-Shamir challenge
     "s1": <scalar>, "s2": <scalar>, "s3": <scalar>,
     "s4": [<scalar>, ...],           # one per ciphertext of a ballot (w)
     "s_hat": [<scalar>, ...],        # ŝ_1..ŝ_N
     "s_prime": [<scalar>, ...]}      # s'_1..s'_N

A list of ballots (the mix-net's input or output) is
``[[{"alpha": <point>, "beta": <point>}, ...], ...]``: N ballots of w
ciphertexts each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeAlias

from .elgamal import Ciphertext
from .errors import DecodeError
from .group import GENERATOR, ORDER, Point, hash_items, hash_to_scalar, scalar_from_hex, scalar_to_hex

ShuffleBallot: TypeAlias = tuple[Ciphertext, ...]
"""One ballot of the mix-net: ``w`` ciphertexts (a folded budget ballot's chunks)."""

MAX_BALLOTS = 2_000_000
"""Upper bound on N: keeps decoding untrusted input bounded."""
MAX_WIDTH = 100
"""Upper bound on w, the ciphertexts per ballot."""

_GENERATOR_DOMAIN = "shuffle/generator"
_STATEMENT_DOMAIN = "shuffle/statement"
_U_DOMAIN = "shuffle/u"
_CHALLENGE_DOMAIN = "shuffle/challenge"
_KEYS = {"commitments", "chain", "challenge", "s1", "s2", "s3", "s4", "s_hat", "s_prime"}


@dataclass(frozen=True, slots=True)
class ShuffleProof:
    """A non-interactive proof that a list of ballots is a re-encrypted
    permutation of another (see :mod:`voting.crypto.shuffle`)."""

    commitments: tuple[Point, ...]
    chain: tuple[Point, ...]
    challenge: int
    s1: int
    s2: int
    s3: int
    s4: tuple[int, ...]
    s_hat: tuple[int, ...]
    s_prime: tuple[int, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "commitments": [p.to_hex() for p in self.commitments],
            "chain": [p.to_hex() for p in self.chain],
            "challenge": scalar_to_hex(self.challenge),
            "s1": scalar_to_hex(self.s1),
            "s2": scalar_to_hex(self.s2),
            "s3": scalar_to_hex(self.s3),
            "s4": [scalar_to_hex(s) for s in self.s4],
            "s_hat": [scalar_to_hex(s) for s in self.s_hat],
            "s_prime": [scalar_to_hex(s) for s in self.s_prime],
        }

    @classmethod
    def from_dict(cls, data: object) -> ShuffleProof:
        """Decode strictly: exact keys, points on the curve (never the
        identity), scalars below ``n``. Lengths are the verifier's business."""
        if not isinstance(data, Mapping) or set(data) != _KEYS:
            raise DecodeError(f"shuffle proof must be an object with keys {', '.join(sorted(_KEYS))}")
        return cls(
            commitments=tuple(Point.from_hex(p) for p in _bounded_list(data["commitments"], MAX_BALLOTS)),
            chain=tuple(Point.from_hex(p) for p in _bounded_list(data["chain"], MAX_BALLOTS)),
            challenge=scalar_from_hex(data["challenge"]),
            s1=scalar_from_hex(data["s1"]),
            s2=scalar_from_hex(data["s2"]),
            s3=scalar_from_hex(data["s3"]),
            s4=tuple(scalar_from_hex(s) for s in _bounded_list(data["s4"], MAX_WIDTH)),
            s_hat=tuple(scalar_from_hex(s) for s in _bounded_list(data["s_hat"], MAX_BALLOTS)),
            s_prime=tuple(scalar_from_hex(s) for s in _bounded_list(data["s_prime"], MAX_BALLOTS)),
        )


def _bounded_list(value: object, bound: int) -> list:
    if not isinstance(value, list) or not 0 < len(value) <= bound:
        raise DecodeError(f"expected a non-empty list of at most {bound} items")
    return value


def ballots_to_list(ballots: Sequence[ShuffleBallot]) -> list[list[dict[str, str]]]:
    return [[c.to_dict() for c in ballot] for ballot in ballots]


def ballots_from_list(data: object, *, allow_identity: bool = False) -> list[ShuffleBallot]:
    """Decode a list of N ballots of w ciphertexts each, all of the same width.

    ``allow_identity``: for the mix-net's *input*, whose folded ciphertexts
    are homomorphic sums (see :class:`~voting.crypto.elgamal.Ciphertext`).
    """
    ballots = [
        tuple(Ciphertext.from_dict(c, allow_identity=allow_identity) for c in _bounded_list(ballot, MAX_WIDTH))
        for ballot in _bounded_list(data, MAX_BALLOTS)
    ]
    if len({len(ballot) for ballot in ballots}) != 1:
        raise DecodeError("every ballot must hold the same number of ciphertexts")
    return ballots


@lru_cache(maxsize=4)
def shuffle_generators(seed: str, count: int) -> tuple[Point, ...]:
    """``h_0, h_1, ..., h_count``: points nobody knows a discrete log of.

    Nothing up the sleeve, by try-and-increment on x: for index ``i`` and
    counter ``k = 0, 1, 2, ...``, ``x`` is the first 32 bytes of
    ``hash_items("shuffle/generator", seed, i, k)`` (SHA-512, see
    :func:`voting.crypto.group.hash_items`); the first ``x`` that is the
    x-coordinate of a curve point gives ``h_i``, the one with an even ``y``
    (SEC1 prefix ``02``). About half of the x values work, so two hashes and
    one square root per generator on average. The seed names the contest
    (its manifest hash), so each contest's generators are its own.
    """
    if not seed:
        raise ValueError("the generators' seed must be a non-empty string")
    points = []
    for index in range(count + 1):
        counter = 0
        while True:
            candidate = b"\x02" + hash_items(_GENERATOR_DOMAIN, seed, index, counter)[:32]
            try:
                points.append(Point.from_bytes(candidate))
                break
            except DecodeError:  # x not below the field prime, or not on the curve
                counter += 1
    return tuple(points)


def statement_hash(
    *,
    context: str | bytes,
    public_key: Point,
    generator_seed: str,
    inputs: Sequence[ShuffleBallot],
    outputs: Sequence[ShuffleBallot],
    commitments: Sequence[Point],
) -> bytes:
    """What the challenges ``u_j`` and ``c`` are bound to: domain, contest,
    group generator, public key, generators' seed, sizes, every input and
    output ciphertext and the permutation commitments."""
    width = len(inputs[0]) if inputs else 0
    return hash_items(
        _STATEMENT_DOMAIN,
        context,
        GENERATOR,
        public_key,
        generator_seed,
        len(inputs),
        width,
        *(point for ballot in inputs for c in ballot for point in (c.alpha, c.beta)),
        *(point for ballot in outputs for c in ballot for point in (c.alpha, c.beta)),
        *commitments,
    )


def challenges_u(statement: bytes, count: int) -> list[int]:
    """``u_1..u_N``: one per *input* ballot, from the statement hash."""
    return [hash_to_scalar(_U_DOMAIN, statement, j) for j in range(1, count + 1)]


def final_challenge(statement: bytes, chain: Sequence[Point], announcements: Sequence[Point]) -> int:
    """``c``: binds the statement, the chained commitments and every
    announcement ``t1, t2, t3, t4 (2w points), t̂_1..t̂_N``."""
    return hash_to_scalar(_CHALLENGE_DOMAIN, statement, *chain, *announcements)


def check_scalars(*values: int) -> None:
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < ORDER:
            raise ValueError("proof scalars must be integers in [0, n)")
