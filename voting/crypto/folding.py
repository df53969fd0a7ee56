"""Folding a budget ballot into few ciphertexts, and reading approval sets back.

A budget ballot holds one ciphertext per project, of 0 or 1 (with proofs,
:mod:`voting.crypto.ballot`). To count by equal shares each ballot's whole
approval set is decrypted after the mix-net (:mod:`voting.crypto.shuffle`);
decrypting 20 ciphertexts per ballot would cost 20 partial decryptions and
proofs per trustee and ballot. Exponential ElGamal adds plaintexts, so the
project ciphertexts of a chunk of at most :data:`CHUNK_BITS` projects fold
into one ciphertext of the chunk's bit mask::

    F = Σ_i 2^i * c_i  encrypts  m = Σ_i 2^i * b_i  (b_i in {0, 1}, i < CHUNK_BITS)

Anyone recomputes ``F`` from the published ballots (it is deterministic and
public), so folding needs no proof. ``m < 2^12`` is found with one look-up
in a table of the 4,096 points ``m*G``; 20 projects make 2 chunks (12 + 8),
i.e. 2 ciphertexts per ballot to shuffle and decrypt instead of 20.

Chunks are consecutive, in the manifest's project order: chunk ``k`` holds
projects ``12k .. 12k + 11``; bit ``i`` of its mask is project ``12k + i``.
A ballot's blank slot, if any, is not folded: a blank ballot folds to the
empty approval set.

``2^i * c`` is computed by Horner's rule, with doublings (point additions,
~4 us) rather than scalar multiplications (~33 us).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from .elgamal import Ciphertext, plaintext_point
from .errors import DecodeError
from .group import GENERATOR, IDENTITY, Point, sum_points
from .proofs import Context
from .threshold import PartialDecryption, ThresholdPublicKey, combine_partial_decryptions

CHUNK_BITS = 12
"""Projects per folded ciphertext: a table of 2^12 points decodes each chunk."""


def chunk_sizes(n_options: int, chunk_bits: int = CHUNK_BITS) -> list[int]:
    """Projects in each chunk: ``[12, 8]`` for 20 projects."""
    if n_options < 1 or not 1 <= chunk_bits <= 24:
        raise ValueError("need at least one option and 1 <= chunk_bits <= 24")
    full, rest = divmod(n_options, chunk_bits)
    return [chunk_bits] * full + ([rest] if rest else [])


def _fold_points(points: Sequence[Point]) -> Point:
    # Horner from the highest bit: acc = 2*acc + p_i, one batched addition each.
    acc = IDENTITY
    for point in reversed(points):
        acc = sum_points([acc, acc, point])
    return acc


def fold_ballot(ciphertexts: Sequence[Ciphertext], n_options: int, chunk_bits: int = CHUNK_BITS) -> tuple[Ciphertext, ...]:
    """The folded ciphertexts of one ballot's first ``n_options`` slots."""
    if len(ciphertexts) < n_options:
        raise ValueError("the ballot has fewer slots than options")
    folded = []
    start = 0
    for size in chunk_sizes(n_options, chunk_bits):
        chunk = ciphertexts[start:start + size]
        folded.append(Ciphertext(_fold_points([c.alpha for c in chunk]), _fold_points([c.beta for c in chunk])))
        start += size
    return tuple(folded)


def fold_ballots(
    ballots: Iterable[Sequence[Ciphertext]], n_options: int, chunk_bits: int = CHUNK_BITS
) -> list[tuple[Ciphertext, ...]]:
    """:func:`fold_ballot` for each ballot: the mix-net's input."""
    return [fold_ballot(ballot, n_options, chunk_bits) for ballot in ballots]


@lru_cache(maxsize=4)
def _mask_table(chunk_bits: int) -> dict[bytes, int]:
    table: dict[bytes, int] = {}
    current = IDENTITY
    for m in range(1 << chunk_bits):
        table[current.to_bytes()] = m  # the identity encodes as b"\x00": m = 0
        current = current + GENERATOR
    return table


def mask_of(point: Point, chunk_bits: int = CHUNK_BITS) -> int:
    """``m`` with ``m*G == point`` and ``0 <= m < 2^chunk_bits``.

    Raises :class:`DecodeError` otherwise: the decrypted value is not a bit
    mask, so the ballot was not folded from 0/1 ciphertexts.
    """
    mask = _mask_table(chunk_bits).get(point.to_bytes())
    if mask is None:
        raise DecodeError("a decrypted folded ballot is not a bit mask")
    return mask


def approvals_from_masks(masks: Sequence[int], n_options: int, chunk_bits: int = CHUNK_BITS) -> tuple[int, ...]:
    """The approved projects' positions (0-based, manifest order) from a ballot's chunk masks."""
    sizes = chunk_sizes(n_options, chunk_bits)
    if len(masks) != len(sizes):
        raise DecodeError("a folded ballot has the wrong number of chunks")
    approved = []
    start = 0
    for mask, size in zip(masks, sizes, strict=True):
        if not 0 <= mask < 1 << size:
            raise DecodeError("a chunk's mask has bits beyond its projects")
        approved += [start + i for i in range(size) if mask >> i & 1]
        start += size
    return tuple(approved)


def flatten(ballots: Sequence[Sequence[Ciphertext]]) -> list[Ciphertext]:
    """Ballots' ciphertexts in one list, ballot after ballot: what trustees decrypt."""
    return [c for ballot in ballots for c in ballot]


def decrypt_folded(
    public: ThresholdPublicKey,
    ballots: Sequence[Sequence[Ciphertext]],
    partials: Iterable[PartialDecryption],
    context: Context,
    n_options: int,
    chunk_bits: int = CHUNK_BITS,
) -> list[tuple[int, ...]]:
    """Each (shuffled, folded) ballot's approval set, from the trustees' partial decryptions.

    ``partials`` were made with :func:`voting.crypto.threshold.partial_decrypt`
    over :func:`flatten` ``(ballots)``; each is verified (its proofs) and
    ``threshold`` valid ones are combined. Raises
    :class:`~voting.crypto.errors.NotEnoughSharesError` if too few verify and
    :class:`DecodeError` if a ballot does not decrypt to bit masks.
    """
    width = len(chunk_sizes(n_options, chunk_bits))
    if any(len(ballot) != width for ballot in ballots):
        raise DecodeError(f"every folded ballot must hold {width} ciphertexts")
    ciphertexts = flatten(ballots)
    combined = combine_partial_decryptions(public, ciphertexts, partials, context)
    masks = [
        mask_of(plaintext_point(c, factor), chunk_bits)
        for c, factor in zip(ciphertexts, combined.factors, strict=True)
    ]
    return [
        approvals_from_masks(masks[start:start + width], n_options, chunk_bits)
        for start in range(0, len(masks), width)
    ]
