"""Exceptions raised by :mod:`voting.crypto`.

All of them derive from :class:`ValueError` so that callers that only care
about "bad input" can catch one type. Messages never contain secret values
(shares, nonces, plaintexts): they may end up in logs or HTTP responses.
"""

from __future__ import annotations


class CryptoError(ValueError):
    """Base class of every error raised by this package."""


class DecodeError(CryptoError):
    """A serialized point, scalar, ciphertext, proof or ballot is malformed."""


class InvalidShareError(CryptoError):
    """A trustee's key share does not match the public commitments."""


class NotEnoughSharesError(CryptoError):
    """Fewer than ``threshold`` valid partial decryptions were supplied."""


class InvalidBallotError(CryptoError):
    """A ballot is malformed or failed verification; ``position`` is its
    index in the input sequence."""

    def __init__(self, position: int) -> None:
        super().__init__(position)  # args stay picklable across processes
        self.position = position

    def __str__(self) -> str:
        return f"ballot at position {self.position} is invalid"


class DiscreteLogError(CryptoError):
    """A decrypted point is not ``m*G`` for any ``m`` in the searched range."""
