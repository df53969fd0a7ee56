"""Exponential (additively homomorphic) ElGamal.

``Enc_Y(m; r) = (alpha, beta) = (r*G, m*G + r*Y)``. Adding ciphertexts
component-wise adds plaintexts, so the sum of every ballot's ciphertext for an
option encrypts that option's count; only the sum is ever decrypted. The price
of putting ``m`` in the exponent is that decryption yields ``m*G`` and needs a
small discrete logarithm (:mod:`voting.crypto.dlog`), fine for counts.

Key generation lives in :mod:`voting.crypto.threshold`: no single party ever
holds the whole secret key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import DecodeError
from .group import IDENTITY, ORDER, Point, base_mul, sum_points

_MINUS_G = base_mul(-1)


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An ElGamal ciphertext ``(alpha, beta) = (r*G, m*G + r*Y)``.

    Either component may be the identity for a *sum* of ciphertexts; a
    single ballot's ciphertext never is (``from_dict`` refuses it by default
    and :func:`voting.crypto.ballot.verify_ballot` checks it).
    """

    alpha: Point
    beta: Point

    def __add__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)

    def __mul__(self, scalar: int) -> Ciphertext:
        """``k * Enc(m; r) = Enc(k*m; k*r)``: weights a slot in a linear
        combination (a ballot's blank slot counts ``max_choices`` times)."""
        return Ciphertext(self.alpha * scalar, self.beta * scalar)

    __rmul__ = __mul__

    def to_dict(self) -> dict[str, str]:
        return {"alpha": self.alpha.to_hex(), "beta": self.beta.to_hex()}

    @classmethod
    def from_dict(cls, data: object, *, allow_identity: bool = False) -> Ciphertext:
        if not isinstance(data, Mapping) or set(data) != {"alpha", "beta"}:
            raise DecodeError("ciphertext must be an object with keys alpha, beta")
        return cls(
            Point.from_hex(data["alpha"], allow_identity=allow_identity),
            Point.from_hex(data["beta"], allow_identity=allow_identity),
        )


def encrypt(public_key: Point, message: int, nonce: int) -> Ciphertext:
    """Encrypt ``message`` (``0 <= message < n``) with the secret ``nonce``.

    The nonce must be fresh and uniform in ``[1, n-1]``
    (:func:`voting.crypto.group.random_scalar`) and is the witness for the
    ballot's zero-knowledge proofs; reusing it leaks the plaintext difference.
    """
    if public_key.is_identity:
        raise ValueError("the identity is not a valid public key")
    if not 0 <= message < ORDER:
        raise ValueError("message out of range")
    if not 0 < nonce < ORDER:
        raise ValueError("nonce must be in [1, n-1]")
    # beta = r*Y + (m+1)*G - G rather than r*Y + m*G: the same operations run
    # for m = 0 (whose m*G is the identity, a shortcut) and m = 1, so the
    # vote is not visible in coarse timing. Python gives no finer guarantee.
    beta = sum_points([public_key * nonce, base_mul(message + 1), _MINUS_G])
    return Ciphertext(base_mul(nonce), beta)


def sum_ciphertexts(ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """Homomorphic sum, with one batched point addition per component.

    The empty sum is ``(identity, identity)``, the encryption of 0 with nonce 0.
    """
    items = list(ciphertexts)
    return Ciphertext(sum_points(c.alpha for c in items), sum_points(c.beta for c in items))


def plaintext_point(ciphertext: Ciphertext, decryption_factor: Point) -> Point:
    """Recover ``m*G = beta - x*alpha`` given the decryption factor ``x*alpha``.

    For ``m = 0`` the result is the identity (``beta == decryption_factor``),
    which :class:`~voting.crypto.group.Point` represents explicitly and
    :func:`voting.crypto.dlog.discrete_log` maps to 0.
    """
    if ciphertext.beta == decryption_factor:
        return IDENTITY
    return ciphertext.beta - decryption_factor
