"""Whole ballots: encryption, verification, cheating voters, canonical JSON."""

import json
from dataclasses import replace

import pytest

from voting.crypto import ballot as ballot_module
from voting.crypto.ballot import Ballot, ContestParameters, encrypt_ballot, verify_ballot
from voting.crypto.elgamal import Ciphertext, encrypt, sum_ciphertexts
from voting.crypto.errors import DecodeError
from voting.crypto.group import GENERATOR, ORDER, base_mul, random_scalar
from voting.crypto.proofs import prove_range

PUBLIC = base_mul(random_scalar())
PARAMS = ContestParameters(PUBLIC, n_options=4, min_choices=1, max_choices=2, context="manifest")


@pytest.mark.parametrize(
    ("rules", "choices"),
    [
        ((4, 1, 2), [0, 1, 0, 0]),
        ((4, 1, 2), [1, 0, 0, 1]),
        ((3, 1, 1), [0, 0, 1]),  # exactly one
        ((3, 0, 3), [0, 0, 0]),  # blank allowed
        ((3, 0, 3), [1, 1, 1]),
        ((1, 0, 1), [1]),
    ],
)
def test_valid_ballots_verify(rules, choices):
    n, lo, hi = rules
    params = ContestParameters(PUBLIC, n, lo, hi, "manifest")
    ballot = encrypt_ballot(params, choices)
    assert verify_ballot(params, ballot)


@pytest.mark.parametrize(
    "choices", [[2, 0, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0], [1, 0, 0], [True, 0, 0, 0], [-1, 1, 1, 0]]
)
def test_honest_client_refuses_invalid_choices(choices):
    with pytest.raises(ValueError):
        encrypt_ballot(PARAMS, choices)


def _cheating_ballot(choices, claimed_choices, claimed_total):
    """A voter who encrypts ``choices`` but runs the provers with a false witness."""
    nonces = [random_scalar() for _ in choices]
    ciphertexts = tuple(encrypt(PUBLIC, m, r) for m, r in zip(choices, nonces))
    choice_contexts, sum_context = ballot_module._proof_contexts(PARAMS, ciphertexts)
    choice_proofs = tuple(
        prove_range(PUBLIC, c, claimed, r, 0, 1, ctx)
        for c, claimed, r, ctx in zip(ciphertexts, claimed_choices, nonces, choice_contexts)
    )
    sum_proof = prove_range(
        PUBLIC,
        sum_ciphertexts(ciphertexts),
        claimed_total,
        sum(nonces) % ORDER,
        PARAMS.min_choices,
        PARAMS.max_choices,
        sum_context,
    )
    return Ballot(ciphertexts, choice_proofs, sum_proof)


def test_cheating_prover_helper_is_honest_with_a_true_witness():
    assert verify_ballot(PARAMS, _cheating_ballot([1, 0, 1, 0], [1, 0, 1, 0], 2))


def test_value_two_cannot_be_proven():
    # 2 votes for option 0, within the sum limit: only the 0/1 proof can catch it
    assert not verify_ballot(PARAMS, _cheating_ballot([2, 0, 0, 0], [1, 0, 0, 0], 2))
    assert not verify_ballot(PARAMS, _cheating_ballot([2, 0, 0, 0], [0, 0, 0, 0], 2))


def test_too_many_or_too_few_choices_cannot_be_proven():
    assert not verify_ballot(PARAMS, _cheating_ballot([1, 1, 1, 0], [1, 1, 1, 0], 2))
    assert not verify_ballot(PARAMS, _cheating_ballot([1, 1, 1, 1], [1, 1, 1, 1], 1))
    assert not verify_ballot(PARAMS, _cheating_ballot([0, 0, 0, 0], [0, 0, 0, 0], 1))


def test_negative_vote_cannot_be_proven():
    # -1 + 1 + 1 = 1 passes the sum rule; the 0/1 proof must catch it
    cheat = _cheating_ballot([ORDER - 1, 1, 1, 0], [0, 1, 1, 0], 1)
    assert not verify_ballot(PARAMS, cheat)


def test_tampered_ballots_fail():
    ballot = encrypt_ballot(PARAMS, [1, 0, 0, 1])
    other = encrypt_ballot(PARAMS, [0, 1, 0, 0])
    c0 = ballot.ciphertexts[0]
    tampered = [
        replace(ballot, ciphertexts=(Ciphertext(c0.alpha + GENERATOR, c0.beta),) + ballot.ciphertexts[1:]),
        replace(ballot, ciphertexts=(Ciphertext(c0.alpha, c0.beta + GENERATOR),) + ballot.ciphertexts[1:]),
        replace(ballot, ciphertexts=ballot.ciphertexts[::-1]),
        replace(ballot, choice_proofs=ballot.choice_proofs[::-1]),
        replace(ballot, sum_proof=other.sum_proof),
        # lift one option (ciphertext + its valid proof) from another ballot
        replace(
            ballot,
            ciphertexts=(other.ciphertexts[0],) + ballot.ciphertexts[1:],
            choice_proofs=(other.choice_proofs[0],) + ballot.choice_proofs[1:],
        ),
        replace(ballot, ciphertexts=ballot.ciphertexts[:3], choice_proofs=ballot.choice_proofs[:3]),
    ]
    for bad in tampered:
        assert not verify_ballot(PARAMS, bad)
    for params in (
        replace(PARAMS, context="another contest"),
        replace(PARAMS, max_choices=3),
        replace(PARAMS, public_key=base_mul(random_scalar())),
    ):
        assert not verify_ballot(params, ballot)


def test_every_proof_context_depends_on_every_ciphertext():
    ballot = encrypt_ballot(PARAMS, [1, 0, 0, 0])
    reference = ballot_module._proof_contexts(PARAMS, ballot.ciphertexts)
    for i, c in enumerate(ballot.ciphertexts):
        changed = list(ballot.ciphertexts)
        changed[i] = Ciphertext(c.alpha, c.beta + GENERATOR)
        choices, total = ballot_module._proof_contexts(PARAMS, changed)
        assert total != reference[1]
        assert all(a != b for a, b in zip(choices, reference[0]))
    assert len(set(reference[0])) == PARAMS.n_options


def test_canonical_json_and_hash():
    ballot = encrypt_ballot(PARAMS, [0, 1, 1, 0])
    text = ballot.to_json()
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
    restored = Ballot.from_json(text)
    assert restored == ballot and restored.to_json() == text
    assert verify_ballot(PARAMS, restored)
    assert len(ballot.hash) == 64 and ballot.hash == restored.hash
    data = json.loads(text)
    assert sorted(data) == ["choice_proofs", "ciphertexts", "sum_proof"]
    assert len(data["choice_proofs"][0]) == 2 and len(data["sum_proof"]) == 2
    # same choices, fresh randomness: a different tracker
    assert encrypt_ballot(PARAMS, [0, 1, 1, 0]).hash != ballot.hash


def _mutations(data):
    alpha = data["ciphertexts"][0]["alpha"]
    yield {**data, "extra": 1}
    yield {k: v for k, v in data.items() if k != "sum_proof"}
    yield {**data, "ciphertexts": [{**data["ciphertexts"][0], "alpha": alpha.upper()}] + data["ciphertexts"][1:]}
    yield {**data, "ciphertexts": [{**data["ciphertexts"][0], "alpha": "00"}] + data["ciphertexts"][1:]}
    yield {**data, "ciphertexts": [{**data["ciphertexts"][0], "alpha": "02" + "00" * 32}] + data["ciphertexts"][1:]}
    yield {**data, "ciphertexts": data["ciphertexts"][:-1]}
    yield {**data, "sum_proof": [{"challenge": ORDER.to_bytes(32, "big").hex(), "response": "00" * 32}]}
    yield {**data, "sum_proof": []}
    yield {**data, "choice_proofs": "nope"}
    yield []


def test_from_dict_rejects_malformed_input():
    data = encrypt_ballot(PARAMS, [1, 0, 0, 0]).to_dict()
    for bad in _mutations(data):
        with pytest.raises(DecodeError):
            Ballot.from_dict(bad)
    with pytest.raises(DecodeError):
        Ballot.from_json("{not json")


@pytest.mark.parametrize(("n", "lo", "hi", "context"), [(0, 0, 0, "c"), (3, 2, 1, "c"), (3, 0, 4, "c"), (3, 0, 1, "")])
def test_contest_parameters_validation(n, lo, hi, context):
    with pytest.raises(ValueError):
        ContestParameters(PUBLIC, n, lo, hi, context)
