"""The key ceremony's messages: what trustees publish, as immutable values with one JSON form each.

Decoding is strict (exact keys, canonical points and scalars, trustee
numbers in range), so a message has exactly one serialization and the
transcript exactly one hash. The protocol that makes and checks them is
:mod:`voting.crypto.dkg`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .errors import DecodeError
from .group import Point, scalar_from_hex, scalar_to_hex
from .proofs import ChaumPedersenProof
from .threshold import MAX_TRUSTEES

CEREMONY_FORMAT = "parvis-key-ceremony/1"


def canonical_json(data: object) -> str:
    """Sorted keys, no whitespace, ASCII: one serialization, hence one hash."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def sha256_hex(data: object) -> str:
    return hashlib.sha256(canonical_json(data).encode("ascii")).hexdigest()


def _points(values: object, what: str) -> tuple[Point, ...]:
    if not isinstance(values, list):
        raise DecodeError(f"{what} must be a list")
    return tuple(Point.from_hex(value) for value in values)


def _keys(data: object, keys: set[str], what: str) -> Mapping[str, object]:
    if not isinstance(data, Mapping) or set(data) != keys:
        raise DecodeError(f"{what} must have keys {', '.join(sorted(keys))}")
    return data


def _index(value: object, what: str = "trustee") -> int:
    if type(value) is not int or not 1 <= value <= MAX_TRUSTEES:
        raise DecodeError(f"{what} must be a trustee number")
    return value


@dataclass(frozen=True, slots=True)
class TrusteeSecrets:
    """What a trustee keeps in its key file; never sent anywhere."""

    trustee: int
    signing: int
    encryption: int


@dataclass(frozen=True, slots=True)
class Certificate:
    """Step 1: a trustee's public signing and encryption keys, self-signed."""

    trustee: int
    signing_key: Point
    encryption_key: Point
    signature: ChaumPedersenProof

    def to_dict(self) -> dict[str, object]:
        return {
            "trustee": self.trustee,
            "signing_key": self.signing_key.to_hex(),
            "encryption_key": self.encryption_key.to_hex(),
            "signature": self.signature.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object) -> Certificate:
        data = _keys(data, {"trustee", "signing_key", "encryption_key", "signature"}, "certificate")
        return cls(
            _index(data["trustee"]),
            Point.from_hex(data["signing_key"]),
            Point.from_hex(data["encryption_key"]),
            ChaumPedersenProof.from_dict(data["signature"]),
        )


@dataclass(frozen=True, slots=True)
class EncryptedSubShare:
    """``f_i(recipient)`` encrypted to the recipient's encryption key."""

    recipient: int
    ephemeral: Point
    value: int

    def to_dict(self) -> dict[str, object]:
        return {"recipient": self.recipient, "ephemeral": self.ephemeral.to_hex(), "value": scalar_to_hex(self.value)}

    @classmethod
    def from_dict(cls, data: object) -> EncryptedSubShare:
        data = _keys(data, {"recipient", "ephemeral", "value"}, "encrypted sub-share")
        return cls(_index(data["recipient"], "recipient"), Point.from_hex(data["ephemeral"]), scalar_from_hex(data["value"]))


@dataclass(frozen=True, slots=True)
class Polynomial:
    """Step 2: a trustee's Feldman commitments and encrypted sub-shares, signed."""

    trustee: int
    commitments: tuple[Point, ...]
    shares: tuple[EncryptedSubShare, ...]
    signature: ChaumPedersenProof

    def to_dict(self) -> dict[str, object]:
        return {
            "trustee": self.trustee,
            "commitments": [c.to_hex() for c in self.commitments],
            "shares": [s.to_dict() for s in self.shares],
            "signature": self.signature.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object) -> Polynomial:
        data = _keys(data, {"trustee", "commitments", "shares", "signature"}, "polynomial")
        shares = data["shares"]
        if not isinstance(shares, list) or len(shares) > MAX_TRUSTEES:
            raise DecodeError("shares must be a list, one per trustee")
        return cls(
            _index(data["trustee"]),
            _points(data["commitments"], "commitments"),
            tuple(EncryptedSubShare.from_dict(s) for s in shares),
            ChaumPedersenProof.from_dict(data["signature"]),
        )

    def signed_items(self, ceremony: str, certificates: Sequence[Certificate]) -> tuple:
        """What the trustee signs: each sub-share with the encryption key it was encrypted to.

        Binding the recipients' keys means a server that showed this trustee
        a forged certificate is caught by this signature, against the
        published certificates, instead of making an honest trustee look
        like a cheat to the recipient.
        """
        items: list = [ceremony, self.trustee, *self.commitments]
        for share in self.shares:
            items += [share.recipient, certificates[share.recipient - 1].encryption_key, share.ephemeral, share.value]
        return tuple(items)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """Step 3, all went well: the trustee signs the transcript it checked."""

    trustee: int
    transcript: str
    signature: ChaumPedersenProof

    def to_dict(self) -> dict[str, object]:
        return {"trustee": self.trustee, "transcript": self.transcript, "signature": self.signature.to_dict()}

    @classmethod
    def from_dict(cls, data: object) -> Confirmation:
        data = _keys(data, {"trustee", "transcript", "signature"}, "confirmation")
        if not isinstance(data["transcript"], str) or len(data["transcript"]) != 64:
            raise DecodeError("transcript must be a SHA-256 hex digest")
        return cls(_index(data["trustee"]), data["transcript"], ChaumPedersenProof.from_dict(data["signature"]))


@dataclass(frozen=True, slots=True)
class Complaint:
    """Step 3, a sub-share was wrong: its Diffie-Hellman secret, proven, so anyone can open it.

    ``shared = e_j * R`` with a proof that ``log_G(E_j) == log_R(shared)``:
    it opens that one sub-share (worthless, being wrong) and nothing else.
    """

    trustee: int
    accused: int
    shared: Point
    proof: ChaumPedersenProof

    def to_dict(self) -> dict[str, object]:
        return {
            "trustee": self.trustee, "accused": self.accused,
            "shared": self.shared.to_hex(), "proof": self.proof.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object) -> Complaint:
        data = _keys(data, {"trustee", "accused", "shared", "proof"}, "complaint")
        return cls(
            _index(data["trustee"]), _index(data["accused"], "accused"),
            Point.from_hex(data["shared"]), ChaumPedersenProof.from_dict(data["proof"]),
        )


@dataclass(frozen=True, slots=True)
class Ceremony:
    """A whole, finished key ceremony: what the record publishes and the verifier checks."""

    descriptor: Mapping[str, object]
    certificates: tuple[Certificate, ...]
    polynomials: tuple[Polynomial, ...]
    confirmations: tuple[Confirmation, ...]

    @property
    def hash(self) -> str:
        return sha256_hex(self.descriptor)

    @property
    def threshold(self) -> int:
        return int(self.descriptor["threshold"])  # type: ignore[call-overload]

    def to_dict(self) -> dict[str, object]:
        return {
            "descriptor": dict(self.descriptor),
            "certificates": [c.to_dict() for c in self.certificates],
            "polynomials": [p.to_dict() for p in self.polynomials],
            "confirmations": [c.to_dict() for c in self.confirmations],
        }

    @classmethod
    def from_dict(cls, data: object) -> Ceremony:
        data = _keys(data, {"descriptor", "certificates", "polynomials", "confirmations"}, "key ceremony")
        descriptor = data["descriptor"]
        if not isinstance(descriptor, Mapping) or descriptor.get("format") != CEREMONY_FORMAT:
            raise DecodeError(f"the ceremony descriptor must have format {CEREMONY_FORMAT}")
        lists = [data[key] for key in ("certificates", "polynomials", "confirmations")]
        if not all(isinstance(value, list) and len(value) <= MAX_TRUSTEES for value in lists):
            raise DecodeError("certificates, polynomials and confirmations must be lists")
        return cls(
            descriptor,
            tuple(Certificate.from_dict(c) for c in lists[0]),
            tuple(Polynomial.from_dict(p) for p in lists[1]),
            tuple(Confirmation.from_dict(c) for c in lists[2]),
        )
