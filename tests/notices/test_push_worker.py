"""Pushes through a real Celery worker on Redis: the web process only queues; the worker encrypts, sends,
deletes gone subscriptions and retries a failing push service with its backoff (not the inline path)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.contrib.auth import get_user_model
from django.db import connection

from accounts.notifications import TOPIC_VOTE_OPENED, Message, announce
from notices import subscriptions
from notices.models import Notification, PushSubscription
from parvis.celery import app

from ..accounts.factories import make_resident
from ..parvis.test_celery_worker import REDIS_URL as SHARED_REDIS_URL
from ..parvis.test_celery_worker import redis_available

# A Redis database of its own, next to the e-mail worker test's: should the two ever run at the same
# time (CI ran them on two xdist workers), each worker would take the other's tasks and each
# fixture's flush would drop the other's queue.
_base, _db = SHARED_REDIS_URL.rsplit("/", 1)
REDIS_URL = f"{_base}/{(int(_db) - 1) % 16 if _db.isdigit() else 14}"
from .push_service import make_phone

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker shares the test database: PostgreSQL"),
    pytest.mark.skipif(not redis_available(), reason=f"Redis not reachable at {REDIS_URL}"),
    pytest.mark.xdist_group("celery-worker"),
]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(migrated_data, push_service, settings):
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parvis.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "VAPID_PRIVATE_KEY": settings.VAPID_PRIVATE_KEY,
        "PUSH_CA_BUNDLE": str(push_service.ca),
        "PARVIS_TEST_PUSH_ALLOWED_HOSTS": "127.0.0.1",
        "PARVIS_TEST_PUSH_RETRY_DELAYS": "1,1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "parvis", "worker", "--pool=solo", "--loglevel=WARNING", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    app.conf.task_always_eager, app.conf.broker_url, app._pool = False, REDIS_URL, None
    try:
        yield process
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app._pool = True, "memory://", None
        process.terminate()
        process.wait(timeout=30)


def wait_for(condition, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.2)
    return False


def test_the_worker_pushes_deletes_gone_subscriptions_and_retries_with_backoff(worker, push_service):
    phones = {}
    for behaviour in ("ok", "410", "500"):
        resident = make_resident(f"{behaviour}@example.org")
        phones[behaviour] = push_service.add(make_phone(behaviour))
        subscriptions.subscribe(user=resident, body=json.dumps(phones[behaviour].subscription(push_service.origin)).encode())

    announce(topic=TOPIC_VOTE_OPENED, users=get_user_model().objects.all(),
             message=Message("Vote ouvert", "Un vote est ouvert dans votre quartier.", "/votes/"))

    assert wait_for(lambda: phones["ok"].shown and phones["500"].attempts >= 3
                    and not PushSubscription.objects.filter(user__email="410@example.org").exists(), worker)
    assert phones["ok"].shown == [{"title": "Vote ouvert", "body": "Un vote est ouvert dans votre quartier.",
                                   "url": "/votes/", "tag": phones["ok"].shown[0]["tag"]}]
    assert push_service.refused == []
    time.sleep(2.5)  # a fourth attempt would come after another backoff delay
    assert phones["500"].attempts == 3 and PushSubscription.objects.filter(user__email="500@example.org").exists()
    assert Notification.objects.count() == 3
