"""End-to-end counting: sums, threshold decryption, zero and full counts."""

import random
from dataclasses import replace

import pytest

from voting.crypto import ballot as ballot_module
from voting.crypto.ballot import Ballot, ContestParameters, encrypt_ballot
from voting.crypto.elgamal import Ciphertext, encrypt
from voting.crypto.errors import InvalidBallotError, NotEnoughSharesError
from voting.crypto.group import GENERATOR, ORDER, random_scalar
from voting.crypto.proofs import prove_range
from voting.crypto.tally import (
    decrypt_tally,
    find_invalid_ballots,
    sum_ballots,
    sum_encoded,
    tally,
)
from voting.crypto.threshold import deal, partial_decrypt

CONTEXT = "manifest-hash"
DEALT = deal(4, 2)
PUBLIC = DEALT.public
PARAMS = ContestParameters(
    PUBLIC.public_key, n_options=4, min_choices=1, max_choices=3, context=CONTEXT
)


def _random_choices(rng):
    # option 0 always chosen (count = all), option 3 never (count = 0)
    middle = [rng.randint(0, 1) for _ in range(2)]
    return [1, *middle, 0]


RNG = random.Random(42)
CHOICES = [_random_choices(RNG) for _ in range(25)]
BALLOTS = [encrypt_ballot(PARAMS, c) for c in CHOICES]
EXPECTED = tuple(map(sum, zip(*CHOICES, strict=False)))


def _partials(sums, trustees):
    return [partial_decrypt(DEALT.shares[i - 1], PUBLIC, sums, CONTEXT) for i in trustees]


def test_full_tally_matches_plaintext_sums():
    assert EXPECTED[0] == len(BALLOTS) and EXPECTED[3] == 0
    sums = sum_ballots(BALLOTS, 4)
    result = tally(PARAMS, PUBLIC, BALLOTS, _partials(sums, [3, 1]))
    assert result.counts == EXPECTED
    assert result.trustees == (1, 3) and result.rejected_trustees == ()
    assert result.to_dict()["counts"] == list(EXPECTED)


def test_any_two_trustees_give_the_same_result():
    sums = sum_ballots(BALLOTS, 4)
    for pair in [(1, 2), (2, 4), (3, 4)]:
        assert (
            decrypt_tally(PUBLIC, sums, _partials(sums, pair), CONTEXT, len(BALLOTS)).counts
            == EXPECTED
        )
    with pytest.raises(NotEnoughSharesError):
        decrypt_tally(PUBLIC, sums, _partials(sums, [2]), CONTEXT, len(BALLOTS))


def test_forged_partial_is_rejected_in_tally():
    sums = sum_ballots(BALLOTS, 4)
    honest = _partials(sums, [1, 2, 4])
    forged = replace(honest[0], factors=(honest[0].factors[0] + GENERATOR, *honest[0].factors[1:]))
    result = decrypt_tally(PUBLIC, sums, [forged, honest[1], honest[2]], CONTEXT, len(BALLOTS))
    assert result.counts == EXPECTED and result.rejected_trustees == (1,)
    with pytest.raises(NotEnoughSharesError):
        decrypt_tally(PUBLIC, sums, [forged, honest[1]], CONTEXT, len(BALLOTS))


def test_partials_for_other_sums_are_rejected():
    sums = sum_ballots(BALLOTS, 4)
    stale = sum_ballots(BALLOTS[:-1], 4)
    with pytest.raises(NotEnoughSharesError):
        decrypt_tally(PUBLIC, sums, _partials(stale, [1, 2]), CONTEXT, len(BALLOTS))


def test_sum_encoded_matches_sum_ballots():
    rows = [b.to_dict()["ciphertexts"] for b in BALLOTS]
    expected = sum_ballots(BALLOTS, 4, chunk_size=7)
    assert expected == sum_ballots(BALLOTS, 4)
    assert sum_encoded(rows, 4, chunk_size=6) == expected


def test_sum_encoded_in_worker_processes():
    rows = [b.to_dict()["ciphertexts"] for b in BALLOTS]
    assert sum_encoded(rows, 4, workers=2, chunk_size=6) == sum_ballots(BALLOTS, 4)
    bad = list(rows)
    bad[13] = bad[13][:3]
    with pytest.raises(InvalidBallotError) as caught:
        sum_encoded(bad, 4, workers=2, chunk_size=6)
    assert caught.value.position == 13


def test_sum_encoded_reports_malformed_row():
    rows = [b.to_dict()["ciphertexts"] for b in BALLOTS]
    rows[9] = [dict(rows[9][0], alpha=rows[9][0]["alpha"].upper()), *rows[9][1:]]
    with pytest.raises(InvalidBallotError) as caught:
        sum_encoded(rows, 4, chunk_size=4)
    assert caught.value.position == 9


def test_tally_rejects_an_invalid_ballot_with_its_position():
    ballots = list(BALLOTS[:6])
    ballots[4] = replace(ballots[4], sum_proof=ballots[3].sum_proof)
    with pytest.raises(InvalidBallotError) as caught:
        tally(PARAMS, PUBLIC, ballots, [])
    assert caught.value.position == 4


def test_empty_ballot_box_counts_zero():
    sums = sum_ballots([], 4)
    result = decrypt_tally(PUBLIC, sums, _partials(sums, [1, 2]), CONTEXT, 0)
    assert result.counts == (0, 0, 0, 0)


def test_cancelling_nonces_from_colluding_voters_still_count():
    """Two valid ballots whose nonces sum to 0 make alpha of the sum the identity."""
    params = replace(PARAMS, n_options=1, min_choices=0, max_choices=1)
    r = random_scalar()
    ballots = []
    for choice, nonce in [(1, r), (1, ORDER - r)]:
        ciphertexts = (encrypt(params.public_key, choice, nonce),)
        (ctx,), sum_ctx = ballot_module._proof_contexts(params, ciphertexts)
        proof = prove_range(params.public_key, ciphertexts[0], choice, nonce, 0, 1, ctx)
        sum_proof = prove_range(params.public_key, ciphertexts[0], choice, nonce, 0, 1, sum_ctx)
        ballots.append(Ballot(ciphertexts, (proof,), sum_proof))
    sums = sum_ballots(ballots, 1)
    assert sums[0].alpha.is_identity
    result = tally(params, PUBLIC, ballots, _partials(sums, [2, 3]))
    assert result.counts == (2,)


def test_tally_requires_matching_public_key():
    other = replace(PARAMS, public_key=deal(2, 1).public.public_key)
    with pytest.raises(ValueError):
        tally(other, PUBLIC, BALLOTS, [])


def test_sums_have_expected_type():
    sums = sum_ballots(BALLOTS[:2], 4)
    assert all(isinstance(s, Ciphertext) for s in sums) and len(sums) == 4


BLANK_PARAMS = replace(PARAMS, min_choices=1, max_choices=2, blank=True)
BLANK_CHOICES = [[0, 0, 0, 0, 1], [1, 1, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 1, 0, 0]] * 3
BLANK_BALLOTS = [encrypt_ballot(BLANK_PARAMS, c) for c in BLANK_CHOICES]


def test_tally_counts_blank_ballots_in_the_last_slot():
    sums = sum_ballots(BLANK_BALLOTS, BLANK_PARAMS.n_slots)
    assert len(sums) == 5
    rows = [b.to_dict()["ciphertexts"] for b in BLANK_BALLOTS]
    assert sum_encoded(rows, 5, chunk_size=5) == sums
    result = tally(BLANK_PARAMS, PUBLIC, BLANK_BALLOTS, _partials(sums, [2, 4]))
    assert result.counts == (3, 3, 3, 0, 6)
    with pytest.raises(InvalidBallotError):
        sum_ballots(BLANK_BALLOTS, 4)


def test_find_invalid_ballots_reports_every_bad_position():
    rows = [b.to_dict() for b in BLANK_BALLOTS]
    assert find_invalid_ballots(BLANK_PARAMS, rows, chunk_size=5) == []
    rows[2] = {**rows[2], "sum_proof": rows[1]["sum_proof"]}
    rows[7] = {"not": "a ballot"}
    rows[11] = BALLOTS[0].to_dict()  # valid, but for the contest without a blank slot
    assert find_invalid_ballots(BLANK_PARAMS, rows, chunk_size=5) == [2, 7, 11]
    assert find_invalid_ballots(BLANK_PARAMS, rows, workers=2, chunk_size=3) == [2, 7, 11]
    assert find_invalid_ballots(BLANK_PARAMS, []) == []
