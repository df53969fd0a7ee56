"""Exponential ElGamal: correctness, homomorphism, and the m = 0 / identity cases."""

import random

import pytest

from voting.crypto.dlog import discrete_log
from voting.crypto.elgamal import Ciphertext, encrypt, plaintext_point, sum_ciphertexts
from voting.crypto.errors import DecodeError
from voting.crypto.group import GENERATOR, IDENTITY, ORDER, base_mul, random_scalar


def _keypair():
    secret = random_scalar()
    return secret, base_mul(secret)


def _decrypt(secret, ciphertext):
    return discrete_log(plaintext_point(ciphertext, ciphertext.alpha * secret), 10_000)


def test_encrypt_structure():
    secret, public = _keypair()
    r = random_scalar()
    c = encrypt(public, 7, r)
    assert c.alpha == base_mul(r)
    assert c.beta == base_mul(7) + public * r
    assert _decrypt(secret, c) == 7


def test_encrypting_zero_gives_r_times_y_and_decrypts_to_zero():
    secret, public = _keypair()
    r = random_scalar()
    c = encrypt(public, 0, r)
    assert c.beta == public * r
    factor = c.alpha * secret
    assert c.beta == factor  # the explicit m = 0 case
    assert plaintext_point(c, factor) == IDENTITY
    assert _decrypt(secret, c) == 0


def test_homomorphic_sum_of_many_random_messages():
    secret, public = _keypair()
    rng = random.Random(1)
    messages = [rng.randint(0, 3) for _ in range(150)]
    total = sum_ciphertexts(encrypt(public, m, random_scalar()) for m in messages)
    assert _decrypt(secret, total) == sum(messages)
    pairwise = Ciphertext(IDENTITY, IDENTITY)
    for m in messages[:3]:
        pairwise = pairwise + encrypt(public, m, random_scalar())
    assert _decrypt(secret, pairwise) == sum(messages[:3])


def test_sum_with_cancelling_nonces_has_identity_alpha():
    secret, public = _keypair()
    r = random_scalar()
    total = sum_ciphertexts([encrypt(public, 1, r), encrypt(public, 1, ORDER - r)])
    assert total.alpha == IDENTITY
    assert total.beta == base_mul(2)
    assert _decrypt(secret, total) == 2


def test_scalar_multiple_encrypts_the_multiple_with_the_multiple_nonce():
    secret, public = _keypair()
    r = random_scalar()
    c = encrypt(public, 1, r)
    assert c * 3 == 3 * c == encrypt(public, 3, 3 * r % ORDER)
    assert _decrypt(secret, c * 7) == 7
    assert c * 0 == Ciphertext(IDENTITY, IDENTITY)


def test_empty_sum():
    assert sum_ciphertexts([]) == Ciphertext(IDENTITY, IDENTITY)


@pytest.mark.parametrize(
    ("key", "message", "nonce"),
    [
        (IDENTITY, 1, 5),
        (GENERATOR, -1, 5),
        (GENERATOR, ORDER, 5),
        (GENERATOR, 1, 0),
        (GENERATOR, 1, ORDER),
    ],
)
def test_encrypt_rejects_bad_inputs(key, message, nonce):
    with pytest.raises(ValueError):
        encrypt(key, message, nonce)


def test_ciphertext_dict_round_trip_and_strictness():
    _, public = _keypair()
    c = encrypt(public, 1, random_scalar())
    assert Ciphertext.from_dict(c.to_dict()) == c
    with pytest.raises(DecodeError):
        Ciphertext.from_dict({**c.to_dict(), "extra": "00"})
    with pytest.raises(DecodeError):
        Ciphertext.from_dict({"alpha": "00", "beta": c.to_dict()["beta"]})
    assert Ciphertext.from_dict({"alpha": "00", "beta": "00"}, allow_identity=True) == Ciphertext(
        IDENTITY, IDENTITY
    )
