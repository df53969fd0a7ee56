"""Whole ballots: encryption, verification, cheating voters, canonical JSON."""

import json
from dataclasses import replace

import pytest

from voting.crypto import ballot as ballot_module
from voting.crypto.ballot import (
    MAX_SLOTS,
    Ballot,
    ContestParameters,
    encrypt_ballot,
    verify_ballot,
)
from voting.crypto.elgamal import Ciphertext, encrypt
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


def _cheating_ballot(choices, claimed_choices, claimed_total, params=PARAMS):
    """A voter who encrypts ``choices`` but runs the provers with a false witness."""
    nonces = [random_scalar() for _ in choices]
    ciphertexts = tuple(encrypt(PUBLIC, m, r) for m, r in zip(choices, nonces, strict=False))
    choice_contexts, sum_context = ballot_module._proof_contexts(params, ciphertexts)
    choice_proofs = tuple(
        prove_range(PUBLIC, c, claimed, r, 0, 1, ctx)
        for c, claimed, r, ctx in zip(
            ciphertexts, claimed_choices, nonces, choice_contexts, strict=False
        )
    )
    sum_proof = prove_range(
        PUBLIC,
        ballot_module._weighted_ciphertext(params, ciphertexts),
        claimed_total,
        ballot_module._weighted(params, nonces) % ORDER,
        params.min_choices,
        params.max_choices,
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
        replace(
            ballot, ciphertexts=(Ciphertext(c0.alpha + GENERATOR, c0.beta), *ballot.ciphertexts[1:])
        ),
        replace(
            ballot, ciphertexts=(Ciphertext(c0.alpha, c0.beta + GENERATOR), *ballot.ciphertexts[1:])
        ),
        replace(ballot, ciphertexts=ballot.ciphertexts[::-1]),
        replace(ballot, choice_proofs=ballot.choice_proofs[::-1]),
        replace(ballot, sum_proof=other.sum_proof),
        # lift one option (ciphertext + its valid proof) from another ballot
        replace(
            ballot,
            ciphertexts=(other.ciphertexts[0], *ballot.ciphertexts[1:]),
            choice_proofs=(other.choice_proofs[0], *ballot.choice_proofs[1:]),
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
        assert all(a != b for a, b in zip(choices, reference[0], strict=False))
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
    yield {
        **data,
        "ciphertexts": [
            {**data["ciphertexts"][0], "alpha": alpha.upper()},
            *data["ciphertexts"][1:],
        ],
    }
    yield {
        **data,
        "ciphertexts": [{**data["ciphertexts"][0], "alpha": "00"}, *data["ciphertexts"][1:]],
    }
    yield {
        **data,
        "ciphertexts": [
            {**data["ciphertexts"][0], "alpha": "02" + "00" * 32},
            *data["ciphertexts"][1:],
        ],
    }
    yield {**data, "ciphertexts": data["ciphertexts"][:-1]}
    yield {
        **data,
        "sum_proof": [{"challenge": ORDER.to_bytes(32, "big").hex(), "response": "00" * 32}],
    }
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


@pytest.mark.parametrize(
    ("n", "lo", "hi", "context", "blank"),
    [
        (0, 0, 0, "c", False),
        (3, 2, 1, "c", False),
        (3, 0, 4, "c", False),
        (3, 0, 1, "", False),
        (3, 0, 2, "c", True),  # "no option, no blank mark" would also be a blank ballot
    ],
)
def test_contest_parameters_validation(n, lo, hi, context, blank):
    with pytest.raises(ValueError):
        ContestParameters(PUBLIC, n, lo, hi, context, blank)


# Blank votes: a last 0/1 slot, and the sum proof covers options + max_choices * blank.

BLANK = replace(PARAMS, blank=True)  # 4 options, 1 to 2 choices, or blank


@pytest.mark.parametrize(
    ("rules", "choices"),
    [
        ((4, 1, 2), [0, 0, 0, 0, 1]),
        ((4, 1, 2), [0, 1, 0, 0, 0]),
        ((4, 1, 2), [1, 0, 0, 1, 0]),
        ((3, 1, 1), [0, 0, 0, 1]),  # single choice or blank
        ((3, 1, 1), [0, 0, 1, 0]),
        ((2, 2, 2), [1, 1, 0]),
        ((2, 2, 2), [0, 0, 1]),
    ],
)
def test_valid_ballots_with_a_blank_slot_verify(rules, choices):
    n, lo, hi = rules
    params = ContestParameters(PUBLIC, n, lo, hi, "manifest", blank=True)
    assert params.n_slots == n + 1
    ballot = encrypt_ballot(params, choices)
    assert len(ballot.ciphertexts) == len(ballot.choice_proofs) == n + 1
    assert verify_ballot(params, ballot)
    assert verify_ballot(params, Ballot.from_json(ballot.to_json()))
    assert not verify_ballot(replace(params, blank=False), ballot)


@pytest.mark.parametrize(
    "choices",
    [
        [0, 0, 0, 0, 0],  # neither an option nor blank
        [1, 0, 0, 0, 1],  # blank and an option
        [1, 1, 0, 0, 1],
        [1, 1, 1, 0, 0],  # too many
        [0, 0, 0, 0, 2],
        [0, 0, 0, 1],  # no blank slot
        [0, 0, 0, 0, 1, 0],
    ],
)
def test_honest_client_refuses_invalid_blank_choices(choices):
    with pytest.raises(ValueError):
        encrypt_ballot(BLANK, choices)


def test_cheating_prover_helper_is_honest_with_a_blank_slot():
    assert verify_ballot(BLANK, _cheating_ballot([0, 0, 0, 0, 1], [0, 0, 0, 0, 1], 2, BLANK))
    assert verify_ballot(BLANK, _cheating_ballot([0, 1, 1, 0, 0], [0, 1, 1, 0, 0], 2, BLANK))


@pytest.mark.parametrize("claimed_total", [1, 2])
def test_blank_and_an_option_cannot_be_proven(claimed_total):
    # weighted sum 1 + 2 * 1 = 3 > max_choices: no honest sum proof exists
    claims = [1, 0, 0, 0, 1]
    cheat = _cheating_ballot([1, 0, 0, 0, 1], claims, claimed_total, BLANK)
    assert not verify_ballot(BLANK, cheat)
    single = ContestParameters(PUBLIC, 3, 1, 1, "manifest", blank=True)
    cheat = _cheating_ballot([0, 0, 1, 1], [0, 0, 1, 1], 1, single)
    assert not verify_ballot(single, cheat)


def test_neither_an_option_nor_blank_cannot_be_proven():
    for claimed_total in (1, 2):
        cheat = _cheating_ballot([0] * 5, [0] * 5, claimed_total, BLANK)
        assert not verify_ballot(BLANK, cheat)


def test_blank_slot_must_be_zero_or_one():
    # blank = 2 with no option gives 4; blank = -1 with 3 options gives 1: the 0/1 proof catches it
    assert not verify_ballot(BLANK, _cheating_ballot([0, 0, 0, 0, 2], [0, 0, 0, 0, 1], 2, BLANK))
    cheat = _cheating_ballot([1, 1, 1, 0, ORDER - 1], [1, 1, 1, 0, 0], 1, BLANK)
    assert not verify_ballot(BLANK, cheat)


def test_blank_is_part_of_the_statement():
    ballot = encrypt_ballot(PARAMS, [1, 0, 0, 0])
    plain = ballot_module._proof_contexts(PARAMS, ballot.ciphertexts)
    blank = ballot_module._proof_contexts(BLANK, ballot.ciphertexts)
    assert plain[1] != blank[1] and not set(plain[0]) & set(blank[0])


def test_decoding_accepts_every_option_plus_blank():
    data = encrypt_ballot(ContestParameters(PUBLIC, 1, 0, 1, "c"), [1]).to_dict()
    wide = {**data, "ciphertexts": data["ciphertexts"] * MAX_SLOTS}
    wide["choice_proofs"] = data["choice_proofs"] * MAX_SLOTS
    assert len(Ballot.from_dict(wide).ciphertexts) == MAX_SLOTS
    wide["ciphertexts"] = wide["ciphertexts"] + data["ciphertexts"]
    wide["choice_proofs"] = wide["choice_proofs"] + data["choice_proofs"]
    with pytest.raises(DecodeError):
        Ballot.from_dict(wide)


# Projects within an envelope: each ballot proves its projects cost at most the envelope.
ENVELOPE = replace(BLANK, n_options=4, min_choices=1, max_choices=4, costs=(300, 250, 450, 100), envelope=700)


def _over_envelope_ballot(choices, slack):
    """A voter over the envelope who runs the budget prover with a made-up slack."""
    nonces = [random_scalar() for _ in choices]
    ciphertexts = tuple(encrypt(PUBLIC, m, r) for m, r in zip(choices, nonces, strict=True))
    budget = ballot_module._prove_budget(ENVELOPE, ciphertexts, choices, nonces, slack)
    choice_contexts, sum_context = ballot_module._proof_contexts(ENVELOPE, ciphertexts, budget.bits)
    choice_proofs = tuple(prove_range(PUBLIC, c, m, r, 0, 1, ctx)
                          for c, m, r, ctx in zip(ciphertexts, choices, nonces, choice_contexts, strict=True))
    total = ballot_module._weighted(ENVELOPE, choices)
    sum_proof = prove_range(PUBLIC, ballot_module._weighted_ciphertext(ENVELOPE, ciphertexts), total,
                            ballot_module._weighted(ENVELOPE, nonces) % ORDER, 1, 4, sum_context)
    return Ballot(ciphertexts, choice_proofs, sum_proof, budget)


@pytest.mark.parametrize("choices", [[1, 0, 0, 1, 0], [1, 1, 0, 1, 0], [0, 0, 1, 1, 0], [0, 0, 0, 0, 1]])
def test_ballots_within_the_envelope_prove_it(choices):  # 400, 650, 550 EUR, and blank
    ballot = encrypt_ballot(ENVELOPE, choices)
    assert len(ballot.budget_proof.bits) == 700 .bit_length()
    assert verify_ballot(ENVELOPE, ballot)
    assert Ballot.from_json(ballot.to_json()) == ballot and "budget_proof" in ballot.to_json()


def test_a_ballot_spending_exactly_the_envelope_is_valid_and_one_euro_more_is_not():
    exact = replace(ENVELOPE, envelope=650)
    assert verify_ballot(exact, encrypt_ballot(exact, [1, 1, 0, 1, 0]))
    with pytest.raises(ValueError, match="more than the envelope"):
        encrypt_ballot(replace(ENVELOPE, envelope=649), [1, 1, 0, 1, 0])


@pytest.mark.parametrize("slack", [0, 1, 2 ** 10 - 1, (700 - 1100) % 2 ** 10])
def test_projects_over_the_envelope_cannot_be_proven_whatever_the_slack_claimed(slack):
    assert _over_envelope_ballot([1, 1, 1, 1, 0], slack).budget_proof is not None  # 1,100 EUR
    assert not verify_ballot(ENVELOPE, _over_envelope_ballot([1, 1, 1, 1, 0], slack))
    assert verify_ballot(ENVELOPE, _over_envelope_ballot([1, 0, 0, 1, 0], 300))  # the helper is honest when true


def test_budget_proofs_are_required_bound_and_not_transferable():
    within = encrypt_ballot(ENVELOPE, [1, 0, 0, 1, 0])
    other = encrypt_ballot(ENVELOPE, [0, 1, 0, 1, 0])
    assert not verify_ballot(ENVELOPE, replace(within, budget_proof=None))
    assert not verify_ballot(ENVELOPE, replace(within, budget_proof=other.budget_proof))
    assert not verify_ballot(replace(ENVELOPE, envelope=1_000_000), within)  # other envelope, other statement
    assert not verify_ballot(replace(ENVELOPE, costs=(300, 250, 450, 99)), within)
    assert not verify_ballot(BLANK, within)  # a contest without envelope takes no budget proof
    with pytest.raises(ValueError):
        replace(ENVELOPE, costs=(1, 2))


def test_a_benaloh_audit_shows_exactly_what_the_ballot_encrypts():
    from voting.crypto import encrypt_ballot_with_nonces, verify_audit

    ballot, nonces = encrypt_ballot_with_nonces(BLANK, [0, 1, 1, 0, 0])
    assert verify_audit(BLANK, ballot, [0, 1, 1, 0, 0], nonces)
    assert not verify_audit(BLANK, ballot, [1, 0, 1, 0, 0], nonces)  # a device that showed another choice
    assert not verify_audit(BLANK, ballot, [0, 1, 1, 0, 0], [nonces[1], nonces[0], *nonces[2:]])
    assert not verify_audit(BLANK, ballot, [0, 1, 1, 0], nonces[:4])
    assert not verify_audit(BLANK, ballot, [0, 1, 1, 0, 0], [0, *nonces[1:]])
    assert not verify_audit(BLANK, ballot, [0, 1, 2, 0, 0], nonces)
