"""Counting: homomorphic sums, threshold decryption and discrete logs.

Flow for one contest, once the ballot box is closed:

1. :func:`sum_ballots` (or :func:`sum_encoded` straight from stored JSON)
   adds every ballot's ciphertext per slot (each option, then the blank
   slot if any); publish the sums.
2. Each trustee runs :func:`voting.crypto.threshold.partial_decrypt` on the
   sums with its share, with the contest context.
3. :func:`decrypt_tally` verifies the partial decryptions, combines any
   ``threshold`` valid ones and takes discrete logs to get the counts.
   :func:`tally` does 1-3 in one go (re-verifying ballots if asked), which is
   also what an independent auditor runs.

Check the ballot box's hash chain (:mod:`voting.crypto.chain`) against the
same ballots before counting.

Summing is the hot path: decoding a compressed point costs ~5 us (a field
square root), adding it inside one ``combine_keys`` call ~0.3 us.
Ballots are processed in chunks so memory stays bounded, and
:func:`sum_encoded` can spread the decoding over several processes, as
:func:`find_invalid_ballots` does for re-verifying every ballot's proofs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_context
from typing import TypeVar

from .ballot import Ballot, ContestParameters, verify_ballot
from .dlog import discrete_log
from .elgamal import Ciphertext, plaintext_point, sum_ciphertexts
from .errors import DecodeError, InvalidBallotError
from .group import IDENTITY, Point, sum_points
from .proofs import Context
from .threshold import PartialDecryption, ThresholdPublicKey, combine_partial_decryptions

CHUNK_SIZE = 10_000
VERIFY_CHUNK_SIZE = 200
"""Ballots per proof-verification task: ~1 s of work, so workers stay busy."""

_T = TypeVar("_T")
_R = TypeVar("_R")
_A = TypeVar("_A")
EncodedCiphertexts = Sequence[Mapping[str, str]]
"""A ballot's ``"ciphertexts"`` JSON value: ``[{"alpha": hex, "beta": hex}, ...]``."""


@dataclass(frozen=True, slots=True)
class TallyResult:
    """Counts per slot (options, then blank if any) plus everything needed to
    re-check them publicly."""

    counts: tuple[int, ...]
    encrypted_sums: tuple[Ciphertext, ...]
    decryption_factors: tuple[Point, ...]
    trustees: tuple[int, ...]
    rejected_trustees: tuple[int, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "counts": list(self.counts),
            "encrypted_sums": [c.to_dict() for c in self.encrypted_sums],
            "decryption_factors": [d.to_hex() for d in self.decryption_factors],
            "trustees": list(self.trustees),
            "rejected_trustees": list(self.rejected_trustees),
        }


def _chunks(items: Iterable[_T], size: int) -> Iterator[tuple[int, list[_T]]]:
    iterator = iter(items)
    offset = 0
    while chunk := list(islice(iterator, size)):
        yield offset, chunk
        offset += len(chunk)


def _map_chunks(
    function: Callable[[list[_R], _A, int], _T],
    rows: Iterable[_R],
    argument: _A,
    *,
    workers: int,
    chunk_size: int,
) -> Iterator[_T]:
    """``function(chunk, argument, offset)`` for each chunk of ``rows``, in order.

    ``workers > 1`` runs it in that many "spawn" subprocesses (safe under
    threaded servers), with at most ``2 * workers`` chunks in flight so a
    huge ballot box is never pickled all at once. Impossible inside a
    daemonic process such as a Celery prefork worker (run it from a
    management command), and the caller's ``__main__`` must be import-safe,
    as always with "spawn".
    """
    chunks = _chunks(rows, chunk_size)
    if workers <= 1:
        for offset, chunk in chunks:
            yield function(chunk, argument, offset)
        return
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        pending: deque[Future[_T]] = deque()
        for offset, chunk in chunks:
            pending.append(pool.submit(function, chunk, argument, offset))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _empty_sums(n_slots: int) -> list[Ciphertext]:
    return [Ciphertext(IDENTITY, IDENTITY)] * n_slots


def sum_ballots(
    ballots: Iterable[Ballot], n_slots: int, *, chunk_size: int = CHUNK_SIZE
) -> tuple[Ciphertext, ...]:
    """Per-slot homomorphic sums of already decoded ballots."""
    totals = _empty_sums(n_slots)
    for offset, chunk in _chunks(ballots, chunk_size):
        for position, ballot in enumerate(chunk, start=offset):
            if len(ballot.ciphertexts) != n_slots:
                raise InvalidBallotError(position)
        for slot in range(n_slots):
            chunk_sum = sum_ciphertexts(ballot.ciphertexts[slot] for ballot in chunk)
            totals[slot] = totals[slot] + chunk_sum
    return tuple(totals)


def _sum_encoded_chunk(
    rows: list[EncodedCiphertexts], n_slots: int, offset: int
) -> list[tuple[bytes, bytes]]:
    """Decode (validating every point) and sum one chunk; runs in workers,
    so it returns plain bytes (SEC1, identity allowed)."""
    alphas: list[list[Point]] = [[] for _ in range(n_slots)]
    betas: list[list[Point]] = [[] for _ in range(n_slots)]
    for position, row in enumerate(rows, start=offset):
        # Same checks as Ciphertext.from_dict, minus the per-object overhead:
        # this loop runs once per ciphertext of the whole ballot box.
        try:
            if len(row) != n_slots:
                raise DecodeError("wrong number of ciphertexts")
            for slot, encoded in enumerate(row):
                if len(encoded) != 2:
                    raise DecodeError("ciphertext must have exactly alpha and beta")
                alphas[slot].append(Point.from_hex(encoded["alpha"]))
                betas[slot].append(Point.from_hex(encoded["beta"]))
        except (DecodeError, KeyError, TypeError):
            raise InvalidBallotError(position) from None
    return [
        (sum_points(alphas[slot]).to_bytes(), sum_points(betas[slot]).to_bytes())
        for slot in range(n_slots)
    ]


def sum_encoded(
    rows: Iterable[EncodedCiphertexts],
    n_slots: int,
    *,
    workers: int = 1,
    chunk_size: int = CHUNK_SIZE,
) -> tuple[Ciphertext, ...]:
    """Per-slot sums straight from each ballot's stored ``"ciphertexts"``
    JSON value, skipping proof decoding (ballots were verified at casting).

    Every point is still fully validated. ``workers > 1`` decodes chunks in
    that many subprocesses (see :func:`_map_chunks` for the caveats); worth
    it only for large ballot boxes. Raises :class:`InvalidBallotError` with
    the position of the first malformed row.
    """
    totals = _empty_sums(n_slots)
    partial_sums = _map_chunks(
        _sum_encoded_chunk, rows, n_slots, workers=workers, chunk_size=chunk_size
    )
    for encoded in partial_sums:
        for slot, (alpha, beta) in enumerate(encoded):
            chunk_sum = Ciphertext(
                Point.from_bytes(alpha, allow_identity=True),
                Point.from_bytes(beta, allow_identity=True),
            )
            totals[slot] = totals[slot] + chunk_sum
    return tuple(totals)


def _verify_encoded_chunk(rows: list[object], params: ContestParameters, offset: int) -> list[int]:
    """Positions of the rows of one chunk that do not decode or verify; runs in workers."""
    invalid = []
    for position, row in enumerate(rows, start=offset):
        try:
            valid = verify_ballot(params, Ballot.from_dict(row))
        except DecodeError:
            valid = False
        if not valid:
            invalid.append(position)
    return invalid


def find_invalid_ballots(
    params: ContestParameters,
    rows: Iterable[object],
    *,
    workers: int = 1,
    chunk_size: int = VERIFY_CHUNK_SIZE,
) -> list[int]:
    """Positions (from 0) of the ballots, given as their decoded JSON
    (:meth:`Ballot.to_dict`), that are malformed or fail :func:`verify_ballot`.

    This is what an auditor re-runs over a whole ballot box: proof checking
    dominates its cost (see ``bench/crypto_bench.py``) and parallelizes
    perfectly, so ``workers > 1`` verifies chunks in subprocesses (see
    :func:`_map_chunks` for the caveats).
    """
    invalid: list[int] = []
    for positions in _map_chunks(
        _verify_encoded_chunk, rows, params, workers=workers, chunk_size=chunk_size
    ):
        invalid += positions
    return invalid


def decrypt_tally(
    public: ThresholdPublicKey,
    sums: Sequence[Ciphertext],
    partials: Iterable[PartialDecryption],
    context: Context,
    max_count: int,
) -> TallyResult:
    """Verify and combine partial decryptions of ``sums``, then take discrete
    logs. ``max_count`` (the number of ballots summed) bounds each count.

    Raises :class:`~voting.crypto.errors.NotEnoughSharesError` if fewer than
    ``threshold`` partial decryptions are valid.
    """
    combined = combine_partial_decryptions(public, sums, partials, context)
    counts = tuple(
        discrete_log(plaintext_point(ciphertext, factor), max_count)
        for ciphertext, factor in zip(sums, combined.factors, strict=True)
    )
    return TallyResult(counts, tuple(sums), combined.factors, combined.trustees, combined.rejected)


def tally(
    params: ContestParameters,
    public: ThresholdPublicKey,
    ballots: Sequence[Ballot],
    partials: Iterable[PartialDecryption],
    *,
    verify_ballots: bool = True,
) -> TallyResult:
    """Verify (optionally) every ballot, sum them, and decrypt the sums.

    ``partials`` must be partial decryptions of exactly these sums with
    ``params.context``. ``verify_ballots=False`` is for a box whose ballots
    were all verified at casting (proof checking dominates the cost: see
    ``bench/crypto_bench.py``).
    """
    if params.public_key != public.public_key:
        raise ValueError("contest public key does not match the threshold key")
    if verify_ballots:
        for position, ballot in enumerate(ballots):
            if not verify_ballot(params, ballot):
                raise InvalidBallotError(position)
    sums = sum_ballots(ballots, params.n_slots)
    return decrypt_tally(public, sums, partials, params.context, len(ballots))
