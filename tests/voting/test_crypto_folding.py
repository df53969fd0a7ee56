"""Folding budget ballots, shuffling them, and reading the approval sets back through the trustees."""

from collections import Counter
from dataclasses import replace

import pytest

from voting.crypto.ballot import ContestParameters, encrypt_ballot, verify_ballot
from voting.crypto.dlog import discrete_log
from voting.crypto.elgamal import encrypt, plaintext_point
from voting.crypto.errors import DecodeError, NotEnoughSharesError
from voting.crypto.folding import (
    approvals_from_masks,
    chunk_sizes,
    decrypt_folded,
    flatten,
    fold_ballot,
    fold_ballots,
    mask_of,
)
from voting.crypto.group import GENERATOR, base_mul, random_scalar
from voting.crypto.shuffle import shuffle_and_prove
from voting.crypto.shuffle_verify import verify_shuffle
from voting.crypto.threshold import combine_partial_decryptions, deal, partial_decrypt

DEALT = deal(3, 2)
PUBLIC = DEALT.public
CONTEXT = "budget-manifest-hash"
PROJECTS = 20


def _approval_ballot(approved, n=PROJECTS):
    return [encrypt(PUBLIC.public_key, int(i in approved), random_scalar()) for i in range(n)]


def test_chunk_sizes():
    assert chunk_sizes(20) == [12, 8]
    assert chunk_sizes(12) == [12]
    assert chunk_sizes(1) == [1]
    assert chunk_sizes(25) == [12, 12, 1]
    with pytest.raises(ValueError):
        chunk_sizes(0)


def test_twenty_projects_fold_into_two_masks():
    approved = {0, 3, 11, 12, 19}
    folded = fold_ballot(_approval_ballot(approved), PROJECTS)
    assert len(folded) == 2
    # Two of the three trustees decrypt; nobody holds the whole key.
    partials = [partial_decrypt(share, PUBLIC, list(folded), CONTEXT) for share in DEALT.shares[:2]]
    assert decrypt_folded(PUBLIC, [folded], partials, CONTEXT, PROJECTS) == [(0, 3, 11, 12, 19)]


def test_folding_a_real_budget_ballot_ignores_the_blank_slot():
    params = ContestParameters(PUBLIC.public_key, PROJECTS, 1, PROJECTS, CONTEXT, blank=True,
                               costs=tuple(range(1, PROJECTS + 1)), envelope=1000)
    choices = [int(i in (1, 19)) for i in range(PROJECTS)] + [0]
    ballot = encrypt_ballot(params, choices)
    assert verify_ballot(params, ballot)
    folded = fold_ballot(ballot.ciphertexts, PROJECTS)
    partials = [partial_decrypt(share, PUBLIC, list(folded), CONTEXT) for share in DEALT.shares[1:]]
    assert decrypt_folded(PUBLIC, [folded], partials, CONTEXT, PROJECTS) == [(1, 19)]


def test_masks_decode_and_refuse_non_masks():
    assert mask_of(base_mul(4095)) == 4095
    assert mask_of(plaintext_point(encrypt(GENERATOR, 0, 1), GENERATOR)) == 0
    with pytest.raises(DecodeError):
        mask_of(base_mul(4096))
    assert approvals_from_masks([0b100000000001, 0b10000001], 20) == (0, 11, 12, 19)
    with pytest.raises(DecodeError):
        approvals_from_masks([0, 0b100000000], 20)  # bit 8 of an 8-project chunk
    with pytest.raises(DecodeError):
        approvals_from_masks([0], 20)


def test_a_ballot_with_a_two_does_not_decode():
    cheat = _approval_ballot(set())
    cheat[0] = encrypt(PUBLIC.public_key, 4096, random_scalar())  # would need a failed 0/1 proof
    folded = fold_ballot(cheat, PROJECTS)
    partials = [partial_decrypt(share, PUBLIC, list(folded), CONTEXT) for share in DEALT.shares[:2]]
    with pytest.raises(DecodeError):
        decrypt_folded(PUBLIC, [folded], partials, CONTEXT, PROJECTS)


def test_fold_shuffle_decrypt_gives_back_the_multiset_of_approval_sets():
    sets = [frozenset(i for i in range(PROJECTS) if (j * 7 + i) % 5 == 0) for j in range(12)] + [frozenset()]
    folded = fold_ballots([_approval_ballot(s) for s in sets], PROJECTS)
    shuffled, proof = shuffle_and_prove(PUBLIC.public_key, folded, generator_seed=CONTEXT, context=CONTEXT)
    assert verify_shuffle(PUBLIC.public_key, folded, shuffled, proof, generator_seed=CONTEXT, context=CONTEXT)
    partials = [partial_decrypt(share, PUBLIC, flatten(shuffled), CONTEXT) for share in DEALT.shares]
    approvals = decrypt_folded(PUBLIC, shuffled, partials, CONTEXT, PROJECTS)
    assert Counter(frozenset(a) for a in approvals) == Counter(sets)
    # A trustee's forged factor is rejected; the other two still decrypt.
    forged = replace(partials[0], factors=(partials[0].factors[0] + GENERATOR, *partials[0].factors[1:]))
    assert Counter(frozenset(a) for a in decrypt_folded(PUBLIC, shuffled, [forged, *partials[1:]], CONTEXT, PROJECTS)) == Counter(sets)
    with pytest.raises(NotEnoughSharesError):
        decrypt_folded(PUBLIC, shuffled, [forged, partials[1]], CONTEXT, PROJECTS)


def test_folded_value_is_the_weighted_sum():
    folded = fold_ballot(_approval_ballot({2, 5}, 6), 6)
    partials = [partial_decrypt(share, PUBLIC, list(folded), CONTEXT) for share in DEALT.shares[:2]]
    factor = combine_partial_decryptions(PUBLIC, list(folded), partials, CONTEXT).factors[0]
    assert discrete_log(plaintext_point(folded[0], factor), 100) == 4 + 32
