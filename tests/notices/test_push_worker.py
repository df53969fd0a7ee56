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

from ..accounts.factories import make_resident
from ..parvis.celery_broker import REDIS_URL, real_broker, redis_available
from .push_service import make_phone

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker shares the test database: PostgreSQL"),
    pytest.mark.skipif(not redis_available(), reason=f"Redis not reachable at {REDIS_URL}"),
    pytest.mark.xdist_group("celery-worker"),  # with the e-mail worker test: one at a time on this Redis database
]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A Celery worker subprocess; its output goes to a file (a pipe nobody reads could fill and block it)."""

    def __init__(self, env: dict, log_path: Path):
        self.log = log_path.open("w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "parvis", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True,
        )

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def wait_for(self, condition, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return True
            assert self.process.poll() is None, f"the worker stopped:\n{self.output()}"
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture
def worker(migrated_data, push_service, settings, tmp_path):
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
    worker = Worker(env, tmp_path / "worker.log")
    try:
        # Started before the clock of the test runs: on a loaded machine Django and Celery take a while to load.
        assert worker.wait_for(lambda: " ready." in worker.output(), 120), f"the worker never got ready:\n{worker.output()}"
        with real_broker(REDIS_URL):
            yield worker
    finally:
        worker.stop()


def test_the_worker_pushes_deletes_gone_subscriptions_and_retries_with_backoff(worker, push_service):
    phones = {}
    for behaviour in ("ok", "410", "500"):
        resident = make_resident(f"{behaviour}@example.org")
        phones[behaviour] = push_service.add(make_phone(behaviour))
        subscriptions.subscribe(user=resident, body=json.dumps(phones[behaviour].subscription(push_service.origin)).encode())

    announce(topic=TOPIC_VOTE_OPENED, users=get_user_model().objects.all(),
             message=Message("Vote ouvert", "Un vote est ouvert dans votre quartier.", "/votes/"))

    assert worker.wait_for(lambda: phones["ok"].shown and phones["500"].attempts >= 3
                           and not PushSubscription.objects.filter(user__email="410@example.org").exists(), 60), (
        f"phones: { {name: (phone.attempts, phone.shown) for name, phone in phones.items()} }, refused: {push_service.refused}, "
        f"subscriptions left: {list(PushSubscription.objects.values_list('user__email', flat=True))}\n"
        f"worker output:\n{worker.output()}")
    assert phones["ok"].shown == [{"title": "Vote ouvert", "body": "Un vote est ouvert dans votre quartier.",
                                   "url": "/votes/", "tag": phones["ok"].shown[0]["tag"]}]
    assert push_service.refused == []
    time.sleep(2.5)  # a fourth attempt would come after another backoff delay
    assert phones["500"].attempts == 3 and PushSubscription.objects.filter(user__email="500@example.org").exists()
    assert Notification.objects.count() == 3
