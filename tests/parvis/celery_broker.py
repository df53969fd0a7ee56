"""The Redis broker of the tests that start a real Celery worker, and pointing the test process's Celery app at it.

Both worker tests (tests/parvis/test_celery_worker.py, tests/notices/test_push_worker.py) use the one Redis
database the environment gives (``PARVIS_TEST_REDIS_URL``): they share the xdist group "celery-worker", so
they never run at the same time, and another checkout's database is never touched.
"""

import contextlib
import os

import redis
from kombu import pools

from parvis.celery import app

REDIS_URL = os.environ.get("PARVIS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _forget_connections() -> None:
    # Celery caches two pools: app.pool (connections) and app.amqp.producer_pool (producers), each bound to
    # the broker URL of its first use. Every eager .delay() fills the producer pool (apply_async asks it for
    # a serializer), so after any earlier test it points at memory:// and tasks published "to Redis" would
    # silently go there. Celery itself forgets them so after a fork (Celery._after_fork); kombu's reset closes
    # the pools it keeps by broker URL, so no socket to Redis outlives the test.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def real_broker(url: str = REDIS_URL):
    """Tasks queued by the test process go to ``url`` for a worker to run, then inline again."""
    eager, broker_url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, url
    _forget_connections()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker_url
        _forget_connections()
