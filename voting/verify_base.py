"""What every part of the standalone verifier shares: the record formats, and how a check fails or is skipped.

No Django here, like :mod:`voting.verify`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

FORMAT = "parvis-record/4"
_V1_KEYS = frozenset(
    {
        "format",
        "manifest",
        "manifest_hash",
        "ballots",
        "head_hash",
        "encrypted_sums",
        "partial_decryptions",
        "result",
    }
)
FORMATS = {
    # record format: (its fields, the manifest format it carries)
    "parvis-record/1": (_V1_KEYS, "parvis-manifest/1"),
    "parvis-record/2": (_V1_KEYS | {"key_ceremony", "audited_ballots"}, "parvis-manifest/2"),
    # /3: the manifest freezes the winners rule; an equal-shares count adds its shuffle and profile.
    "parvis-record/3": (_V1_KEYS | {"key_ceremony", "audited_ballots", "equal_shares"}, "parvis-manifest/3"),
    # /4: each ballot names its group (its commune), chained with it; groups are counted apart too.
    FORMAT: (_V1_KEYS | {"key_ceremony", "audited_ballots", "equal_shares", "groups"}, "parvis-manifest/3"),
}
ENTRY_KEYS = frozenset({"position", "ballot", "tracker", "entry_hash"})
GROUPED_ENTRY_KEYS = ENTRY_KEYS | {"group"}

Json: TypeAlias = Any
"""Decoded, untrusted JSON. Steps index it freely: :meth:`RecordVerifier.run`
turns the resulting ``KeyError``/``TypeError``/... into a failed check."""


class CheckFailed(Exception):
    """A check failed; the message says why, for people."""


class CheckSkipped(Exception):
    """A check was not run: at the reader's request, or the record has nothing of its kind."""


def positions(indices: Sequence[int]) -> str:
    """``"3, 7, 12 and 4 more"``: positions counted from 1, kept short."""
    shown = ", ".join(str(i + 1) for i in indices[:5])
    return shown + (f" and {len(indices) - 5} more" if len(indices) > 5 else "")


def whole_number(value: object, what: str) -> int:
    if type(value) is not int or value < 0:
        raise CheckFailed(f"{what} is not a whole number: {value!r}")
    return value
