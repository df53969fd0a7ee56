"""Append-only hash chain over the ballot box.

Byte-exact definition (all hashes are SHA-256, written as 64 lowercase hex
characters and hashed as their 32 raw bytes)::

    genesis  = SHA-256(b"parvis/v1/chain-genesis" || manifest_hash)
    entry[0] = SHA-256(genesis    || ballot_hash[0] || group[0])
    entry[i] = SHA-256(entry[i-1] || ballot_hash[i] || group[i])

``group`` is the ASCII code of the ballot's group (its voter's commune,
``"49050"``), counted apart so results can be given per commune; empty for a
ballot in no group, whose entry is then exactly as in chains without groups.
The two hashes before it have a fixed length, so it needs no separator.

``manifest_hash`` is the contest manifest's SHA-256, so two contests never
share a chain. An entry input is always exactly 64 bytes and the genesis
input 55 bytes, so the two can never be confused.

Publishing the latest entry (the head) commits to the whole sequence of
ballots cast so far: changing, removing, inserting or reordering any ballot
changes every later entry. Truncation is only detectable against a head
that was published (or given to a voter with their receipt) beforehand, so
pass it as ``head`` to :func:`verify_chain`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from itertools import repeat

from .errors import DecodeError

_GENESIS_TAG = b"parvis/v1/chain-genesis"
_HASH_BYTES = 32
_MAX_GROUP = 10


def _decode(value: object, what: str) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * _HASH_BYTES:
        raise DecodeError(f"{what} must be 64 lowercase hex characters")
    try:
        data = bytes.fromhex(value)
    except ValueError:
        raise DecodeError(f"{what} must be 64 lowercase hex characters") from None
    if data.hex() != value:
        raise DecodeError(f"{what} must be 64 lowercase hex characters")
    return data


def genesis_hash(manifest_hash: str) -> str:
    return hashlib.sha256(_GENESIS_TAG + _decode(manifest_hash, "manifest hash")).hexdigest()


def _group_bytes(group: object) -> bytes:
    if not isinstance(group, str) or len(group) > _MAX_GROUP or not group.isascii() or not group.isalnum() and group:
        raise DecodeError("a group must be up to 10 ASCII letters or digits")
    return group.encode("ascii")


def entry_hash(previous_hash: str, ballot_hash: str, group: str = "") -> str:
    """The chain entry appended after ``previous_hash`` for ``ballot_hash`` in ``group``."""
    return hashlib.sha256(
        _decode(previous_hash, "previous hash") + _decode(ballot_hash, "ballot hash") + _group_bytes(group)
    ).hexdigest()


def build_chain(genesis: str, ballot_hashes: Iterable[str], groups: Iterable[str] | None = None) -> list[str]:
    """All entry hashes for ``ballot_hashes`` (in ``groups``, if given) in order (for tests and rebuilds)."""
    entries = []
    previous = genesis
    for ballot_hash, group in zip(ballot_hashes, groups if groups is not None else repeat("")):
        previous = entry_hash(previous, ballot_hash, group)
        entries.append(previous)
    return entries


def verify_chain(
    genesis: str,
    ballot_hashes: Sequence[str],
    entry_hashes: Sequence[str],
    head: str | None = None,
    groups: Sequence[str] | None = None,
) -> int | None:
    """Return the first position whose entry is wrong, or ``None`` if all are right.

    Entry ``i`` is checked against the *stored* entry ``i - 1``, so the
    position returned is the first altered, removed, inserted or swapped
    ballot (or entry). If the two lists differ in length and everything
    before is consistent, the position is the shorter length. If ``head`` is
    given and the last entry (``genesis`` for an empty chain) differs from
    it, the position is ``len(entry_hashes)``: the chain was truncated or
    extended since ``head`` was published. A malformed stored hash is
    reported as a broken position rather than raised.
    """
    previous = _decode(genesis, "genesis")
    sha256 = hashlib.sha256
    group_of = groups if groups is not None else repeat("")
    for position, (ballot_hash, entry, group) in enumerate(zip(ballot_hashes, entry_hashes, group_of, strict=False)):
        try:
            ballot = bytes.fromhex(ballot_hash)
            stored = bytes.fromhex(entry)
            group_bytes = _group_bytes(group)
        except (TypeError, ValueError, DecodeError):
            return position
        if (
            len(ballot) != _HASH_BYTES
            or ballot.hex() != ballot_hash
            or stored.hex() != entry
            or sha256(previous + ballot + group_bytes).digest() != stored
        ):
            return position
        previous = stored
    common = min(len(ballot_hashes), len(entry_hashes))
    if len(ballot_hashes) != len(entry_hashes):
        return common
    if head is not None and previous != _decode(head, "head"):
        return common
    return None
