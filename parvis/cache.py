"""Django's Redis cache, made to ride out a Redis outage, except for the limits that guard security.

Redis holds only disposable data for the web processes: Wagtail's site
root paths (read on every page), cached statistics, import progress. When
Redis is unreachable those reads miss and the writes are dropped, so pages
keep working from the database. Keys starting with one of
``OPTIONS["STRICT_KEY_PREFIXES"]`` still raise: they are rate limits against
guessing (allauth's login and sign-up limits, the roll-proof attempts, the
contact form), and a limit that silently stops counting would let an
attacker guess freely during the outage. The error then reaches
``parvis.errors.server_error``, which answers 503 "try again".
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

RATE_LIMIT_KEY_PREFIXES = (
    "allauth:rl:",  # allauth's login, sign-up and password-reset limits (and their locks)
    "voting:roll-attempts",  # roll-proof guesses, per account and per address
    "councils:contact:",  # the council contact form
)
"""Keys of the limits against guessing and flooding: production's ``STRICT_KEY_PREFIXES``.

A new limit kept in the cache must use one of these prefixes (tests/parvis/test_cache.py checks the known ones).
"""


class ResilientRedisCache(RedisCache):
    """``RedisCache`` where an unreachable Redis means a miss (reads) or nothing stored (writes)."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.strict_prefixes = tuple(options.pop("STRICT_KEY_PREFIXES", ()))
        params["OPTIONS"] = options
        super().__init__(server, params)

    def _tolerate(self, keys, fallback, call):
        try:
            return call()
        except UNREACHABLE as error:
            if self.strict_prefixes and any(str(key).startswith(self.strict_prefixes) for key in keys):
                raise
            logger.warning("Cache unreachable, carrying on without it: %s", error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._tolerate([key], default, lambda: RedisCache.get(self, key, default, version))

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._tolerate(keys, {}, lambda: RedisCache.get_many(self, keys, version))

    def has_key(self, key, version=None):
        return self._tolerate([key], False, lambda: RedisCache.has_key(self, key, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate([key], None, lambda: RedisCache.set(self, key, value, timeout, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate(list(data), list(data), lambda: RedisCache.set_many(self, data, timeout, version))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate([key], False, lambda: RedisCache.add(self, key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate([key], False, lambda: RedisCache.touch(self, key, timeout, version))

    def delete(self, key, version=None):
        return self._tolerate([key], False, lambda: RedisCache.delete(self, key, version))

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._tolerate(keys, None, lambda: RedisCache.delete_many(self, keys, version))

    def incr(self, key, delta=1, version=None):
        return self._tolerate([key], delta, lambda: RedisCache.incr(self, key, delta, version))
