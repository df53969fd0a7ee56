"""Baby-step giant-step discrete logs."""

import random
import time

import pytest

from voting.crypto.dlog import DEFAULT_BOUND, discrete_log
from voting.crypto.errors import DiscreteLogError
from voting.crypto.group import IDENTITY, base_mul, random_scalar


def test_small_bound_is_exhaustive():
    for m in range(11):
        assert discrete_log(base_mul(m), 10) == m
    with pytest.raises(DiscreteLogError):
        discrete_log(base_mul(11), 10)


def test_zero_is_the_identity():
    assert discrete_log(IDENTITY) == 0
    assert discrete_log(IDENTITY, 0) == 0
    with pytest.raises(DiscreteLogError):
        discrete_log(base_mul(1), 0)


def test_default_bound_edges_and_random_values():
    rng = random.Random(7)
    for m in [1, 2, DEFAULT_BOUND - 1, DEFAULT_BOUND] + [
        rng.randrange(DEFAULT_BOUND) for _ in range(5)
    ]:
        assert discrete_log(base_mul(m)) == m
    with pytest.raises(DiscreteLogError):
        discrete_log(base_mul(DEFAULT_BOUND + 1))


def test_unrelated_point_is_rejected():
    with pytest.raises(DiscreteLogError):
        discrete_log(base_mul(random_scalar()), 1_000)


def test_one_million_is_fast():
    discrete_log(IDENTITY, 1_000_000)  # build the cached table
    start = time.perf_counter()
    assert discrete_log(base_mul(999_999), 1_000_000) == 999_999
    assert time.perf_counter() - start < 0.5
