"""Zero-knowledge proofs: completeness, tamper rejection, soundness against cheaters."""

from dataclasses import replace

import pytest

from voting.crypto import proofs
from voting.crypto.elgamal import Ciphertext, encrypt
from voting.crypto.errors import DecodeError
from voting.crypto.group import GENERATOR, ORDER, base_mul, random_scalar
from voting.crypto.proofs import (
    ChaumPedersenProof,
    RangeProof,
    prove_equal_logs,
    prove_range,
    verify_equal_logs,
    verify_range,
)

CONTEXT = "contest-manifest-hash"
PUBLIC = base_mul(random_scalar())


def _proved(message, low, high):
    r = random_scalar()
    c = encrypt(PUBLIC, message, r)
    return c, prove_range(PUBLIC, c, message, r, low, high, CONTEXT)


@pytest.mark.parametrize(("low", "high"), [(0, 1), (0, 0), (1, 1), (0, 4), (2, 5)])
def test_range_proof_completeness(low, high):
    for message in range(low, high + 1):
        c, proof = _proved(message, low, high)
        assert verify_range(PUBLIC, c, proof, low, high, CONTEXT)
        assert RangeProof.from_list(proof.to_list()) == proof


def _bump(proof, index, field):
    branch = proof.branches[index]
    tampered = replace(branch, **{field: (getattr(branch, field) + 1) % ORDER})
    return RangeProof((*proof.branches[:index], tampered, *proof.branches[index + 1 :]))


@pytest.mark.parametrize("message", [0, 1])
def test_range_proof_rejects_every_tampered_scalar(message):
    c, proof = _proved(message, 0, 1)
    for index in range(2):
        for field in ("challenge", "response"):
            assert not verify_range(PUBLIC, c, _bump(proof, index, field), 0, 1, CONTEXT)


def test_range_proof_rejects_tampered_statement():
    c, proof = _proved(1, 0, 1)
    other_key = base_mul(random_scalar())
    assert not verify_range(PUBLIC, Ciphertext(c.alpha + GENERATOR, c.beta), proof, 0, 1, CONTEXT)
    assert not verify_range(PUBLIC, Ciphertext(c.alpha, c.beta + GENERATOR), proof, 0, 1, CONTEXT)
    assert not verify_range(PUBLIC, Ciphertext(c.beta, c.alpha), proof, 0, 1, CONTEXT)
    assert not verify_range(other_key, c, proof, 0, 1, CONTEXT)
    assert not verify_range(PUBLIC, c, proof, 0, 1, CONTEXT + "x")
    assert not verify_range(PUBLIC, c, proof, 0, 1, CONTEXT.encode())
    assert not verify_range(PUBLIC, c, proof, 1, 2, CONTEXT)
    assert not verify_range(PUBLIC, c, RangeProof(proof.branches[::-1]), 0, 1, CONTEXT)
    assert not verify_range(PUBLIC, c, RangeProof(proof.branches[:1]), 0, 1, CONTEXT)
    assert not verify_range(PUBLIC, c, RangeProof(proof.branches * 2), 0, 3, CONTEXT)


def test_range_challenge_binds_every_commitment_and_statement_element():
    """Commitments are recomputed, not transmitted; check that the hash
    depends on each of them (and on G, Y, alpha, beta, low, high, context)."""
    c, _ = _proved(0, 0, 1)
    commitments = [base_mul(random_scalar()) for _ in range(4)]
    reference = proofs._range_challenge(PUBLIC, c, 0, 1, CONTEXT, commitments)
    for i in range(4):
        changed = [*commitments[:i], commitments[i] + GENERATOR, *commitments[i + 1 :]]
        assert proofs._range_challenge(PUBLIC, c, 0, 1, CONTEXT, changed) != reference
    assert proofs._range_challenge(PUBLIC, c, 0, 2, CONTEXT, commitments) != reference
    assert proofs._range_challenge(PUBLIC, c, 1, 1, CONTEXT, commitments) != reference
    assert proofs._range_challenge(PUBLIC + GENERATOR, c, 0, 1, CONTEXT, commitments) != reference
    moved = [Ciphertext(c.alpha + GENERATOR, c.beta), Ciphertext(c.alpha, c.beta + GENERATOR)]
    for other in moved:
        assert proofs._range_challenge(PUBLIC, other, 0, 1, CONTEXT, commitments) != reference
    assert proofs._range_challenge(PUBLIC, c, 0, 1, "other", commitments) != reference


def test_honest_prover_refuses_out_of_range_message():
    r = random_scalar()
    c = encrypt(PUBLIC, 2, r)
    with pytest.raises(ValueError):
        prove_range(PUBLIC, c, 2, r, 0, 1, CONTEXT)


@pytest.mark.parametrize("claimed", [0, 1])
def test_cheating_prover_with_false_witness_fails(claimed):
    """Encrypt 2 and run the prover pretending the plaintext is 0 or 1."""
    r = random_scalar()
    c = encrypt(PUBLIC, 2, r)
    forged = prove_range(PUBLIC, c, claimed, r, 0, 1, CONTEXT)
    assert not verify_range(PUBLIC, c, forged, 0, 1, CONTEXT)


def test_cheating_prover_simulating_all_branches_fails():
    c = encrypt(PUBLIC, 2, random_scalar())
    forged = RangeProof(
        tuple(ChaumPedersenProof(random_scalar(), random_scalar()) for _ in range(2))
    )
    assert not verify_range(PUBLIC, c, forged, 0, 1, CONTEXT)


def test_extra_branch_cannot_absorb_the_challenge():
    """With a spare branch, a forger could simulate every real branch and put
    ``hash - sum(challenges)`` in the spare one: the branch count must match."""
    c = encrypt(PUBLIC, 2, random_scalar())
    simulated = [ChaumPedersenProof(random_scalar(), random_scalar()) for _ in range(2)]
    commitments = []
    for value, branch in zip((0, 1), simulated, strict=False):
        commitments += [
            base_mul(branch.response) + c.alpha * branch.challenge,
            PUBLIC * branch.response + (c.beta - base_mul(value)) * branch.challenge,
        ]
    target = proofs._range_challenge(PUBLIC, c, 0, 1, CONTEXT, commitments)
    spare = ChaumPedersenProof((target - sum(b.challenge for b in simulated)) % ORDER, 0)
    assert not verify_range(PUBLIC, c, RangeProof((*simulated, spare)), 0, 1, CONTEXT)


def test_proof_cannot_be_replayed_in_another_context_or_ciphertext():
    c, proof = _proved(1, 0, 1)
    assert verify_range(PUBLIC, c, proof, 0, 1, CONTEXT)
    assert not verify_range(PUBLIC, c, proof, 0, 1, "another-contest")
    other, _ = _proved(1, 0, 1)
    assert not verify_range(PUBLIC, other, proof, 0, 1, CONTEXT)


def _dleq_statement():
    secret = random_scalar()
    base = base_mul(random_scalar())
    public, image = base_mul(secret), base * secret
    return secret, public, base, image


def test_equal_logs_completeness_and_round_trip():
    secret, public, base, image = _dleq_statement()
    proof = prove_equal_logs(secret, public, base, image, CONTEXT)
    assert verify_equal_logs(public, base, image, proof, CONTEXT)
    assert ChaumPedersenProof.from_dict(proof.to_dict()) == proof


def test_equal_logs_rejects_tampering():
    secret, public, base, image = _dleq_statement()
    proof = prove_equal_logs(secret, public, base, image, CONTEXT)
    bumped_c = replace(proof, challenge=(proof.challenge + 1) % ORDER)
    bumped_z = replace(proof, response=(proof.response + 1) % ORDER)
    assert not verify_equal_logs(public, base, image, bumped_c, CONTEXT)
    assert not verify_equal_logs(public, base, image, bumped_z, CONTEXT)
    assert not verify_equal_logs(public + GENERATOR, base, image, proof, CONTEXT)
    assert not verify_equal_logs(public, base + GENERATOR, image, proof, CONTEXT)
    assert not verify_equal_logs(public, base, image + GENERATOR, proof, CONTEXT)
    assert not verify_equal_logs(public, base, image, proof, CONTEXT + "x")


def test_equal_logs_with_wrong_image_fails():
    secret, public, base, _ = _dleq_statement()
    wrong_image = base * (secret + 1)
    proof = prove_equal_logs(secret, public, base, wrong_image, CONTEXT)
    assert not verify_equal_logs(public, base, wrong_image, proof, CONTEXT)


def test_proof_scalars_are_validated():
    with pytest.raises(ValueError):
        ChaumPedersenProof(ORDER, 1)
    with pytest.raises(ValueError):
        ChaumPedersenProof(1, -1)
    with pytest.raises(DecodeError):
        ChaumPedersenProof.from_dict({"challenge": "00" * 32})
    with pytest.raises(DecodeError):
        RangeProof.from_list([])
