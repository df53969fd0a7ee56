"""Counting: homomorphic sums, threshold decryption and discrete logs.

Flow for one contest, once the ballot box is closed:

1. :func:`sum_ballots` (or :func:`sum_encoded` straight from stored JSON)
   adds every ballot's ciphertext per option; publish the sums.
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
:func:`sum_encoded` can spread the decoding over several processes.
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

_T = TypeVar("_T")
EncodedCiphertexts = Sequence[Mapping[str, str]]
"""A ballot's ``"ciphertexts"`` JSON value: ``[{"alpha": hex, "beta": hex}, ...]``."""


@dataclass(frozen=True, slots=True)
class TallyResult:
    """Counts per option plus everything needed to re-check them publicly."""

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


def _empty_sums(n_options: int) -> list[Ciphertext]:
    return [Ciphertext(IDENTITY, IDENTITY)] * n_options


def sum_ballots(
    ballots: Iterable[Ballot], n_options: int, *, chunk_size: int = CHUNK_SIZE
) -> tuple[Ciphertext, ...]:
    """Per-option homomorphic sums of already decoded ballots."""
    totals = _empty_sums(n_options)
    for offset, chunk in _chunks(ballots, chunk_size):
        for position, ballot in enumerate(chunk, start=offset):
            if len(ballot.ciphertexts) != n_options:
                raise InvalidBallotError(position)
        for option in range(n_options):
            chunk_sum = sum_ciphertexts(ballot.ciphertexts[option] for ballot in chunk)
            totals[option] = totals[option] + chunk_sum
    return tuple(totals)


def _sum_encoded_chunk(
    rows: list[EncodedCiphertexts], n_options: int, offset: int
) -> list[tuple[bytes, bytes]]:
    """Decode (validating every point) and sum one chunk; runs in workers,
    so it returns plain bytes (SEC1, identity allowed)."""
    alphas: list[list[Point]] = [[] for _ in range(n_options)]
    betas: list[list[Point]] = [[] for _ in range(n_options)]
    for position, row in enumerate(rows, start=offset):
        # Same checks as Ciphertext.from_dict, minus the per-object overhead:
        # this loop runs once per ciphertext of the whole ballot box.
        try:
            if len(row) != n_options:
                raise DecodeError("wrong number of ciphertexts")
            for option, encoded in enumerate(row):
                if len(encoded) != 2:
                    raise DecodeError("ciphertext must have exactly alpha and beta")
                alphas[option].append(Point.from_hex(encoded["alpha"]))
                betas[option].append(Point.from_hex(encoded["beta"]))
        except (DecodeError, KeyError, TypeError):
            raise InvalidBallotError(position) from None
    return [
        (sum_points(alphas[option]).to_bytes(), sum_points(betas[option]).to_bytes())
        for option in range(n_options)
    ]


def _bounded_map(
    pool: ProcessPoolExecutor,
    function: Callable[..., _T],
    chunks: Iterator[tuple[int, list[EncodedCiphertexts]]],
    n_options: int,
    window: int,
) -> Iterator[_T]:
    """Like ``pool.map`` but with at most ``window`` chunks in flight, so a
    huge ballot box is never pickled all at once."""
    pending: deque[Future[_T]] = deque()
    for offset, chunk in chunks:
        pending.append(pool.submit(function, chunk, n_options, offset))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def sum_encoded(
    rows: Iterable[EncodedCiphertexts],
    n_options: int,
    *,
    workers: int = 1,
    chunk_size: int = CHUNK_SIZE,
) -> tuple[Ciphertext, ...]:
    """Per-option sums straight from each ballot's stored ``"ciphertexts"``
    JSON value, skipping proof decoding (ballots were verified at casting).

    Every point is still fully validated. ``workers > 1`` decodes chunks in
    that many "spawn" subprocesses (safe under threaded servers); worth it
    only for large ballot boxes. Raises :class:`InvalidBallotError` with the
    position of the first malformed row.
    """
    chunks = _chunks(rows, chunk_size)
    if workers <= 1:
        partial_sums: Iterable[list[tuple[bytes, bytes]]] = (
            _sum_encoded_chunk(chunk, n_options, offset) for offset, chunk in chunks
        )
        return _add_encoded_sums(partial_sums, n_options)
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        return _add_encoded_sums(
            _bounded_map(pool, _sum_encoded_chunk, chunks, n_options, 2 * workers), n_options
        )


def _add_encoded_sums(
    partial_sums: Iterable[list[tuple[bytes, bytes]]], n_options: int
) -> tuple[Ciphertext, ...]:
    totals = _empty_sums(n_options)
    for encoded in partial_sums:
        for option, (alpha, beta) in enumerate(encoded):
            chunk_sum = Ciphertext(
                Point.from_bytes(alpha, allow_identity=True),
                Point.from_bytes(beta, allow_identity=True),
            )
            totals[option] = totals[option] + chunk_sum
    return tuple(totals)


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
        for ciphertext, factor in zip(sums, combined.factors)
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
    sums = sum_ballots(ballots, params.n_options)
    return decrypt_tally(public, sums, partials, params.context, len(ballots))
