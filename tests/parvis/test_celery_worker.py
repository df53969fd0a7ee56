"""Celery wiring against a real worker and a real Redis broker (not mocked).

The test process enqueues ``home.tasks.send_email``; a worker started as a
subprocess (the README's command) consumes it from Redis and writes the
e-mail with Django's file backend, which the test then reads.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from home.tasks import send_email
from parvis.celery import app

from .celery_broker import REDIS_URL, real_broker, redis_available

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(not redis_available(), reason=f"Redis not reachable at {REDIS_URL}"),
    pytest.mark.xdist_group("celery-worker"),
]


@pytest.fixture
def worker(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parvis.settings.test",
        "CELERY_BROKER_URL": REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "parvis", "worker", "--pool=solo", "--loglevel=INFO", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(REDIS_URL) as connection:
            yield mail_dir, process, connection
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=30)


def test_a_task_sent_by_the_web_process_is_run_by_the_worker(worker):
    mail_dir, process, connection = worker

    send_email.apply_async(
        kwargs={"subject": "Vote ouvert", "body": "Le vote est ouvert.", "recipients": ["habitant@example.org"]},
        connection=connection,
    )

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(mail_dir.glob("*.log")):
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.2)
    messages = [path.read_text() for path in mail_dir.glob("*.log")]
    assert len(messages) == 1, "the worker did not deliver the e-mail within 60 s"
    assert "Subject: Vote ouvert" in messages[0]
    assert "habitant@example.org" in messages[0]


def test_tasks_queued_after_inline_ones_reach_the_real_broker():
    """An inline task binds Celery's producer pool to memory://; real_broker must not publish there (CI)."""
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()
    send_email.delay(subject="Inline", body="Sent inline.", recipients=["habitant@example.org"])

    with real_broker(REDIS_URL):
        send_email.delay(subject="Queued", body="Queued for a worker.", recipients=["habitant@example.org"])

    assert broker.llen("celery") == 1
    assert app.conf.task_always_eager and app.conf.broker_url == "memory://"
    broker.flushdb()
