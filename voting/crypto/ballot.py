"""Encrypted ballots for one contest: approval-style 0/1 choices over
``n_options`` options, between ``min_choices`` and ``max_choices`` selected.

A ballot holds, per slot, an ElGamal ciphertext of 0 or 1 with a proof
that it encrypts 0 or 1, plus one proof that the sum of its option
ciphertexts encrypts a value in ``[min_choices, max_choices]`` ("exactly
one" is ``min = max = 1``).

Projects within an envelope (``ContestParameters.envelope``, with a cost per
option) add a *budget proof*: the slack ``envelope - sum(cost_i * m_i)`` is
encrypted bit by bit (``L = envelope.bit_length()`` bits, each proven 0 or
1), and one more proof shows that ``Enc(envelope) - sum(cost_i * c_i) -
sum(2^l * bit_l)`` encrypts 0. The slack is then some value in ``[0, 2^L)``
(no wrap-around: every quantity is far below the group order), so the
chosen projects cost at most the envelope, checked by anyone without
decrypting. Its cost is ``L`` more 0/1 proofs.

Blank votes (``ContestParameters.blank``) add a last slot ``b``, counted
like the options so the tally reports blank ballots without decrypting any
ballot. The sum proof then covers ``T = sum(options) + max_choices * b``
with ``min_choices >= 1``: ``b = 1`` forces ``sum(options) <= 0``, i.e. no
option, and ``b = 0`` forces at least ``min_choices`` options. So a ballot
is either blank or has choices, never both nor neither, at the cost of one
more 0/1 proof and one ciphertext scalar multiplication.

All proofs of a ballot share a context derived from the contest context,
the public key, the rules *and every ciphertext of the ballot*. Changing any
part of a ballot therefore invalidates all its proofs, and a ciphertext
cannot be lifted into another ballot (its proof would need the nonce). The
only way to reuse another voter's ciphertexts is to copy the whole ballot
byte for byte, which yields the same :attr:`Ballot.hash`: the casting layer
must refuse a ballot hash that is already in the ballot box.

JSON (canonical: sorted keys, no whitespace, ASCII)::

    {"choice_proofs": [[{"challenge": <scalar>, "response": <scalar>},
                        {"challenge": ..., "response": ...}],     # slot 0: values 0, 1
                       ...],                                     # one per slot
     "ciphertexts": [{"alpha": <point>, "beta": <point>}, ...],  # one per slot
     "sum_proof": [{"challenge": ..., "response": ...}, ...]}    # values min..max

and, for projects within an envelope only, a fourth key::

     "budget_proof": {"bits": [{"alpha": ..., "beta": ...}, ...],   # L ciphertexts
                      "bit_proofs": [[..., ...], ...],              # each 0 or 1
                      "zero_proof": [{"challenge": ..., "response": ...}]}

with points and scalars encoded as in :mod:`voting.crypto.group`. Slots are
the options in contest order, then the blank slot if any.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .elgamal import Ciphertext, encrypt, sum_ciphertexts
from .errors import DecodeError
from .group import IDENTITY, ORDER, Point, base_mul, hash_items, random_scalar
from .proofs import RangeProof, prove_range, verify_range

MAX_OPTIONS = 1000
"""Upper bound on options per contest; keeps decoding untrusted input cheap."""
MAX_SLOTS = MAX_OPTIONS + 1
"""Upper bound on ciphertexts per ballot: every option plus the blank slot."""


@dataclass(frozen=True, slots=True)
class ContestParameters:
    """Public parameters every ballot of a contest is encrypted and checked against.

    ``context`` must identify the contest unambiguously and be voter
    independent, e.g. the hex SHA-256 of the contest manifest (which should
    itself include the election id, the option list and the rules); it
    prevents proofs from being replayed in another contest.

    ``blank`` adds a blank slot after the options (see the module
    docstring); it needs ``min_choices >= 1``, or a ballot with no option
    and no blank mark would also be valid and mean the same thing.
    """

    public_key: Point
    n_options: int
    min_choices: int
    max_choices: int
    context: str
    blank: bool = False
    costs: tuple[int, ...] = ()
    envelope: int | None = None

    def __post_init__(self) -> None:
        if self.public_key.is_identity:
            raise ValueError("the identity is not a valid public key")
        if not 1 <= self.n_options <= MAX_OPTIONS:
            raise ValueError(f"n_options must be in [1, {MAX_OPTIONS}]")
        if not 0 <= self.min_choices <= self.max_choices <= self.n_options:
            raise ValueError("need 0 <= min_choices <= max_choices <= n_options")
        if self.blank and self.min_choices < 1:
            raise ValueError("a blank slot needs min_choices >= 1")
        if not self.context:
            raise ValueError("context must be a non-empty contest identifier")
        if self.envelope is not None:
            if type(self.envelope) is not int or not 0 < self.envelope < 1 << 64:
                raise ValueError("the envelope must be a positive integer below 2^64")
            if len(self.costs) != self.n_options or any(
                type(c) is not int or not 0 <= c < 1 << 64 for c in self.costs
            ):
                raise ValueError("an envelope needs one integer cost per option, each below 2^64")

    @property
    def budget_bits(self) -> int:
        """Bits of the slack under the envelope: 0 when there is no envelope."""
        return self.envelope.bit_length() if self.envelope is not None else 0

    @property
    def n_slots(self) -> int:
        """Ciphertexts per ballot: one per option, plus the blank slot."""
        return self.n_options + (1 if self.blank else 0)


@dataclass(frozen=True, slots=True)
class BudgetProof:
    """The chosen projects cost at most the envelope (see the module docstring)."""

    bits: tuple[Ciphertext, ...]
    bit_proofs: tuple[RangeProof, ...]
    zero_proof: RangeProof

    def to_dict(self) -> dict[str, object]:
        return {
            "bits": [c.to_dict() for c in self.bits],
            "bit_proofs": [p.to_list() for p in self.bit_proofs],
            "zero_proof": self.zero_proof.to_list(),
        }

    @classmethod
    def from_dict(cls, data: object) -> BudgetProof:
        if not isinstance(data, Mapping) or set(data) != {"bits", "bit_proofs", "zero_proof"}:
            raise DecodeError("budget proof must have keys bits, bit_proofs, zero_proof")
        bits, proofs = data["bits"], data["bit_proofs"]
        if not isinstance(bits, list) or not isinstance(proofs, list) or not 1 <= len(bits) <= 64 \
                or len(proofs) != len(bits):
            raise DecodeError("need one ciphertext and one proof per bit, at most 64")
        return cls(
            tuple(Ciphertext.from_dict(c) for c in bits),
            tuple(RangeProof.from_list(p) for p in proofs),
            RangeProof.from_list(data["zero_proof"]),
        )


@dataclass(frozen=True, slots=True)
class Ballot:
    ciphertexts: tuple[Ciphertext, ...]
    choice_proofs: tuple[RangeProof, ...]
    sum_proof: RangeProof
    budget_proof: BudgetProof | None = None

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "ciphertexts": [c.to_dict() for c in self.ciphertexts],
            "choice_proofs": [p.to_list() for p in self.choice_proofs],
            "sum_proof": self.sum_proof.to_list(),
        }
        if self.budget_proof is not None:
            data["budget_proof"] = self.budget_proof.to_dict()
        return data

    def to_json(self) -> str:
        """Canonical JSON; the ballot box should store exactly this string."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    @property
    def hash(self) -> str:
        """Hex SHA-256 of :meth:`to_json`: the voter's receipt / tracker."""
        return hashlib.sha256(self.to_json().encode("ascii")).hexdigest()

    @classmethod
    def from_dict(cls, data: object) -> Ballot:
        """Strictly decode a ballot: exact keys, canonical encodings, points
        on the curve and not the identity, scalars in range.

        Structure only; call :func:`verify_ballot` for the proofs.
        """
        keys = {"ciphertexts", "choice_proofs", "sum_proof"}
        if not isinstance(data, Mapping) or set(data) not in (keys, keys | {"budget_proof"}):
            raise DecodeError("ballot must have keys ciphertexts, choice_proofs, sum_proof (and budget_proof)")
        ciphertexts, choice_proofs = data["ciphertexts"], data["choice_proofs"]
        if not isinstance(ciphertexts, list) or not isinstance(choice_proofs, list):
            raise DecodeError("ciphertexts and choice_proofs must be lists")
        if not 1 <= len(ciphertexts) <= MAX_SLOTS or len(choice_proofs) != len(ciphertexts):
            raise DecodeError("need one ciphertext and one choice proof per slot")
        return cls(
            tuple(Ciphertext.from_dict(c) for c in ciphertexts),
            tuple(RangeProof.from_list(p) for p in choice_proofs),
            RangeProof.from_list(data["sum_proof"]),
            BudgetProof.from_dict(data["budget_proof"]) if "budget_proof" in data else None,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Ballot:
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            raise DecodeError("ballot is not valid JSON") from None
        return cls.from_dict(data)


def _statement(
    params: ContestParameters, ciphertexts: Sequence[Ciphertext], bits: Sequence[Ciphertext] = ()
) -> bytes:
    """What every proof of a ballot is bound to: the contest, its rules, every ciphertext."""
    budget: tuple = ()
    if params.envelope is not None:
        # Only for envelopes, so that other ballots hash exactly as before.
        budget = (params.envelope, *params.costs, *(point for c in bits for point in (c.alpha, c.beta)))
    return hash_items(
        "ballot/statement",
        params.context,
        params.public_key,
        params.n_options,
        params.min_choices,
        params.max_choices,
        int(params.blank),
        *(point for c in ciphertexts for point in (c.alpha, c.beta)),
        *budget,
    )


def _proof_contexts(
    params: ContestParameters, ciphertexts: Sequence[Ciphertext], bits: Sequence[Ciphertext] = ()
) -> tuple[list[bytes], bytes]:
    """Contexts of each slot's 0/1 proof and of the sum proof."""
    statement = _statement(params, ciphertexts, bits)
    choices = [hash_items("ballot/choice", statement, i) for i in range(len(ciphertexts))]
    return choices, hash_items("ballot/sum", statement)


def _budget_contexts(
    params: ContestParameters, ciphertexts: Sequence[Ciphertext], bits: Sequence[Ciphertext]
) -> tuple[list[bytes], bytes]:
    """Contexts of each slack bit's 0/1 proof and of the zero proof."""
    statement = _statement(params, ciphertexts, bits)
    return [hash_items("ballot/budget-bit", statement, i) for i in range(len(bits))], hash_items(
        "ballot/budget-zero", statement
    )


def _budget_zero(
    params: ContestParameters, ciphertexts: Sequence[Ciphertext], bits: Sequence[Ciphertext]
) -> Ciphertext:
    """``Enc(envelope; 0) - sum(cost_i * c_i) - sum(2^l * bit_l)``: encrypts 0 for an honest ballot."""
    assert params.envelope is not None
    spent = sum_ciphertexts(
        [c * cost for c, cost in zip(ciphertexts, params.costs) if cost]
        + [bit * (1 << level) for level, bit in enumerate(bits)]
    )
    return Ciphertext(IDENTITY, base_mul(params.envelope)) + spent * (ORDER - 1)


def _weighted(params: ContestParameters, values: Sequence[int]) -> int:
    """The sum proof's plaintext (or nonce) from per-slot ones:
    ``sum(options) + max_choices * blank``."""
    total = sum(values[: params.n_options])
    if params.blank:
        total += params.max_choices * values[params.n_options]
    return total


def _weighted_ciphertext(
    params: ContestParameters, ciphertexts: Sequence[Ciphertext]
) -> Ciphertext:
    """The ciphertext the sum proof is about: :func:`_weighted` homomorphically."""
    total = sum_ciphertexts(ciphertexts[: params.n_options])
    if params.blank:
        total = total + ciphertexts[params.n_options] * params.max_choices
    return total


def encrypt_ballot(params: ContestParameters, choices: Sequence[int]) -> Ballot:
    """Encrypt a vector of 0/1 choices (one per slot: the options, then the
    blank mark if the contest has one) with all proofs.

    Raises :class:`ValueError` for choices that break the rules: an honest
    client cannot produce a ballot that would be rejected.

    This is the reference implementation of what the voter's device does
    (``voting/static/voting/js/crypto.js`` is its browser twin); the server
    never runs it on a real vote, only :func:`verify_ballot`.
    """
    return encrypt_ballot_with_nonces(params, choices)[0]


def encrypt_ballot_with_nonces(params: ContestParameters, choices: Sequence[int]) -> tuple[Ballot, list[int]]:
    """:func:`encrypt_ballot`, also returning each slot's nonce for a Benaloh audit."""
    if len(choices) != params.n_slots:
        raise ValueError(f"expected {params.n_slots} choices, got {len(choices)}")
    if any(type(choice) is not int or choice not in (0, 1) for choice in choices):
        raise ValueError("each choice must be 0 or 1")
    total = _weighted(params, choices)
    if not params.min_choices <= total <= params.max_choices:
        blank = ", or a blank vote alone" if params.blank else ""
        raise ValueError(
            f"allowed: between {params.min_choices} and {params.max_choices} choices{blank}"
        )
    spent = sum(cost * m for cost, m in zip(params.costs, choices))
    if params.envelope is not None and spent > params.envelope:
        raise ValueError(f"the chosen projects cost {spent}, more than the envelope {params.envelope}")
    nonces = [random_scalar() for _ in choices]
    ciphertexts = tuple(
        encrypt(params.public_key, m, r) for m, r in zip(choices, nonces, strict=True)
    )
    budget_proof, bits = None, ()
    if params.envelope is not None:
        budget_proof = _prove_budget(params, ciphertexts, choices, nonces, params.envelope - spent)
        bits = budget_proof.bits
    choice_contexts, sum_context = _proof_contexts(params, ciphertexts, bits)
    choice_proofs = tuple(
        prove_range(params.public_key, c, m, r, 0, 1, ctx)
        for c, m, r, ctx in zip(ciphertexts, choices, nonces, choice_contexts, strict=True)
    )
    sum_proof = prove_range(
        params.public_key,
        _weighted_ciphertext(params, ciphertexts),
        total,
        _weighted(params, nonces) % ORDER,
        params.min_choices,
        params.max_choices,
        sum_context,
    )
    return Ballot(ciphertexts, choice_proofs, sum_proof, budget_proof), nonces


def _prove_budget(
    params: ContestParameters, ciphertexts: Sequence[Ciphertext], choices: Sequence[int],
    nonces: Sequence[int], slack: int,
) -> BudgetProof:
    bit_values = [(slack >> level) & 1 for level in range(params.budget_bits)]
    bit_nonces = [random_scalar() for _ in bit_values]
    bits = tuple(encrypt(params.public_key, b, r) for b, r in zip(bit_values, bit_nonces, strict=True))
    bit_contexts, zero_context = _budget_contexts(params, ciphertexts, bits)
    bit_proofs = tuple(
        prove_range(params.public_key, c, b, r, 0, 1, ctx)
        for c, b, r, ctx in zip(bits, bit_values, bit_nonces, bit_contexts, strict=True)
    )
    # The zero ciphertext's nonce: minus what was spent and the slack's bits, weighted alike.
    zero_nonce = -(
        sum(cost * r for cost, r in zip(params.costs, nonces))
        + sum((1 << level) * r for level, r in enumerate(bit_nonces))
    ) % ORDER
    zero = _budget_zero(params, ciphertexts, bits)
    return BudgetProof(bits, bit_proofs, prove_range(params.public_key, zero, 0, zero_nonce, 0, 0, zero_context))


def verify_audit(
    params: ContestParameters, ballot: Ballot, choices: Sequence[int], nonces: Sequence[int]
) -> bool:
    """Benaloh's cast-or-audit check: does this ballot encrypt exactly ``choices``?

    The voter's device revealed each slot's nonce instead of casting the
    ballot; re-encrypting each choice with it must give the ballot's
    ciphertexts, bit for bit. A device that encrypted anything else than
    what the voter chose is caught with the probability that the voter audits.
    """
    if len(choices) != params.n_slots or len(nonces) != params.n_slots:
        return False
    if len(ballot.ciphertexts) != params.n_slots:
        return False
    for choice, nonce, ciphertext in zip(choices, nonces, ballot.ciphertexts, strict=True):
        if type(choice) is not int or choice not in (0, 1) or not 0 < nonce < ORDER:
            return False
        if encrypt(params.public_key, choice, nonce) != ciphertext:
            return False
    return True


def verify_ballot(params: ContestParameters, ballot: Ballot) -> bool:
    """Check a ballot's shape and every proof against the contest parameters.

    Cost: ~4 scalar multiplications per proof branch, i.e.
    ``8 * n_slots + 4 * (max - min + 1)`` in total, plus 2 for a blank slot.
    """
    if len(ballot.ciphertexts) != params.n_slots or len(ballot.choice_proofs) != params.n_slots:
        return False
    if any(c.alpha.is_identity or c.beta.is_identity for c in ballot.ciphertexts):
        return False
    budget = ballot.budget_proof
    if (budget is None) != (params.envelope is None):
        return False
    bits = budget.bits if budget is not None else ()
    if budget is not None and not _verify_budget(params, ballot.ciphertexts, budget):
        return False
    choice_contexts, sum_context = _proof_contexts(params, ballot.ciphertexts, bits)
    if not all(
        verify_range(params.public_key, c, proof, 0, 1, ctx)
        for c, proof, ctx in zip(
            ballot.ciphertexts, ballot.choice_proofs, choice_contexts, strict=True
        )
    ):
        return False
    return verify_range(
        params.public_key,
        _weighted_ciphertext(params, ballot.ciphertexts),
        ballot.sum_proof,
        params.min_choices,
        params.max_choices,
        sum_context,
    )


def _verify_budget(params: ContestParameters, ciphertexts: Sequence[Ciphertext], budget: BudgetProof) -> bool:
    if len(budget.bits) != params.budget_bits:
        return False
    if any(c.alpha.is_identity or c.beta.is_identity for c in budget.bits):
        return False
    bit_contexts, zero_context = _budget_contexts(params, ciphertexts, budget.bits)
    if not all(
        verify_range(params.public_key, c, proof, 0, 1, ctx)
        for c, proof, ctx in zip(budget.bits, budget.bit_proofs, bit_contexts, strict=True)
    ):
        return False
    zero = _budget_zero(params, ciphertexts, budget.bits)
    return verify_range(params.public_key, zero, budget.zero_proof, 0, 0, zero_context)
