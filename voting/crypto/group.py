"""The prime-order group: secp256k1 points and scalars, via coincurve.

Why secp256k1 through coincurve
-------------------------------
Exponential ElGamal only needs a cyclic group of prime order in which the
decisional Diffie-Hellman problem is hard; any such elliptic curve will do.
What decides is speed in CPython, because an election tally adds millions of
points and verifying a ballot costs dozens of scalar multiplications.
coincurve binds libsecp256k1 (Bitcoin Core's heavily reviewed C library);
measured on the project's 2-core machine (``bench/crypto_bench.py``):

============================================  =========
point addition (``combine_keys`` of 2)          3.5 us
point addition amortized inside one
``combine_keys`` call over 100,000 points       0.34 us
scalar multiplication (``multiply``)            31-34 us
base-point multiplication (``from_secret``)     19 us
decoding a compressed point (square root)       5-6 us
============================================  =========

PyNaCl's Ed25519 group operations measured about 4x slower, and modular
groups (even through gmpy2) need 3072-bit exponentiations for the same
~128-bit security. With batched addition, counting is dominated by point
decoding: about 13 s per option per million ballots on one core.

secp256k1 has prime order ``n`` and cofactor 1, so every decoded point that
libsecp256k1 accepts (it checks the curve equation) is in the group: there is
no small-subgroup check to forget.

The point at infinity
---------------------
libsecp256k1 has no encoding for the identity: ``combine_keys`` raises when a
sum is the identity and ``multiply`` refuses the scalar 0. Honest protocol
values essentially never hit it, but some legitimate ones do: the plaintext
``0*G`` of a contest option nobody chose, a zero challenge, or a homomorphic
sum of adversarial ciphertexts that cancel out. :class:`Point` therefore
represents the identity explicitly (``Point(None)``, :data:`IDENTITY`) so the
arithmetic is total. Its serialization is the SEC1 single byte ``00``, which
decoders refuse unless the caller explicitly allows it: an identity public
key, ciphertext component or commitment is a classic attack vector.

Encodings
---------
* Points: lowercase hex of the 33-byte SEC1 compressed form (66 characters).
* Scalars: lowercase hex of the 32-byte big-endian form (64 characters),
  always ``< n``.

Both are checked to be canonical (exactly the string :meth:`Point.to_hex` or
:func:`scalar_to_hex` would produce) so a ballot has exactly one valid
serialization, and therefore exactly one ballot hash.

Side channels
-------------
``from_secret`` (base-point multiplication) is constant time in
libsecp256k1; ``multiply`` (``secp256k1_ec_pubkey_tweak_mul``) is not, and
CPython big-integer arithmetic on secret scalars (nonces, shares, modular
reductions) is not constant time either. This is acceptable for server-side
verification and tallying, which only handle public data, and for a trustee
running a handful of partial decryptions on their own machine. It is not a
hardened implementation for an attacker who can time thousands of
operations on the same secret.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Final, TypeAlias

from coincurve import PublicKey

from .errors import DecodeError

ORDER: Final[int] = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
"""Order ``n`` of the secp256k1 group; scalars live in ``Z/nZ``."""

SCALAR_BYTES: Final[int] = 32
POINT_BYTES: Final[int] = 33
_IDENTITY_BYTES: Final[bytes] = b"\x00"
_DOMAIN_PREFIX: Final[bytes] = b"parvis/v1/"


class Point:
    """An element of the secp256k1 group, the identity included.

    Immutable value object wrapping a ``coincurve.PublicKey`` (``None`` for
    the identity). Supports ``P + Q``, ``P - Q``, ``-P``, ``k * P`` and
    ``P == Q``. For ``k * G`` prefer :func:`base_mul`, which is faster and
    constant time.
    """

    __slots__ = ("_key",)

    def __init__(self, key: PublicKey | None) -> None:
        self._key = key

    @property
    def is_identity(self) -> bool:
        return self._key is None

    def __add__(self, other: Point) -> Point:
        if self._key is None:
            return other
        if other._key is None:
            return self
        return _combine([self._key, other._key])

    def __neg__(self) -> Point:
        if self._key is None:
            return self
        encoded = self._key.format()
        # -(x, y) = (x, p - y): only the parity of y, i.e. the prefix, changes.
        return Point(PublicKey(bytes([encoded[0] ^ 1]) + encoded[1:]))

    def __sub__(self, other: Point) -> Point:
        return self + (-other)

    def __mul__(self, scalar: int) -> Point:
        scalar %= ORDER
        if scalar == 0 or self._key is None:
            return IDENTITY
        return Point(self._key.multiply(scalar.to_bytes(SCALAR_BYTES, "big")))

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Point):
            return NotImplemented
        return self.to_bytes() == other.to_bytes()

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return f"Point({self.to_hex()})"

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        # The wrapped cffi object cannot be pickled; its encoding can, which
        # lets parameters holding points reach worker processes.
        return _point_from_pickle, (self.to_bytes(),)

    def to_bytes(self) -> bytes:
        """SEC1 encoding: 33-byte compressed form, or ``b"\\x00"`` for the identity."""
        if self._key is None:
            return _IDENTITY_BYTES
        return self._key.format(compressed=True)

    def to_hex(self) -> str:
        return self.to_bytes().hex()

    @classmethod
    def from_bytes(cls, data: bytes, *, allow_identity: bool = False) -> Point:
        """Decode and validate a SEC1 compressed point.

        libsecp256k1 rejects x-coordinates that are not below the field prime
        or not on the curve, so the result is always a group element.
        """
        if data == _IDENTITY_BYTES and allow_identity:
            return IDENTITY
        if len(data) != POINT_BYTES or data[0] not in (2, 3):
            raise DecodeError("point must be a 33-byte compressed SEC1 encoding")
        try:
            return cls(PublicKey(data))
        except ValueError:
            raise DecodeError("point is not on secp256k1") from None

    @classmethod
    def from_hex(cls, text: object, *, allow_identity: bool = False) -> Point:
        return cls.from_bytes(_canonical_hex(text, "point"), allow_identity=allow_identity)


def _point_from_pickle(data: bytes) -> Point:
    return Point.from_bytes(data, allow_identity=True)


IDENTITY: Final[Point] = Point(None)
GENERATOR: Final[Point] = Point(PublicKey.from_secret((1).to_bytes(SCALAR_BYTES, "big")))


def _combine(keys: list[PublicKey]) -> Point:
    try:
        return Point(PublicKey.combine_keys(keys))
    except ValueError:
        # libsecp256k1's only failure mode here: the sum is the identity.
        return IDENTITY


def sum_points(points: Iterable[Point]) -> Point:
    """Add many points in a single libsecp256k1 call.

    ``combine_keys`` accumulates in Jacobian coordinates and normalizes once,
    so it costs ~0.3 us per point instead of ~4 us for pairwise ``+``.
    Intermediate identities are fine; only the final sum is checked.
    """
    keys = [p._key for p in points if p._key is not None]
    if not keys:
        return IDENTITY
    return _combine(keys)


def base_mul(scalar: int) -> Point:
    """``scalar * G``, using libsecp256k1's constant-time generator table."""
    scalar %= ORDER
    if scalar == 0:
        return IDENTITY
    return Point(PublicKey.from_secret(scalar.to_bytes(SCALAR_BYTES, "big")))


def random_scalar() -> int:
    """Uniform scalar in ``[1, n-1]`` from the OS CSPRNG."""
    return secrets.randbelow(ORDER - 1) + 1


def scalar_to_hex(scalar: int) -> str:
    if not 0 <= scalar < ORDER:
        raise ValueError("scalar out of range")
    return scalar.to_bytes(SCALAR_BYTES, "big").hex()


def scalar_from_hex(text: object, *, nonzero: bool = False) -> int:
    """Decode a canonical 64-character scalar, checking ``0 <= s < n``
    (``0 < s < n`` when ``nonzero``)."""
    data = _canonical_hex(text, "scalar")
    if len(data) != SCALAR_BYTES:
        raise DecodeError("scalar must be 32 bytes")
    value = int.from_bytes(data, "big")
    if value >= ORDER or (nonzero and value == 0):
        raise DecodeError("scalar out of range")
    return value


def _canonical_hex(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise DecodeError(f"{what} must be a hex string")
    try:
        data = bytes.fromhex(text)
    except ValueError:
        raise DecodeError(f"{what} is not valid hex") from None
    # bytes.fromhex accepts upper case and whitespace; only one form is valid.
    if data.hex() != text:
        raise DecodeError(f"{what} hex must be lowercase without separators")
    return data


HashItem: TypeAlias = Point | int | str | bytes


def _frame(tag: bytes, payload: bytes) -> bytes:
    return tag + len(payload).to_bytes(4, "big") + payload


def _encode_item(item: HashItem) -> bytes:
    # Each item is type-tagged and length-prefixed, so distinct sequences of
    # items can never produce the same byte string.
    if isinstance(item, Point):
        return _frame(b"P", item.to_bytes())
    if isinstance(item, bool):
        raise TypeError("booleans are not hashable items; use an int")
    if isinstance(item, int):
        if not 0 <= item < 1 << (8 * SCALAR_BYTES):
            raise ValueError("integer hash items must fit in 32 unsigned bytes")
        return _frame(b"I", item.to_bytes(SCALAR_BYTES, "big"))
    if isinstance(item, str):
        return _frame(b"S", item.encode("utf-8"))
    if isinstance(item, bytes):
        return _frame(b"B", item)
    raise TypeError(f"cannot hash {type(item).__name__}")


def hash_items(domain: str, *items: HashItem) -> bytes:
    """SHA-512 of an unambiguous encoding of ``items`` under a domain tag.

    The domain (e.g. ``"proof/range"``) is prefixed with ``parvis/v1/`` and
    framed like the items, so hashes computed for different purposes can
    never be confused with one another.
    """
    h = hashlib.sha512(_frame(b"D", _DOMAIN_PREFIX + domain.encode("utf-8")))
    for item in items:
        h.update(_encode_item(item))
    return h.digest()


def hash_to_scalar(domain: str, *items: HashItem) -> int:
    """Fiat-Shamir challenge: :func:`hash_items` reduced mod ``n``.

    A 512-bit digest reduced mod a 256-bit ``n`` has a bias below 2^-256.
    """
    return int.from_bytes(hash_items(domain, *items), "big") % ORDER
