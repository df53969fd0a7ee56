"""k-of-n threshold key: dealing, share checks, partial decryptions, combination."""

from dataclasses import replace
from itertools import combinations

import pytest

from voting.crypto.dlog import discrete_log
from voting.crypto.elgamal import encrypt, plaintext_point, sum_ciphertexts
from voting.crypto.errors import DecodeError, InvalidShareError, NotEnoughSharesError
from voting.crypto.group import GENERATOR, IDENTITY, ORDER, base_mul, random_scalar, sum_points
from voting.crypto.proofs import prove_equal_logs
from voting.crypto.threshold import (
    KeyShare,
    PartialDecryption,
    ThresholdPublicKey,
    combine_partial_decryptions,
    deal,
    lagrange_coefficients,
    partial_decrypt,
    verify_partial_decryption,
    verify_share,
)

CONTEXT = "contest-manifest-hash"
DEALT = deal(5, 3)
PUBLIC = DEALT.public


def _encrypted_counts(counts):
    """One summed ciphertext per option, as a tally would produce."""
    return [
        sum_ciphertexts(encrypt(PUBLIC.public_key, 1, random_scalar()) for _ in range(count))
        if count
        else encrypt(PUBLIC.public_key, 0, random_scalar())
        for count in counts
    ]


COUNTS = [0, 3, 7]
SUMS = _encrypted_counts(COUNTS)
PARTIALS = {s.index: partial_decrypt(s, PUBLIC, SUMS, CONTEXT) for s in DEALT.shares}


def _decrypt(partials, sums=SUMS):
    combined = combine_partial_decryptions(PUBLIC, sums, partials, CONTEXT)
    return [
        discrete_log(plaintext_point(c, d), 100)
        for c, d in zip(sums, combined.factors, strict=False)
    ]


def test_deal_structure():
    assert PUBLIC.threshold == 3 and PUBLIC.n_trustees == 5
    assert len(DEALT.shares) == 5 and [s.index for s in DEALT.shares] == [1, 2, 3, 4, 5]
    assert PUBLIC.public_key == PUBLIC.commitments[0]
    for share in DEALT.shares:
        verify_share(share, PUBLIC)
        assert PUBLIC.verification_keys[share.index - 1] == base_mul(share.value)
    assert len({s.value for s in DEALT.shares}) == 5


def test_lagrange_in_the_exponent_recovers_public_key():
    for subset in combinations(range(1, 6), 3):
        lambdas = lagrange_coefficients(subset)
        keys = [PUBLIC.verification_keys[i - 1] * lambdas[i] for i in subset]
        assert sum_points(keys) == PUBLIC.public_key


def test_every_partial_decryption_verifies():
    for partial in PARTIALS.values():
        assert verify_partial_decryption(partial, PUBLIC, SUMS, CONTEXT)
        assert PartialDecryption.from_dict(partial.to_dict()) == partial


def test_any_k_of_n_decrypt_correctly():
    for subset in combinations(PARTIALS, 3):
        assert _decrypt([PARTIALS[i] for i in subset]) == COUNTS
    assert _decrypt(PARTIALS.values()) == COUNTS  # more than k is fine


def test_fewer_than_k_raise():
    for subset in combinations(PARTIALS, 2):
        with pytest.raises(NotEnoughSharesError):
            _decrypt([PARTIALS[i] for i in subset])
    with pytest.raises(NotEnoughSharesError):
        _decrypt([PARTIALS[1], PARTIALS[1], PARTIALS[2]])  # duplicates do not count


def test_wrong_share_is_rejected_without_leaking_it():
    share = DEALT.shares[0]
    wrong = KeyShare(share.index, (share.value + 1) % ORDER)
    with pytest.raises(InvalidShareError) as caught:
        verify_share(wrong, PUBLIC)
    with pytest.raises(InvalidShareError):
        partial_decrypt(wrong, PUBLIC, SUMS, CONTEXT)
    message = str(caught.value)
    for secret in (share.value, wrong.value):
        assert format(secret, "x") not in message and str(secret) not in message
    # another trustee's (correct) share presented under the wrong index
    with pytest.raises(InvalidShareError):
        verify_share(KeyShare(2, DEALT.shares[2].value), PUBLIC)
    with pytest.raises(InvalidShareError):
        verify_share(KeyShare(6, share.value), PUBLIC)
    # a fresh key's share does not fit this key
    with pytest.raises(InvalidShareError):
        verify_share(deal(5, 3).shares[0], PUBLIC)


def test_share_repr_and_round_trip():
    share = DEALT.shares[0]
    assert format(share.value, "x") not in repr(share) and str(share.value) not in repr(share)
    assert KeyShare.from_dict(share.to_dict()) == share
    with pytest.raises(DecodeError):
        KeyShare.from_dict({"trustee": 1, "value": "00" * 32})


def _forged_factor(partial):
    return replace(partial, factors=(partial.factors[0] + GENERATOR, *partial.factors[1:]))


def test_forged_partial_decryptions_are_rejected():
    honest = PARTIALS[1]
    forged = [
        _forged_factor(honest),
        replace(honest, trustee=2),  # claims to be someone else
        replace(honest, proofs=honest.proofs[::-1]),
        replace(honest, factors=honest.factors[:-1], proofs=honest.proofs[:-1]),
    ]
    # a trustee with a made-up secret proving correctly against its own fake key
    fake_secret = random_scalar()
    fake_factors = tuple(c.alpha * fake_secret for c in SUMS)
    forged.append(
        PartialDecryption(
            1,
            fake_factors,
            tuple(
                prove_equal_logs(fake_secret, base_mul(fake_secret), c.alpha, f, CONTEXT)
                for c, f in zip(SUMS, fake_factors, strict=False)
            ),
        )
    )
    for partial in forged:
        assert not verify_partial_decryption(partial, PUBLIC, SUMS, CONTEXT)
    assert not verify_partial_decryption(honest, PUBLIC, SUMS, "other-contest")
    assert not verify_partial_decryption(honest, PUBLIC, SUMS[::-1], CONTEXT)


def test_forged_partial_is_skipped_and_reported():
    partials = [_forged_factor(PARTIALS[1]), PARTIALS[2], PARTIALS[3], PARTIALS[5]]
    combined = combine_partial_decryptions(PUBLIC, SUMS, partials, CONTEXT)
    assert combined.rejected == (1,) and combined.trustees == (2, 3, 5)
    assert _decrypt(partials) == COUNTS
    with pytest.raises(NotEnoughSharesError):
        _decrypt([_forged_factor(PARTIALS[1]), PARTIALS[2], PARTIALS[3]])


def test_identity_alpha_sum_can_be_decrypted():
    r = random_scalar()
    y = PUBLIC.public_key
    sums = [sum_ciphertexts([encrypt(y, 1, r), encrypt(y, 1, ORDER - r)])]
    assert sums[0].alpha == IDENTITY
    partials = [partial_decrypt(s, PUBLIC, sums, CONTEXT) for s in DEALT.shares[:3]]
    assert all(p.factors == (IDENTITY,) for p in partials)
    restored = [PartialDecryption.from_dict(p.to_dict()) for p in partials]
    assert _decrypt(restored, sums) == [2]


def test_public_key_round_trip_and_validation():
    assert ThresholdPublicKey.from_dict(PUBLIC.to_dict()) == PUBLIC
    data = PUBLIC.to_dict()
    for bad in (
        {**data, "threshold": 2},
        {**data, "trustees": 2},
        {**data, "commitments": data["commitments"] + ["00"]},
        {**data, "threshold": "3"},
        {**data, "extra": 1},
    ):
        with pytest.raises(DecodeError):
            ThresholdPublicKey.from_dict(bad)


def test_one_of_one_and_n_of_n():
    for n, k in [(1, 1), (3, 3)]:
        dealt = deal(n, k)
        sums = [encrypt(dealt.public.public_key, 1, random_scalar())]
        partials = [partial_decrypt(s, dealt.public, sums, CONTEXT) for s in dealt.shares]
        combined = combine_partial_decryptions(dealt.public, sums, partials, CONTEXT)
        assert plaintext_point(sums[0], combined.factors[0]) == GENERATOR


@pytest.mark.parametrize(("n", "k"), [(0, 0), (3, 0), (3, 4), (1001, 2)])
def test_deal_rejects_bad_parameters(n, k):
    with pytest.raises(ValueError):
        deal(n, k)
