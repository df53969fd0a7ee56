"""Notifying 100,000 subscribed residents that a vote opened: sends per second and the worker's memory.

    .venv/bin/python bench/push_notify.py [--residents 100000] [--baseline 2000] [--threads 8]
                                         [--max-seconds 0] [--keep-db]

Method. A real push service runs on 127.0.0.1 in its own process
(``tests/notices/push_service.py``: HTTPS with its own CA, checks every
request's VAPID JWT and decrypts every aes128gcm body, as a phone's push
server and the phone would). A throw-away PostgreSQL database
(``parvis_bench_push``) gets ``--residents`` accounts with push on and one
subscription each, inserted with ``bulk_create``; to save time they all
share one key pair and auth secret (each has its own endpoint), which
changes nothing for the sender: every message is still encrypted with a
fresh ephemeral key and salt, and signed.

One Celery worker (``--pool=solo``: one process, production settings
through ``bench/settings_push.py``, broker on Redis DB 13) then does what
production does: the notice is published (one ``Notice``, 100 delivery
tasks of 1,000 residents: centre entries, the day's push slot, one
``send_pushes`` task per 100 subscriptions), and every push goes out with
pywebpush: encrypted for its own subscription, under the VAPID token signed
once for the push service, on a kept-alive connection. Measured: the time the publishing call takes (what a request or
the beat task would wait), sends per second until the push service has
received them all, and the worker's RSS (``/proc/<pid>/status``) sampled
every half second: at start (idle, after start-up), peak, and end.

Baselines, same run, same push service: pywebpush's ``webpush()`` in a
plain loop (no Django, no Celery, one kept-alive session), and its
encryption alone (``WebPusher.encode``).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import ADMIN_URL, ROOT, create_database, database_url, drop_database, migrate, production_env, run_json  # noqa: E402

DATABASE = "parvis_bench_push"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vapid_keys() -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(key.private_numbers().private_value.to_bytes(32, "big")), b64url(public)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --------------------------------------------------------------------------- steps run in a Django subprocess

def step_setup(args) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from notices.models import NotificationPreferences, PushSubscription

    subscription = json.loads(args.subscription)
    started = time.perf_counter()
    User = get_user_model()
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"push{i:06d}", email=f"push{i:06d}@example.org", password=password) for i in range(args.residents)],
        batch_size=5000,
    )
    NotificationPreferences.objects.bulk_create(
        [NotificationPreferences(user=user, push_enabled=True) for user in users], batch_size=5000
    )
    base = subscription["endpoint"].rsplit("/", 1)[0]
    from django.utils import timezone

    now = timezone.now()
    PushSubscription.objects.bulk_create(
        [PushSubscription(user=user, endpoint=f"{base}/r{user.pk}", p256dh=subscription["keys"]["p256dh"],
                          auth=subscription["keys"]["auth"], created=now) for user in users],
        batch_size=5000,
    )
    return {"seconds": time.perf_counter() - started}


def step_baseline(args) -> dict:
    import requests
    from py_vapid import Vapid
    from pywebpush import WebPusher, webpush

    subscription = json.loads(args.subscription)
    payload = json.dumps({"title": "Vote ouvert : Centre", "body": "Un vote est ouvert dans votre quartier jusqu’au 12 juin.",
                          "url": "/votes/centre/", "tag": "vote_opened-1"}, ensure_ascii=False)
    vapid = Vapid.from_raw(os.environ["VAPID_PRIVATE_KEY"].encode())
    started = time.perf_counter()
    for _ in range(args.baseline):
        WebPusher(subscription).encode(payload.encode(), "aes128gcm")
    encrypt_rate = args.baseline / (time.perf_counter() - started)
    session = requests.Session()
    session.verify = os.environ["PUSH_CA_BUNDLE"]
    session.trust_env = False
    started = time.perf_counter()
    for index in range(args.baseline):
        info = {**subscription, "endpoint": subscription["endpoint"].rsplit("/", 1)[0] + f"/b{index}"}
        webpush(info, payload, vapid_private_key=vapid, vapid_claims={"sub": "mailto:bench@example.org"},
                ttl=60, requests_session=session, timeout=10)
    send_rate = args.baseline / (time.perf_counter() - started)
    return {"encrypt_per_s": encrypt_rate, "send_per_s": send_rate}


def step_trigger(args) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from notices import services

    started = time.perf_counter()
    with transaction.atomic():
        user_ids = list(get_user_model().objects.filter(username__startswith="push").values_list("pk", flat=True))
        notice = services.publish(topic="vote_opened", title="Vote ouvert : Centre",
                                  body="Un vote est ouvert dans votre quartier jusqu’au 12 juin.", url="/votes/centre/",
                                  user_ids=user_ids)
    return {"seconds": time.perf_counter() - started, "notice": notice.pk, "residents": len(user_ids)}


def step_verify(args) -> dict:
    import django

    django.setup()
    from notices.models import Notification, PushSubscription

    return {"centre_entries": Notification.objects.count(),
            "last_success_set": PushSubscription.objects.filter(last_success__isnull=False).count()}


# --------------------------------------------------------------------------- orchestration

def stats(origin: str, ca: str) -> dict:
    import requests

    return requests.get(f"{origin}/stats", verify=ca, timeout=5).json()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8, help="the worker's threads (one process)")
    parser.add_argument("--max-seconds", type=float, default=0, help="stop measuring after this long (0: until all are sent)")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--step", choices=["setup", "baseline", "trigger", "verify"])
    parser.add_argument("--subscription", default="")
    args = parser.parse_args()
    if args.step:
        print(json.dumps(globals()[f"step_{args.step}"](args)))
        return 0

    import redis

    private, public = vapid_keys()
    folder = Path(tempfile.mkdtemp(prefix="parvis-push-"))
    server = subprocess.Popen([sys.executable, "-m", "tests.notices.push_service", str(folder), public], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    worker = None
    try:
        service = json.loads(server.stdout.readline())
        origin, ca = service["origin"], service["ca"]
        subscription = json.dumps(service["subscription"])
        create_database(ADMIN_URL, DATABASE)
        env = production_env(database_url(ADMIN_URL, DATABASE), settings="bench.settings_push",
                             VAPID_PRIVATE_KEY=private, PUSH_CA_BUNDLE=ca, CELERY_BROKER_URL=REDIS_URL)
        migrate(env)
        me = ["bench/push_notify.py", "--subscription", subscription, "--residents", str(args.residents),
              "--baseline", str(args.baseline)]
        setup = run_json(env, [*me, "--step", "setup"], timeout=3600)
        print(f"setup: {args.residents} residents with push on and a subscription each, {setup['seconds']:.1f} s", flush=True)
        baseline = run_json(env, [*me, "--step", "baseline"], timeout=3600)
        print(f"baseline: encryption alone {baseline['encrypt_per_s']:.0f}/s; "
              f"webpush() loop to the push service {baseline['send_per_s']:.0f}/s", flush=True)
        redis.Redis.from_url(REDIS_URL).flushdb()
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "parvis", "worker", "--pool=threads", f"--concurrency={args.threads}",
             "--loglevel=WARNING",
             "--without-heartbeat", "--without-gossip", "--without-mingle"], cwd=ROOT, env=env)
        time.sleep(8)
        samples: list[tuple[float, float]] = []
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                samples.append((time.monotonic(), rss_mib(worker.pid)))
                stop.wait(0.5)

        rss_start = rss_mib(worker.pid)
        threading.Thread(target=sample, daemon=True).start()
        before = stats(origin, ca)["delivered"]
        started = time.monotonic()
        trigger = run_json(env, [*me, "--step", "trigger"], timeout=600)
        print(f"publish call (what the caller waits): {trigger['seconds']:.2f} s for {trigger['residents']} residents",
              flush=True)
        progress, last_change, last_count = [], time.monotonic(), before
        while True:
            time.sleep(1)
            now_stats = stats(origin, ca)
            count = now_stats["delivered"] - before
            progress.append((time.monotonic() - started, count, rss_mib(worker.pid)))
            if count != last_count:
                last_change, last_count = time.monotonic(), count
            stalled = count > 0 and time.monotonic() - last_change > 60  # before the first push: deliveries run
            out_of_time = args.max_seconds and time.monotonic() - started > args.max_seconds
            if count >= args.residents or stalled or out_of_time or worker.poll() is not None:
                break
            if len(progress) % 30 == 0:
                print(f"  {progress[-1][0]:.0f} s: {count} pushed, worker RSS {progress[-1][2]:.0f} MiB", flush=True)
        elapsed = time.monotonic() - started
        stop.set()
        rss_end = rss_mib(worker.pid)
        peak = max(rss for _t, rss in samples)
        rate = last_count / elapsed
        first = next((t for t, n, _rss in progress if n > 0), elapsed)
        steady = last_count / (elapsed - first) if elapsed > first else 0.0
        verify = run_json(env, [*me, "--step", "verify"], timeout=600)
        at = {share: next((rss for _t, n, rss in progress if n >= share * args.residents), None) for share in (0.1, 0.5, 0.9)}
        print(json.dumps({"residents": args.residents, "pushed": last_count, "refused": now_stats["refused"],
                          "first_refusal": now_stats["first_refusal"], "seconds": round(elapsed, 1),
                          "sends_per_s": round(rate, 1), "seconds_to_first_push": round(first, 1),
                          "sends_per_s_once_pushing": round(steady, 1), "baseline_webpush_per_s": round(baseline["send_per_s"], 1),
                          "ratio_to_baseline": round(rate / baseline["send_per_s"], 2),
                          "baseline_encrypt_per_s": round(baseline["encrypt_per_s"], 1),
                          "publish_call_s": round(trigger["seconds"], 2),
                          "worker_rss_mib": {"start": round(rss_start, 1), "at_10%": at[0.1], "at_50%": at[0.5],
                                             "at_90%": at[0.9], "peak": round(peak, 1), "end": round(rss_end, 1)},
                          **verify}, indent=2))
        complete = last_count == args.residents or args.max_seconds
        return 0 if complete and now_stats["refused"] == 0 else 1
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        server.terminate()
        server.wait(timeout=30)
        if not args.keep_db:
            drop_database(ADMIN_URL, DATABASE)


if __name__ == "__main__":
    sys.exit(main())
