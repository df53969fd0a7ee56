"""Group layer: encodings are strict and canonical, arithmetic is total."""

import pickle

import pytest
from coincurve import PublicKey

from voting.crypto.errors import DecodeError
from voting.crypto.group import (
    GENERATOR,
    IDENTITY,
    ORDER,
    Point,
    base_mul,
    hash_items,
    hash_to_scalar,
    random_scalar,
    scalar_from_hex,
    scalar_to_hex,
    sum_points,
)

FIELD_PRIME = 2**256 - 2**32 - 977


def _x_not_on_curve() -> bytes:
    for x in range(1, 100):
        candidate = b"\x02" + x.to_bytes(32, "big")
        try:
            PublicKey(candidate)
        except ValueError:
            return candidate
    raise AssertionError("no off-curve x below 100")


def test_point_hex_round_trip():
    for _ in range(10):
        point = base_mul(random_scalar())
        text = point.to_hex()
        assert len(text) == 66 and text[:2] in ("02", "03")
        assert Point.from_hex(text) == point


@pytest.mark.parametrize(
    "text",
    [
        GENERATOR.to_hex().upper(),  # non-canonical case
        GENERATOR.to_hex()[:-2],  # truncated
        GENERATOR.to_hex() + "00",  # too long
        "04" + GENERATOR.to_hex()[2:],  # wrong prefix
        GENERATOR.to_hex()[:2] + " " + GENERATOR.to_hex()[2:],  # whitespace
        "02" + FIELD_PRIME.to_bytes(32, "big").hex(),  # x >= p
        _x_not_on_curve().hex(),
        "00",  # identity, not allowed by default
        "zz",
        "",
    ],
)
def test_point_decoding_rejects(text):
    with pytest.raises(DecodeError):
        Point.from_hex(text)


def test_point_decoding_rejects_non_strings():
    with pytest.raises(DecodeError):
        Point.from_hex(GENERATOR.to_bytes())


def test_identity_encoding_only_when_allowed():
    assert IDENTITY.to_hex() == "00"
    assert Point.from_hex("00", allow_identity=True) == IDENTITY


def test_arithmetic_matches_scalars():
    a, b = random_scalar(), random_scalar()
    assert base_mul(a) + base_mul(b) == base_mul(a + b)
    assert base_mul(a) - base_mul(b) == base_mul(a - b)
    assert base_mul(a) * b == base_mul(a * b)
    assert b * base_mul(a) == base_mul(a * b)
    assert GENERATOR * a == base_mul(a)
    assert -base_mul(a) == base_mul(-a)


def test_negation_flips_prefix():
    point = base_mul(random_scalar())
    negated = -point
    assert negated.to_bytes()[1:] == point.to_bytes()[1:]
    assert negated.to_bytes()[0] == point.to_bytes()[0] ^ 1


def test_identity_is_handled_everywhere():
    point = base_mul(random_scalar())
    assert point + (-point) == IDENTITY
    assert point - point == IDENTITY
    assert point + IDENTITY == point and IDENTITY + point == point
    assert point * 0 == IDENTITY and point * ORDER == IDENTITY
    assert IDENTITY * 5 == IDENTITY and -IDENTITY == IDENTITY
    assert base_mul(0) == IDENTITY and base_mul(ORDER) == IDENTITY
    assert IDENTITY.is_identity and not point.is_identity


def test_points_pickle_by_encoding():
    # needed to send contest parameters to worker processes
    point = base_mul(random_scalar())
    for value in (point, IDENTITY):
        restored = pickle.loads(pickle.dumps(value))
        assert restored == value and isinstance(restored, Point)


def test_sum_points_matches_pairwise_and_handles_cancellation():
    scalars = [random_scalar() for _ in range(40)]
    points = [base_mul(s) for s in scalars]
    pairwise = IDENTITY
    for p in points:
        pairwise = pairwise + p
    assert sum_points(points) == pairwise == base_mul(sum(scalars))
    assert sum_points([]) == IDENTITY
    assert sum_points(points + [-p for p in points]) == IDENTITY
    # intermediate identity does not matter, only the final sum
    assert sum_points([points[0], -points[0], points[1]]) == points[1]
    assert sum_points([IDENTITY, points[2], IDENTITY]) == points[2]


def test_scalar_encoding():
    s = random_scalar()
    assert scalar_from_hex(scalar_to_hex(s)) == s
    assert scalar_from_hex("00" * 32) == 0
    for bad in ["00" * 32, ORDER.to_bytes(32, "big").hex(), scalar_to_hex(s).upper(), "01" * 31, 5]:
        with pytest.raises(DecodeError):
            scalar_from_hex(bad, nonzero=True)
    with pytest.raises(ValueError):
        scalar_to_hex(ORDER)


def test_random_scalars_are_in_range_and_distinct():
    values = {random_scalar() for _ in range(100)}
    assert len(values) == 100 and all(0 < v < ORDER for v in values)


def test_hash_domain_separation_and_framing():
    base = hash_to_scalar("test", "ab", "c")
    assert base == hash_to_scalar("test", "ab", "c")
    assert 0 <= base < ORDER
    assert base != hash_to_scalar("other", "ab", "c")
    assert base != hash_to_scalar("test", "a", "bc")
    assert base != hash_to_scalar("test", b"ab", "c")
    assert hash_items("t", 1) != hash_items("t", "\x01")
    assert hash_items("t", IDENTITY) != hash_items("t", b"\x00")
    with pytest.raises(TypeError):
        hash_items("t", True)
    with pytest.raises(ValueError):
        hash_items("t", -1)
