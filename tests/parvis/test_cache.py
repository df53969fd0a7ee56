"""The production cache rides out a Redis outage, except for the keys of security rate limits."""

import os

import pytest
import redis
from redis.exceptions import ConnectionError as RedisConnectionError

from parvis.cache import RATE_LIMIT_KEY_PREFIXES, ResilientRedisCache

REDIS_URL = os.environ.get("PARVIS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
STRICT = RATE_LIMIT_KEY_PREFIXES


def cache_at(location: str) -> ResilientRedisCache:
    return ResilientRedisCache(location, {"OPTIONS": {"STRICT_KEY_PREFIXES": STRICT, "socket_connect_timeout": 1}})


@pytest.fixture
def unreachable():
    return cache_at("redis://127.0.0.1:1/0")  # nothing listens on port 1: connection refused at once


def test_reads_miss_and_writes_are_dropped_while_redis_is_down(unreachable):
    assert unreachable.get("wagtail_site_root_paths", "fallback") == "fallback"
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.has_key("a") is False
    assert unreachable.set("a", 1) is None
    assert unreachable.add("a", 1) is False
    assert unreachable.delete("a") is False
    unreachable.set_many({"a": 1})
    unreachable.delete_many(["a"])


@pytest.mark.parametrize("key", ["allauth:rl:login:ip:127.0.0.1", "voting:roll-attempts:3:7",
                                 "voting:roll-attempts-from:3:ab12", "councils:contact:ab12"])
def test_rate_limit_keys_still_fail_loudly(unreachable, key):
    with pytest.raises(RedisConnectionError):
        unreachable.get(key, 0)
    with pytest.raises(RedisConnectionError):
        unreachable.set(key, 1, 60)
    with pytest.raises(RedisConnectionError):
        unreachable.add(key, 1, 60)
    with pytest.raises(RedisConnectionError):
        unreachable.incr(key)


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_available(), reason=f"no Redis at {REDIS_URL}")
def test_behaves_as_the_redis_cache_when_redis_is_up():
    cache = cache_at(REDIS_URL)
    cache.set("parvis-test-cache:a", {"x": 1}, 30)
    assert cache.get("parvis-test-cache:a") == {"x": 1}
    assert cache.add("parvis-test-cache:a", 2, 30) is False
    cache.set("allauth:rl:parvis-test", 1, 30)
    assert cache.incr("allauth:rl:parvis-test") == 2
    cache.delete_many(["parvis-test-cache:a", "allauth:rl:parvis-test"])
    assert cache.get("parvis-test-cache:a") is None


def test_every_known_rate_limit_key_is_strict(rf):
    """The keys the limits really use (not copies of them) start with a strict prefix."""
    from types import SimpleNamespace

    from allauth.core.internal.ratelimit import Rate, get_cache_key

    from voting.services import roll_matching as roll

    contest, user = SimpleNamespace(pk=3), SimpleNamespace(pk=7)
    request = rf.post("/compte/login/", REMOTE_ADDR="192.0.2.1")
    keys = [
        roll._attempts_key(contest, user),
        roll._source_attempts_key(contest, "192.0.2.1"),
        get_cache_key(request, app="account", action="login", rate=Rate(30, 60, "ip")),
    ]
    for key in keys:
        assert key.startswith(RATE_LIMIT_KEY_PREFIXES), key
