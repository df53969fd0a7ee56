"""Non-interactive zero-knowledge proofs (sigma protocols + Fiat-Shamir).

Two statements are needed:

* :func:`prove_range` / :func:`verify_range`: a ciphertext encrypts some
  ``m`` in ``{low, ..., high}`` (a disjunctive Chaum-Pedersen proof, one
  branch per candidate value). ``{0, 1}`` for each option of a ballot and
  ``{min, ..., max}`` for the sum of a ballot's ciphertexts.
* :func:`prove_equal_logs` / :func:`verify_equal_logs`: Chaum-Pedersen proof
  that ``log_G(X) == log_H(Z)``; a trustee uses it to show that its partial
  decryption ``D_i = s_i*alpha`` matches its verification key ``Y_i = s_i*G``.
* :func:`sign` / :func:`verify_signature`: Schnorr signatures, with which
  trustees authenticate what they publish during the key ceremony
  (:mod:`voting.crypto.dkg`), so the server relaying it cannot forge it.

Conventions follow Belenios rather than Helios:

* Strong Fiat-Shamir: the challenge hashes the *whole* statement (generator,
  public key, ciphertext, the range, every commitment) plus a caller-chosen
  context binding the proof to one contest (and, for ballots, to the rest of
  the ballot), under a domain tag per proof type. Helios hashed only the
  commitments, which made its proofs malleable and replayable.
* Compact form: a proof is only ``(challenge, response)`` per branch. The
  verifier recomputes each commitment as ``z*G + c*X`` (response
  ``z = w - c*x``) and checks that the challenges hash correctly. Commitments
  are therefore not transmitted and cannot be tampered with independently:
  any change to a challenge, a response or a statement element changes the
  recomputed commitments or the hash.

Side channels: the prover's total work does not depend on which branch is
real, but the order of operations does, and the scalar multiplications by
secret nonces use libsecp256k1's variable-time ``tweak_mul`` (see
:mod:`voting.crypto.group`). Verification handles only public data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeAlias

from .elgamal import Ciphertext
from .errors import DecodeError
from .group import (
    GENERATOR,
    ORDER,
    HashItem,
    Point,
    base_mul,
    hash_to_scalar,
    random_scalar,
    scalar_from_hex,
    scalar_to_hex,
)

_RANGE_DOMAIN = "proof/range"
_EQUAL_LOGS_DOMAIN = "proof/equal-logs"
_SIGNATURE_DOMAIN = "signature/"

Context: TypeAlias = bytes | str
"""Caller-supplied binding, e.g. a contest manifest hash; hashed verbatim."""


@dataclass(frozen=True, slots=True)
class ChaumPedersenProof:
    """One ``(challenge, response)`` pair, both scalars in ``[0, n)``."""

    challenge: int
    response: int

    def __post_init__(self) -> None:
        for value in (self.challenge, self.response):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < ORDER:
                raise ValueError("proof scalars must be integers in [0, n)")

    def to_dict(self) -> dict[str, str]:
        return {
            "challenge": scalar_to_hex(self.challenge),
            "response": scalar_to_hex(self.response),
        }

    @classmethod
    def from_dict(cls, data: object) -> ChaumPedersenProof:
        if not isinstance(data, Mapping) or set(data) != {"challenge", "response"}:
            raise DecodeError("proof must be an object with keys challenge, response")
        return cls(scalar_from_hex(data["challenge"]), scalar_from_hex(data["response"]))


@dataclass(frozen=True, slots=True)
class RangeProof:
    """Disjunctive proof: ``branches[j]`` is for the value ``low + j``."""

    branches: tuple[ChaumPedersenProof, ...]

    def to_list(self) -> list[dict[str, str]]:
        return [branch.to_dict() for branch in self.branches]

    @classmethod
    def from_list(cls, data: object) -> RangeProof:
        if not isinstance(data, list) or not data:
            raise DecodeError("range proof must be a non-empty list")
        return cls(tuple(ChaumPedersenProof.from_dict(item) for item in data))


@lru_cache(maxsize=1024)
def _minus_multiple_of_g(value: int) -> Point:
    return base_mul(-value)


def _shifted_beta(ciphertext: Ciphertext, value: int) -> Point:
    """``beta - value*G``: equals ``r*Y`` exactly when ``value`` is the plaintext."""
    return ciphertext.beta + _minus_multiple_of_g(value)


def _range_challenge(
    public_key: Point,
    ciphertext: Ciphertext,
    low: int,
    high: int,
    context: Context,
    commitments: Sequence[Point],
) -> int:
    return hash_to_scalar(
        _RANGE_DOMAIN,
        context,
        GENERATOR,
        public_key,
        ciphertext.alpha,
        ciphertext.beta,
        low,
        high,
        *commitments,
    )


def _check_range(low: int, high: int) -> None:
    if not 0 <= low <= high:
        raise ValueError("range must satisfy 0 <= low <= high")


def prove_range(
    public_key: Point,
    ciphertext: Ciphertext,
    message: int,
    nonce: int,
    low: int,
    high: int,
    context: Context,
) -> RangeProof:
    """Prove that ``ciphertext = encrypt(public_key, message, nonce)`` with
    ``low <= message <= high``, revealing nothing else about ``message``.

    Branches for the other values are simulated (random challenge and
    response, commitments solved backwards); the real branch's challenge is
    whatever makes all challenges sum to the Fiat-Shamir hash.
    """
    _check_range(low, high)
    if not low <= message <= high:
        raise ValueError("message is outside the range to prove")
    commitments: list[Point] = []
    simulated: dict[int, ChaumPedersenProof] = {}
    real_nonce = random_scalar()
    for value in range(low, high + 1):
        if value == message:
            commitments += [base_mul(real_nonce), public_key * real_nonce]
            continue
        fake = ChaumPedersenProof(random_scalar(), random_scalar())
        simulated[value] = fake
        # What the verifier recomputes, z*G + c*alpha and z*Y + c*(beta - value*G), is, as the
        # prover knows alpha = r*G and beta = message*G + r*Y: (z + c*r)*G and
        # (z + c*r)*Y + c*(message - value)*G: the same points for one multiplication by Y
        # and two by G (libsecp256k1's fast table) instead of four general ones.
        shifted = (fake.response + fake.challenge * nonce) % ORDER
        commitments += [
            base_mul(shifted),
            public_key * shifted + base_mul(fake.challenge * (message - value)),
        ]
    challenge = _range_challenge(public_key, ciphertext, low, high, context, commitments)
    real_challenge = (challenge - sum(p.challenge for p in simulated.values())) % ORDER
    real = ChaumPedersenProof(real_challenge, (real_nonce - real_challenge * nonce) % ORDER)
    return RangeProof(tuple(simulated.get(value, real) for value in range(low, high + 1)))


def verify_range(
    public_key: Point,
    ciphertext: Ciphertext,
    proof: RangeProof,
    low: int,
    high: int,
    context: Context,
) -> bool:
    """Check a :func:`prove_range` proof for the same statement and context."""
    _check_range(low, high)
    if public_key.is_identity or len(proof.branches) != high - low + 1:
        return False
    commitments: list[Point] = []
    for value, branch in zip(range(low, high + 1), proof.branches, strict=True):
        commitments += [
            base_mul(branch.response) + ciphertext.alpha * branch.challenge,
            public_key * branch.response + _shifted_beta(ciphertext, value) * branch.challenge,
        ]
    expected = _range_challenge(public_key, ciphertext, low, high, context, commitments)
    return sum(branch.challenge for branch in proof.branches) % ORDER == expected


def _equal_logs_challenge(
    public: Point, base: Point, image: Point, context: Context, commit_g: Point, commit_base: Point
) -> int:
    return hash_to_scalar(
        _EQUAL_LOGS_DOMAIN, context, GENERATOR, public, base, image, commit_g, commit_base
    )


def prove_equal_logs(
    secret: int, public: Point, base: Point, image: Point, context: Context
) -> ChaumPedersenProof:
    """Prove ``public == secret*G`` and ``image == secret*base`` for the same secret.

    ``public`` and ``image`` are passed in (rather than recomputed) because
    the caller already has them; they must be the correct values or the
    proof will not verify.
    """
    nonce = random_scalar()
    challenge = _equal_logs_challenge(public, base, image, context, base_mul(nonce), base * nonce)
    return ChaumPedersenProof(challenge, (nonce - challenge * secret) % ORDER)


def verify_equal_logs(
    public: Point, base: Point, image: Point, proof: ChaumPedersenProof, context: Context
) -> bool:
    """Check a :func:`prove_equal_logs` proof for the same statement and context."""
    if public.is_identity:
        return False
    commit_g = base_mul(proof.response) + public * proof.challenge
    commit_base = base * proof.response + image * proof.challenge
    expected = _equal_logs_challenge(public, base, image, context, commit_g, commit_base)
    return proof.challenge == expected


def sign(secret: int, public: Point, domain: str, *message: HashItem) -> ChaumPedersenProof:
    """Schnorr signature of ``message`` under ``public == secret*G``.

    The challenge hashes the signer's key, the commitment and the message
    under a per-purpose domain (``"signature/" + domain``), so a signature
    made for one step of a protocol is never valid for another.
    """
    nonce = random_scalar()
    challenge = hash_to_scalar(_SIGNATURE_DOMAIN + domain, public, base_mul(nonce), *message)
    return ChaumPedersenProof(challenge, (nonce - challenge * secret) % ORDER)


def verify_signature(
    public: Point, signature: ChaumPedersenProof, domain: str, *message: HashItem
) -> bool:
    """Check a :func:`sign` signature for the same key, domain and message."""
    if public.is_identity:
        return False
    commitment = base_mul(signature.response) + public * signature.challenge
    return signature.challenge == hash_to_scalar(_SIGNATURE_DOMAIN + domain, public, commitment, *message)
