"""k-of-n threshold ElGamal: Shamir sharing with Feldman commitments.

The election secret ``x`` is the constant term of a random polynomial
``f(z) = a_0 + a_1 z + ... + a_{k-1} z^{k-1}`` over ``Z/nZ``. Trustee ``i``
(``1 <= i <= n_trustees``) holds the share ``s_i = f(i)``. Published:

* Feldman commitments ``C_j = a_j*G``; ``C_0 = x*G`` is the election public
  key ``Y``;
* verification keys ``Y_i = s_i*G = sum_j i^j * C_j``, computable by anyone
  from the commitments, so a trustee can check its share and everybody can
  check partial decryptions.

Decryption never reconstructs ``x``: each trustee publishes
``D_i = s_i*alpha`` with a Chaum-Pedersen proof, and any ``k`` valid ones are
combined by Lagrange interpolation *in the exponent*:
``x*alpha = sum_i lambda_i * D_i``.

Trust model of :func:`deal`: a trusted dealer (the function) generates the
polynomial, so whoever runs it could in principle keep ``x``. It never
returns or stores ``x`` or the coefficients, but CPython cannot zeroize
integers: run it in a short-lived process, give each share to its trustee
exactly once (e.g. as a downloaded file), and do not persist the
:class:`DealtKey`. A dealer-free distributed key generation (Pedersen DKG,
as in Belenios) can later replace :func:`deal` without changing the rest of
this module, since it yields the same shares and commitments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .elgamal import Ciphertext
from .errors import DecodeError, InvalidShareError, NotEnoughSharesError
from .group import (
    ORDER,
    Point,
    base_mul,
    hash_items,
    random_scalar,
    scalar_from_hex,
    scalar_to_hex,
    sum_points,
)
from .proofs import ChaumPedersenProof, Context, prove_equal_logs, verify_equal_logs

MAX_TRUSTEES = 1000
"""Upper bound on ``n_trustees``; keeps decoding untrusted key data cheap."""


def _check_index(index: object, n_trustees: int) -> None:
    if isinstance(index, bool) or not isinstance(index, int) or not 1 <= index <= n_trustees:
        raise ValueError(f"trustee index must be an integer in [1, {n_trustees}]")


def verification_key(commitments: Sequence[Point], index: int) -> Point:
    """``Y_i = f(i)*G``, evaluated in the exponent from the Feldman commitments."""
    power = 1
    terms = []
    for commitment in commitments:
        terms.append(commitment * power)
        power = power * index % ORDER
    return sum_points(terms)


@dataclass(frozen=True, slots=True)
class ThresholdPublicKey:
    """Everything public about a threshold key; safe to publish.

    ``verification_keys[i - 1]`` is trustee ``i``'s ``Y_i``; it is always
    derived from the commitments, never decoded, so it cannot disagree.
    """

    threshold: int
    n_trustees: int
    commitments: tuple[Point, ...]
    verification_keys: tuple[Point, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 1 <= self.threshold <= self.n_trustees <= MAX_TRUSTEES:
            raise ValueError(f"need 1 <= threshold <= n_trustees <= {MAX_TRUSTEES}")
        if len(self.commitments) != self.threshold:
            raise ValueError("need exactly `threshold` commitments")
        keys = tuple(verification_key(self.commitments, i) for i in range(1, self.n_trustees + 1))
        if self.public_key.is_identity or any(key.is_identity for key in keys):
            raise ValueError("degenerate threshold key (identity public or verification key)")
        object.__setattr__(self, "verification_keys", keys)

    @property
    def public_key(self) -> Point:
        """The election public key ``Y = x*G`` that voters encrypt to."""
        return self.commitments[0]

    def to_dict(self) -> dict[str, object]:
        return {
            "threshold": self.threshold,
            "trustees": self.n_trustees,
            "commitments": [c.to_hex() for c in self.commitments],
        }

    @classmethod
    def from_dict(cls, data: object) -> ThresholdPublicKey:
        if not isinstance(data, Mapping) or set(data) != {"threshold", "trustees", "commitments"}:
            raise DecodeError("threshold key must have keys threshold, trustees, commitments")
        threshold, n_trustees, commitments = (
            data["threshold"],
            data["trustees"],
            data["commitments"],
        )
        if not isinstance(commitments, list) or not all(
            type(v) is int for v in (threshold, n_trustees)
        ):
            raise DecodeError("malformed threshold key")
        try:
            return cls(threshold, n_trustees, tuple(Point.from_hex(c) for c in commitments))
        except DecodeError:
            raise
        except ValueError as exc:
            raise DecodeError(str(exc)) from None


@dataclass(frozen=True, slots=True)
class KeyShare:
    """Trustee ``index``'s secret share ``f(index)``. Never log or persist it
    server-side; ``repr`` omits the value."""

    index: int
    value: int = field(repr=False)

    def __post_init__(self) -> None:
        _check_index(self.index, MAX_TRUSTEES)
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise ValueError("share value must be an integer")
        if not 0 < self.value < ORDER:
            raise ValueError("share value out of range")

    def to_dict(self) -> dict[str, object]:
        return {"trustee": self.index, "value": scalar_to_hex(self.value)}

    @classmethod
    def from_dict(cls, data: object) -> KeyShare:
        if not isinstance(data, Mapping) or set(data) != {"trustee", "value"}:
            raise DecodeError("share must have keys trustee, value")
        if type(data["trustee"]) is not int:
            raise DecodeError("share trustee index must be an integer")
        try:
            return cls(data["trustee"], scalar_from_hex(data["value"], nonzero=True))
        except DecodeError:
            raise
        except ValueError as exc:
            raise DecodeError(str(exc)) from None


@dataclass(frozen=True, slots=True)
class DealtKey:
    """Output of :func:`deal`: hand ``shares[i - 1]`` to trustee ``i`` once,
    publish ``public``, then drop this object."""

    public: ThresholdPublicKey
    shares: tuple[KeyShare, ...] = field(repr=False)


def deal(n_trustees: int, threshold: int) -> DealtKey:
    """Generate a fresh ``threshold``-of-``n_trustees`` key.

    The secret ``x = f(0)`` exists only inside this call (see the module
    docstring for what that does and does not guarantee).
    """
    if not 1 <= threshold <= n_trustees <= MAX_TRUSTEES:
        raise ValueError(f"need 1 <= threshold <= n_trustees <= {MAX_TRUSTEES}")
    coefficients = [random_scalar() for _ in range(threshold)]
    values = [_evaluate(coefficients, i) for i in range(1, n_trustees + 1)]
    if 0 in values:
        # Probability ~n_trustees/2^256: a zero share has an identity
        # verification key, which cannot be checked. Draw a new polynomial.
        return deal(n_trustees, threshold)
    public = ThresholdPublicKey(threshold, n_trustees, tuple(base_mul(a) for a in coefficients))
    shares = tuple(KeyShare(i, v) for i, v in enumerate(values, start=1))
    return DealtKey(public, shares)


def _evaluate(coefficients: Sequence[int], at: int) -> int:
    result = 0
    for coefficient in reversed(coefficients):  # Horner
        result = (result * at + coefficient) % ORDER
    return result


def verify_share(share: KeyShare, public: ThresholdPublicKey) -> None:
    """Raise :class:`InvalidShareError` unless ``share.value*G == Y_index``.

    A trustee runs this on receipt of its share, and :func:`partial_decrypt`
    runs it before using one. The error says only *that* the share is wrong.
    """
    if not 1 <= share.index <= public.n_trustees:
        raise InvalidShareError("share index does not belong to this key")
    if base_mul(share.value) != public.verification_keys[share.index - 1]:
        raise InvalidShareError("share does not match the published commitments")


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """Trustee ``trustee``'s factors ``D_j = s_i*alpha_j``, one per ciphertext,
    each with a proof that ``log_G(Y_i) == log_{alpha_j}(D_j)``."""

    trustee: int
    factors: tuple[Point, ...]
    proofs: tuple[ChaumPedersenProof, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "trustee": self.trustee,
            "factors": [f.to_hex() for f in self.factors],
            "proofs": [p.to_dict() for p in self.proofs],
        }

    @classmethod
    def from_dict(cls, data: object) -> PartialDecryption:
        if not isinstance(data, Mapping) or set(data) != {"trustee", "factors", "proofs"}:
            raise DecodeError("partial decryption must have keys trustee, factors, proofs")
        trustee, factors, proofs = data["trustee"], data["factors"], data["proofs"]
        if (
            type(trustee) is not int
            or not isinstance(factors, list)
            or not isinstance(proofs, list)
        ):
            raise DecodeError("malformed partial decryption")
        return cls(
            trustee,
            # A sum of ciphertexts can have alpha = identity, and then D_j is too.
            tuple(Point.from_hex(f, allow_identity=True) for f in factors),
            tuple(ChaumPedersenProof.from_dict(p) for p in proofs),
        )


def _decryption_context(context: Context, trustee: int) -> bytes:
    return hash_items("partial-decryption", context, trustee)


def partial_decrypt(
    share: KeyShare,
    public: ThresholdPublicKey,
    ciphertexts: Sequence[Ciphertext],
    context: Context,
) -> PartialDecryption:
    """Compute this trustee's decryption factors for ``ciphertexts`` (normally
    the per-option homomorphic sums), with proofs bound to ``context``.

    Raises :class:`InvalidShareError` if the share is not the one committed to.
    """
    verify_share(share, public)
    own_key = public.verification_keys[share.index - 1]
    proof_context = _decryption_context(context, share.index)
    factors = tuple(c.alpha * share.value for c in ciphertexts)
    proofs = tuple(
        prove_equal_logs(share.value, own_key, c.alpha, factor, proof_context)
        for c, factor in zip(ciphertexts, factors, strict=True)
    )
    return PartialDecryption(share.index, factors, proofs)


def verify_partial_decryption(
    partial: PartialDecryption,
    public: ThresholdPublicKey,
    ciphertexts: Sequence[Ciphertext],
    context: Context,
) -> bool:
    """Check every factor's proof against the trustee's verification key."""
    if not 1 <= partial.trustee <= public.n_trustees:
        return False
    if not len(partial.factors) == len(partial.proofs) == len(ciphertexts):
        return False
    key = public.verification_keys[partial.trustee - 1]
    proof_context = _decryption_context(context, partial.trustee)
    return all(
        verify_equal_logs(key, c.alpha, factor, proof, proof_context)
        for c, factor, proof in zip(ciphertexts, partial.factors, partial.proofs, strict=True)
    )


def lagrange_coefficients(indices: Iterable[int]) -> dict[int, int]:
    """``lambda_i`` such that ``f(0) = sum_i lambda_i f(i)`` for any
    polynomial of degree < ``len(indices)``, mod ``n``."""
    points = sorted(set(indices))
    coefficients = {}
    for i in points:
        numerator, denominator = 1, 1
        for j in points:
            if j != i:
                numerator = numerator * j % ORDER
                denominator = denominator * (j - i) % ORDER
        coefficients[i] = numerator * pow(denominator, -1, ORDER) % ORDER
    return coefficients


@dataclass(frozen=True, slots=True)
class CombinedDecryption:
    """Full decryption factors ``x*alpha_j`` and who contributed.

    ``trustees``: indices whose partial decryptions were used;
    ``rejected``: indices whose partial decryptions failed verification.
    """

    factors: tuple[Point, ...]
    trustees: tuple[int, ...]
    rejected: tuple[int, ...]


def combine_partial_decryptions(
    public: ThresholdPublicKey,
    ciphertexts: Sequence[Ciphertext],
    partials: Iterable[PartialDecryption],
    context: Context,
) -> CombinedDecryption:
    """Verify ``partials`` and interpolate ``threshold`` valid ones.

    Invalid partial decryptions are skipped and reported in ``rejected``;
    extra valid ones (more than ``threshold``) are not needed. Raises
    :class:`NotEnoughSharesError` if fewer than ``threshold`` distinct
    trustees supplied a valid partial decryption.
    """
    valid: dict[int, PartialDecryption] = {}
    rejected: list[int] = []
    for partial in partials:
        if partial.trustee in valid:
            continue
        if verify_partial_decryption(partial, public, ciphertexts, context):
            valid[partial.trustee] = partial
        else:
            rejected.append(partial.trustee)
    if len(valid) < public.threshold:
        raise NotEnoughSharesError(
            f"need {public.threshold} valid partial decryptions, got {len(valid)}"
        )
    chosen = sorted(valid)[: public.threshold]
    lambdas = lagrange_coefficients(chosen)
    factors = tuple(
        sum_points(valid[i].factors[j] * lambdas[i] for i in chosen)
        for j in range(len(ciphertexts))
    )
    return CombinedDecryption(factors, tuple(chosen), tuple(rejected))
