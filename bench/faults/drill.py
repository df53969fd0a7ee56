"""Fault drill: kill Celery workers mid-task, restart PostgreSQL during votes, stop Redis; check nothing is lost.

    .venv/bin/python bench/faults/drill.py [--only 1,2,3,4] [--roll-rows 200000] [--ballots 20000]
                                           [--voters 300] [--keep]

Everything runs on a throw-away PostgreSQL cluster (``initdb`` in
``/tmp/parvis-drill-pg``, port 55432, run as the ``postgres`` user) and a
throw-away Redis (port 56379, no persistence), both on 127.0.0.1, so the
machine's shared services are never touched. The app runs with production
settings (``parvis.settings.production``): gunicorn, a Celery worker (one
process) and, for the voting scenarios, Celery beat. Findings: README.md.

1. **Worker killed during a roll import.** A roll of ``--previous`` voters
   is imported, then a new file of ``--roll-rows`` rows is queued
   (``voting.tasks.import_roll``). When the import's progress passes a
   quarter, the whole worker (main process and pool) gets SIGKILL. Checks:
   the roll still holds exactly the previous entries; a new worker gets the
   unacknowledged task back (``acks_late``; Redis hands it out again after
   the broker's visibility timeout, ``CELERY_VISIBILITY_TIMEOUT``, set to
   20 s for the drill) and finishes it; the roll then holds exactly the new
   rows, once each, and its file is deleted.
2. **Worker killed during a count.** ``--ballots`` ballots are loaded with
   COPY (a pool of real ballots reused, as ``bench/voting_count.py`` does),
   the contest is closed, 2 of 3 trustees' devices decrypt the totals
   (played from their key files, each partial decryption checked by the
   server) and ``voting.tasks.count_contest`` is queued. The drill holds a SHARE lock on
   the results table, so the count verifies the chain, decrypts the totals
   and then waits to insert its Result, inside its transaction: then the
   pool process gets SIGKILL (the worker's main process survives).
   Checks: no Result exists after the kill; the task is re-queued at once
   (``reject_on_worker_lost``) and the count completes with the loaded
   totals; the proclamation then works.
3. **PostgreSQL restarted during voting.** ``--voters`` residents (logged-in
   sessions) vote over HTTP through gunicorn, 6 at a time, each posting
   the ballot their phone encrypted beforehand (``voting.voter.encrypt_choice``), while
   ``pg_ctl restart -m fast`` runs. Every answer is recorded; each voter
   without a receipt then retries once. Checks: every answer was a receipt
   or a clear "try again" page (503 with Retry-After); after the retries
   every voter has voted exactly once; every receipt is in the box once;
   ballots == participations; the chain verifies; the running sums equal a
   re-sum; the count equals the voters' choices.
4. **Redis stopped** (cache and broker) during browsing and voting:
   votes and pages before, during and after the outage (Redis restarted
   empty), the login form (its rate limit needs Redis), and an officer's
   roll upload through the admin while the broker is down (its import task
   cannot be queued). Checks: pages and votes keep working or answer 503
   "try again", never a bare 500 or a dropped connection; after the outage
   every voter has voted exactly once and the box checks pass; the roll
   uploaded during the outage is not left waiting for an import that was
   never queued.

Each scenario prints PASS/FAIL with its figures; the exit status is 1 if one
failed. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench._support import (  # noqa: E402
    ROOT, box_checks, decrypt_totals, open_sealed_contest, print_checks, production_env, run_json,
)
from bench.voting_cast import Server  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_DIR = Path("/tmp/parvis-drill-pg")
PG_PORT = 55432
REDIS_PORT = 56379
DATABASE = "parvis_drill"
WORK = Path("/tmp/parvis-drill")
ME = str(Path(__file__).resolve())
RETRY_TEXT = ("Réessayez", "try again")


# --------------------------------------------------------------------------- throw-away services


class Postgres:
    """A private PostgreSQL cluster, run by the postgres user (PostgreSQL refuses to run as root)."""

    options = (f"-p {PG_PORT} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=60 "
               "-c shared_buffers=64MB -c fsync=off")  # fsync only matters for an OS crash, not drilled here

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["runuser", "-u", "postgres", "--", *argv], cwd="/tmp", check=check,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)

    def init(self) -> None:
        if (PG_DIR / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(PG_DIR), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(PG_DIR, ignore_errors=True)
        PG_DIR.mkdir(parents=True)
        shutil.chown(PG_DIR, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(PG_DIR), "-U", "postgres", "-A", "trust", "--no-sync",
                  "-E", "UTF8", "--no-locale")
        self.start()
        self.psql(f"CREATE DATABASE {DATABASE}")

    def pg_ctl(self, *argv: str) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(PG_DIR), "-l", str(PG_DIR / "server.log"), "-o", self.options,
                  "-w", "-t", "60", *argv)

    def start(self) -> None:
        self.pg_ctl("start")

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        if (PG_DIR / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(PG_DIR), "-m", "fast", "-w", "stop", check=False)

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{PG_PORT}/{database}"

    def psql(self, sql: str) -> str:
        return subprocess.run(["psql", self.url("postgres"), "-AtqX", "-c", sql], check=True, stdout=subprocess.PIPE,
                              text=True, timeout=60).stdout.strip()


class Redis:
    """A private Redis without persistence."""

    def __init__(self):
        self.url = f"redis://127.0.0.1:{REDIS_PORT}/0"

    def start(self) -> None:
        subprocess.run(["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--daemonize", "yes", "--dir", str(WORK),
                        "--pidfile", str(WORK / "redis.pid"), "--logfile", str(WORK / "redis.log")], check=True)
        deadline = time.monotonic() + 20
        while not self.up():
            if time.monotonic() > deadline:
                raise RuntimeError("the drill's Redis did not start")
            time.sleep(0.1)

    def up(self) -> bool:
        return subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True).stdout.strip() == "PONG"

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        deadline = time.monotonic() + 20
        while self.up() and time.monotonic() < deadline:
            time.sleep(0.1)

    def get(self, key: str) -> str:
        return subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "get", key], stdout=subprocess.PIPE,
                              text=True).stdout.strip()


class Celery:
    """A Celery worker (one pool process) or beat, in its own process group."""

    def __init__(self, env: dict[str, str], kind: str, name: str):
        self.log = open(WORK / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop()
        argv = [sys.executable, "-m", "celery", "-A", "parvis", kind, "-l", "info"]
        if kind == "worker":
            argv += ["--concurrency", "1", "-n", f"{name}@drill", "--without-gossip", "--without-mingle"]
        else:
            argv += ["-s", str(WORK / "celerybeat-schedule")]
        self.process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self.log, stderr=self.log,
                                        start_new_session=True)
        self.name = name

    def pool_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], stdout=subprocess.PIPE, text=True).stdout
        return [int(pid) for pid in out.split()]

    def kill_all(self) -> None:
        """SIGKILL to the main process and its pool: a crashed machine or the OOM killer."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        if not self.log.closed:
            self.log.close()


def wait_for(predicate, timeout: float, interval: float = 0.2):
    """Poll ``predicate`` until it returns a truthy value or ``timeout`` passes; return the last value."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value


def step(env: dict[str, str], step_name: str, **arg) -> dict:
    return run_json(env, [ME, "--step", step_name, "--arg", json.dumps(arg)], timeout=900)


# --------------------------------------------------------------------------- Django-configured steps


def _django():
    import django

    django.setup()


def _roll_csv(prefix: str, rows: int) -> bytes:
    from datetime import date, timedelta

    lines = ["nom;prenoms;date_naissance;bureau;code_postal"]
    for i in range(rows):
        born = date(1930, 1, 1) + timedelta(days=(i * 13) % 27000)
        lines.append(f"{prefix}{i:07d};Dominique;{born:%d/%m/%Y};{1 + i % 12:03d};49000")
    return ("\n".join(lines) + "\n").encode()


def step_roll_prepare(arg: dict) -> dict:
    """A roll with ``previous`` entries, then a new file of ``rows`` rows queued for import."""
    _django()
    from django.core.files.base import ContentFile

    from voting import tasks
    from voting.models import VoterRoll
    from voting.services import roll

    voter_roll = VoterRoll.objects.create(name="Liste de l'exercice")
    voter_roll.source_file.save("ancienne.csv", ContentFile(_roll_csv("Ancien", arg["previous"])), save=True)
    voter_roll = roll.import_roll(roll=voter_roll)
    assert voter_roll.status == VoterRoll.Status.READY, voter_roll.errors
    voter_roll.source_file.save("nouvelle.csv", ContentFile(_roll_csv("Nouveau", arg["rows"])), save=True)
    tasks.import_roll.delay(voter_roll.pk)  # what the admin's upload does once the file is committed
    return {"roll": voter_roll.pk, "progress_key": f":1:{roll.progress_key(voter_roll)}"}


def step_roll_state(arg: dict) -> dict:
    _django()
    from django.db.models import Count

    from voting.models import RollEntry, VoterRoll

    voter_roll = VoterRoll.objects.get(pk=arg["roll"])
    entries = RollEntry.objects.filter(roll=voter_roll)
    duplicates = (entries.values("match_name", "birth_date", "polling_station").annotate(n=Count("id"))
                  .filter(n__gt=1).count())
    return {
        "status": voter_roll.status, "entries": entries.count(),
        "previous": entries.filter(family_name__startswith="Ancien").count(),
        "new": entries.filter(family_name__startswith="Nouveau").count(), "duplicates": duplicates,
        "rows_done": voter_roll.rows_done, "roll_hash": bool(voter_roll.roll_hash),
        "file_kept": bool(voter_roll.source_file),
    }


def _trustees(prefix: str):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return [User.objects.create(username=f"{prefix}-garant{i}", email=f"{prefix}-garant{i}@example.org") for i in range(3)]


KEY_FOLDER = WORK / "keys"
"""The drill trustees' key files (demo passphrase), for the decryption after the close."""


def _open_contest(title: str, trustees, *, eligibility="residents"):
    return open_sealed_contest(title, trustees, key_folder=KEY_FOLDER, eligibility=eligibility)


def _close_and_decrypt(contest) -> None:
    """Close the vote; 2 of 3 trustees' devices decrypt the totals (the first task closes the box)."""
    from datetime import timedelta

    from django.utils import timezone

    from voting.models import Contest

    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    decrypt_totals(Contest.objects.get(pk=contest.pk), KEY_FOLDER)


def step_count_prepare(arg: dict) -> dict:
    """A closed contest with ``ballots`` ballots (COPY of a real pool), totals decrypted by 2 trustees, count queued."""
    _django()
    import hashlib
    import uuid

    from django.db import connection

    from voting import crypto, tasks
    from voting.manifest import ballot_shape
    from voting.models import Contest
    from voting.services.casting import contest_parameters

    n, rng = arg["ballots"], random.Random(5)
    contest = _open_contest("Dépouillement de l'exercice", _trustees("count"))
    params, shape = contest_parameters(contest), ballot_shape(contest.manifest)
    pool = []
    for _ in range(min(arg["pool"], n)):
        chosen = rng.randrange(shape.n_options + 1)
        vector = [1 if i == chosen else 0 for i in range(shape.n_options)] + [1 if chosen == shape.n_options else 0]
        pool.append((chosen, crypto.encrypt_ballot(params, vector)))
    payloads = [b.to_json() for _c, b in pool]
    ciphertexts = [json.loads(p)["ciphertexts"] for p in payloads]
    picks = [rng.randrange(len(pool)) for _ in range(n)]
    previous = bytes.fromhex(crypto.genesis_hash(contest.manifest_hash))
    seen = set()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(
        "COPY voting_ballot (id, contest_id, position, payload, tracker, entry_hash) FROM STDIN"
    ) as copy:
        lines = []
        for position, pick in enumerate(picks, start=1):
            real = bytes.fromhex(pool[pick][1].hash)
            tracker = real if pick not in seen else hashlib.sha256(b"parvis-drill-copy" + real + position.to_bytes(8, "big")).digest()
            seen.add(pick)
            previous = hashlib.sha256(previous + tracker).digest()
            lines.append(f"{uuid.uuid4()}\t{contest.pk}\t{position}\t{payloads[pick]}\t{tracker.hex()}\t{previous.hex()}\n")
            if len(lines) == 5000:
                copy.write("".join(lines).encode("ascii"))
                lines.clear()
        copy.write("".join(lines).encode("ascii"))
    sums = crypto.sum_encoded((ciphertexts[p] for p in picks), shape.n_slots)
    Contest.objects.filter(pk=contest.pk).update(ballot_count=n, head_hash=previous.hex(),
                                                 encrypted_sums=[c.to_dict() for c in sums])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE voting_ballot")
    _close_and_decrypt(contest)
    expected = {str(o["id"]): 0 for o in contest.manifest["options"]} | {"blank": 0}
    keys = [str(o["id"]) for o in contest.manifest["options"]] + ["blank"]
    for pick in picks:
        expected[keys[pool[pick][0]]] += 1
    tasks.count_contest.delay(contest.pk)
    return {"contest": contest.pk, "expected": expected}


def step_count_state(arg: dict) -> dict:
    _django()
    from voting.models import Result

    results = list(Result.objects.filter(contest_id=arg["contest"]))
    if not results:
        return {"results": 0}
    result = results[0]
    return {"results": len(results), "counted": {**result.online_counts, "blank": result.online_blank},
            "ballots": result.online_ballots, "proclaimed": result.proclaimed_at is not None}


def step_proclaim(arg: dict) -> dict:
    _django()
    from django.contrib.auth import get_user_model

    from voting.models import Contest
    from voting.services import counting

    officer = get_user_model().objects.create(username="officier-exercice", email="officier@example.org")
    result = counting.proclaim(contest=Contest.objects.get(pk=arg["contest"]), actor=officer)
    return {"proclaimed": result.proclaimed_at is not None}


def step_votes_prepare(arg: dict) -> dict:
    """``voters`` residents with open sessions, a sealed, open contest for them, and each one's encrypted ballot.

    The ballots are what the voters' phones would send: a random choice
    (seeded) encrypted beforehand with ``voting.voter.encrypt_choice``.
    """
    _django()
    from bench._support import bulk_residents, cookie_names, encrypted_ballots, login_sessions

    users = bulk_residents(arg["name"], arg["voters"])
    voters = login_sessions(users)
    contest = _open_contest(f"Vote de l'exercice {arg['name']}", _trustees(arg["name"]))
    choices = [str(o["id"]) for o in contest.manifest["options"]] + ["blank"]
    rng = random.Random(arg["seed"])
    picked = [rng.choice(choices) for _ in voters]
    ballots = {str(v["user"]): {"choice": c, **b}
               for v, c, b in zip(voters, picked, encrypted_ballots(contest, picked), strict=True)}
    return {"voters": voters, **cookie_names(), "contest": contest.pk, "choices": choices, "ballots": ballots}


def step_votes_verify(arg: dict) -> dict:
    """Close, trustees decrypt, wait for the chain, box checks, count against the voters' choices."""
    _django()
    from bench.load.run import wait_until_chained
    from voting.models import Contest, Participation
    from voting.services import counting

    state = json.loads(Path(arg["state"]).read_text())
    contest = Contest.objects.get(pk=state["contest"])
    _close_and_decrypt(contest)
    wait_until_chained(contest)
    successes = arg["successes"]
    without_receipt = [v["user"] for v in state["voters"] if v["user"] not in {s["user"] for s in successes}]
    checks = box_checks(contest, successes, unanswered=len(without_receipt))
    voted = set(Participation.objects.filter(contest=contest).values_list("voter__user", flat=True))
    checks["voters"] = len(state["voters"])
    checks["voters with a participation"] = len(voted)
    checks["voters recorded without ever seeing their receipt"] = len(set(without_receipt) & voted)
    checks["every voter has voted exactly once"] = (
        voted == {v["user"] for v in state["voters"]} and checks["ballots"] == len(state["voters"])
    )
    result = counting.count_contest(contest=Contest.objects.get(pk=contest.pk))
    expected = dict.fromkeys(state["choices"], 0)
    for user in voted:
        expected[arg["choices"][str(user)]] += 1
    counted = {**result.online_counts, "blank": result.online_blank}
    checks["counted"] = counted
    checks["count == the choices of every voter in the box"] = counted == expected
    return checks


def step_upload_roll_while_broker_down(arg: dict) -> dict:
    """An election officer uploads a roll in the admin (real view, test client) while Redis is down."""
    _django()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from voting.models import VoterRoll

    User = get_user_model()
    officer = User.objects.create_superuser(username="officier-roll", email="roll@example.org", password=None)
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    add_url = reverse("voting_rolls:add")  # RollViewSet's add view (Wagtail ModelViewSet)
    start = time.perf_counter()
    response = client.post(add_url, {
        "name": "Liste déposée pendant la panne",
        "source_file": SimpleUploadedFile("panne.csv", _roll_csv("Panne", 20), content_type="text/csv"),
    })
    seconds = time.perf_counter() - start
    voter_roll = VoterRoll.objects.filter(name="Liste déposée pendant la panne").first()
    return {
        "url": add_url, "status": response.status_code, "seconds": round(seconds, 1),
        "retry_page": any(t in response.content.decode(errors="replace") for t in RETRY_TEXT),
        "roll_stored": voter_roll is not None,
        "roll_status": voter_roll.status if voter_roll else None,
        "roll_file_kept": bool(voter_roll.source_file) if voter_roll else None,
        "roll": voter_roll.pk if voter_roll else None,
    }


def step_roll_status(arg: dict) -> dict:
    _django()
    from voting.models import VoterRoll

    voter_roll = VoterRoll.objects.get(pk=arg["roll"])
    return {"status": voter_roll.status, "entries": voter_roll.entries.count(),
            "errors": [e["message"] for e in voter_roll.errors or []]}


STEPS = {name.removeprefix("step_"): fn for name, fn in globals().items() if name.startswith("step_") and callable(fn)}


# --------------------------------------------------------------------------- HTTP


def request(port: int, method: str, path: str, *, cookies: dict | None = None, data: dict | None = None,
            headers: dict | None = None, timeout: float = 30) -> dict:
    """One request on a fresh connection; never raises: status 0 means no answer."""
    sent = {"Host": "127.0.0.1", **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if data is not None:
        body = urlencode(data, doseq=True).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    start = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        connection.close()
        return {"status": response.status, "location": response.getheader("Location", ""), "body": text,
                "retry_after": response.getheader("Retry-After"), "set_cookie": response.getheader("Set-Cookie", ""),
                "seconds": time.perf_counter() - start}
    except (OSError, http.client.HTTPException) as error:
        return {"status": 0, "location": "", "body": "", "error": repr(error), "retry_after": None,
                "seconds": time.perf_counter() - start}


def cast(port: int, state: dict, voter: dict) -> dict:
    """The voter's POST of the ballot their phone encrypted (the same ballot again on a retry)."""
    csrf = voter.get("csrf") or "x" * 32
    ballot = state["ballots"][str(voter["user"])]
    outcome = request(port, "POST", f"/vote/{state['contest']}/voter/",
                      cookies={state["session_cookie"]: voter["session"], state["csrf_cookie"]: csrf},
                      headers={state["csrf_header"]: csrf},
                      data={"ballot": ballot["ballot"], "tracker": ballot["tracker"], "csrfmiddlewaretoken": csrf})
    outcome["receipt"] = outcome["status"] == 302 and "/recu/" in outcome["location"]
    if outcome["receipt"]:
        outcome["tracker"] = outcome["location"].split("/recu/", 1)[1].split("/", 1)[0]
    return outcome


def classify(outcome: dict) -> str:
    """receipt | refused (302 elsewhere, with a message) | retry-page | 5xx-unclear | no-answer | other"""
    if outcome.get("receipt"):
        return "receipt"
    status = outcome["status"]
    if status == 0:
        return "no-answer"
    if status == 302:
        return "refused"
    if status >= 500:
        clear = outcome.get("retry_after") and any(t in outcome["body"] for t in RETRY_TEXT)
        return "retry-page" if clear else f"{status}-unclear"
    return f"{status}-other"


def tally(outcomes) -> dict:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        key = classify(outcome)
        counts[key] = counts.get(key, 0) + 1
    return counts


# --------------------------------------------------------------------------- scenarios


def scenario_roll_import(env, pg: Postgres, redis: Redis, args) -> tuple[bool, dict]:
    figures: dict[str, object] = {}
    worker = Celery(env, "worker", "roll-worker-1")
    try:
        prepared = step(env, "roll_prepare", previous=args.previous, rows=args.roll_rows)
        key = prepared["progress_key"]

        def progress() -> int:
            value = redis.get(key)
            return int(value) if value.isdigit() else 0

        reached = wait_for(lambda: progress() >= args.roll_rows // 4, timeout=300, interval=0.05)
        figures["rows inserted (uncommitted) when killed"] = progress()
        worker.kill_all()
        if not reached:
            raise RuntimeError("the import never reached a quarter of the file")
    except BaseException:
        worker.stop()
        raise
    killed_at = time.monotonic()
    after_kill = step(env, "roll_state", roll=prepared["roll"])
    figures["after the kill"] = after_kill
    checks = {
        "after the kill: the previous entries, intact, and none of the new file": (
            after_kill["previous"] == args.previous and after_kill["new"] == 0
        ),
    }
    worker = Celery(env, "worker", "roll-worker-2")
    try:
        done = wait_for(lambda: step(env, "roll_state", roll=prepared["roll"])["status"] == "ready" or None,
                        timeout=240, interval=2)
    finally:
        worker.stop()
    final = step(env, "roll_state", roll=prepared["roll"])
    figures["redelivered and finished, seconds after the kill"] = round(time.monotonic() - killed_at, 1)
    figures["final"] = final
    checks["a new worker got the task back and finished it"] = bool(done)
    checks["final roll: exactly the new rows, each once, none of the previous"] = (
        final["entries"] == args.roll_rows == final["new"] and final["duplicates"] == 0 and final["previous"] == 0
    )
    checks["fingerprint recorded, uploaded file deleted"] = final["roll_hash"] and not final["file_kept"]
    return report("1. worker killed during a roll import", checks, figures)


def scenario_count(env, pg: Postgres, redis: Redis, args) -> tuple[bool, dict]:
    import psycopg

    figures: dict[str, object] = {}
    prepared = step(env, "count_prepare", ballots=args.ballots, pool=2000)
    # The count is far too quick to be caught by polling (0.7 s for 100,000 ballots). So the drill
    # holds a SHARE lock on the results table: the count verifies the chain, decrypts the totals,
    # then blocks on inserting its Result, inside its transaction. That is when it is killed.
    blocker = psycopg.connect(pg.url())
    blocker.execute("LOCK TABLE voting_result IN SHARE MODE")
    worker = Celery(env, "worker", "count-worker")
    try:
        with psycopg.connect(pg.url(), autocommit=True) as connection:
            def count_blocked_on_its_result():
                row = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' "
                    "AND query ILIKE '%%voting_result%%'", [DATABASE]).fetchone()
                return row[0]

            seen = wait_for(count_blocked_on_its_result, timeout=180, interval=0.1)
        pids = worker.pool_pids()
        figures["pool processes killed"] = len(pids)
        if not seen or not pids:
            raise RuntimeError("the count was never seen writing its Result")
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        time.sleep(1)
        # Read while the lock still holds: the task is re-queued at once and its new run,
        # released with the lock, can publish its Result faster than this step starts.
        after_kill = step(env, "count_state", contest=prepared["contest"])
        blocker.rollback()
        blocker.close()
        killed_at = time.monotonic()
        done = wait_for(lambda: step(env, "count_state", contest=prepared["contest"])["results"] or None,
                        timeout=300, interval=1)
        figures["count finished, seconds after the kill"] = round(time.monotonic() - killed_at, 1)
    finally:
        if not blocker.closed:
            blocker.close()
        worker.stop()
    final = step(env, "count_state", contest=prepared["contest"])
    checks = {
        "no Result after the kill (nothing half-counted is published)": after_kill["results"] == 0,
        "the task was re-queued and the count completed": bool(done),
        "exactly one Result, with the loaded totals": final.get("results") == 1 and final.get("counted") == prepared["expected"],
        "ballots counted == ballots loaded": final.get("ballots") == args.ballots,
    }
    figures["counted"] = final.get("counted")
    proclaimed = step(env, "proclaim", contest=prepared["contest"])
    checks["proclamation afterwards"] = proclaimed["proclaimed"]
    return report("2. worker killed during a count", checks, figures)


def _votes(port: int, state: dict, voters: list[dict], threads: int = 6) -> list[dict]:
    def one(voter):
        outcome = cast(port, state, voter)
        outcome["user"] = voter["user"]
        return outcome

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, voters))


def _successes(outcomes, choices) -> list[dict]:
    return [{"user": o["user"], "tracker": o["tracker"], "choice": choices[str(o["user"])]} for o in outcomes if o.get("receipt")]


def scenario_postgres_restart(env, pg: Postgres, redis: Redis, args) -> tuple[bool, dict]:
    figures: dict[str, object] = {}
    state = step(env, "votes_prepare", voters=args.voters, name="pgvote", seed=3)
    state_path = WORK / "pgvote.json"
    state_path.write_text(json.dumps(state))
    choices = {user: ballot["choice"] for user, ballot in state["ballots"].items()}
    server = Server(env, 2, 1, WORK / "gunicorn.log")
    worker, beat = Celery(env, "worker", "pg-worker"), Celery(env, "beat", "pg-beat")
    try:
        server.wait_ready()
        outcomes: list[dict] = []
        restart: dict[str, float] = {}

        def restarter():
            wait_for(lambda: len(outcomes) >= args.voters // 4 or None, timeout=120, interval=0.05)
            start = time.perf_counter()
            pg.restart()
            restart["seconds"] = time.perf_counter() - start

        thread = threading.Thread(target=restarter)
        thread.start()
        lock = threading.Lock()

        def one(voter):
            outcome = cast(server.port, state, voter)
            outcome["user"] = voter["user"]
            with lock:
                outcomes.append(outcome)
            time.sleep(0.02)  # keep votes flowing through the restart

        with ThreadPoolExecutor(6) as pool:
            list(pool.map(one, state["voters"]))
        thread.join(timeout=180)
        figures["pg_ctl restart -m fast took (s)"] = round(restart.get("seconds", -1), 2)
        figures["first attempts"] = tally(outcomes)
        failed = [o for o in outcomes if not o.get("receipt")]
        by_user = {v["user"]: v for v in state["voters"]}
        retries = _votes(server.port, state, [by_user[o["user"]] for o in failed])
        figures["retries"] = tally(retries)
        unclear = [o for o in outcomes if classify(o) not in ("receipt", "retry-page")]
        figures["unclear answers (status: first 200 chars)"] = [
            f"{o['status']}: " + (" ".join(o["body"].split())[:200] or o.get("error", "")) for o in unclear[:5]]
    finally:
        server.stop()
        worker.stop()
        beat.stop()
    successes = _successes(outcomes + retries, choices)
    checks = {
        "every failed vote got a clear 'try again' answer (503 + Retry-After), none a bare 500 or no answer": not unclear,
        "every retry got a receipt or was told the vote is already in": all(
            classify(o) in ("receipt", "refused") for o in retries),
    }
    verify = step(env, "votes_verify", state=str(state_path), successes=successes, choices=choices)
    checks.update({k: v for k, v in verify.items() if isinstance(v, bool)})
    figures.update({k: v for k, v in verify.items() if not isinstance(v, bool)})
    return report("3. PostgreSQL restarted during voting", checks, figures)


def scenario_redis_down(env, pg: Postgres, redis: Redis, args) -> tuple[bool, dict]:
    figures: dict[str, object] = {}
    n = max(30, args.voters // 2)
    state = step(env, "votes_prepare", voters=n, name="redisvote", seed=4)
    state_path = WORK / "redisvote.json"
    state_path.write_text(json.dumps(state))
    choices = {user: ballot["choice"] for user, ballot in state["ballots"].items()}
    third = n // 3
    before, during, after = state["voters"][:third], state["voters"][third:2 * third], state["voters"][2 * third:]
    server = Server(env, 2, 1, WORK / "gunicorn.log")
    worker, beat = Celery(env, "worker", "redis-worker"), Celery(env, "beat", "redis-beat")
    voter = state["voters"][0]
    session = {state["session_cookie"]: voter["session"]}

    def pages() -> dict:
        return {
            "home (anonymous)": request(server.port, "GET", "/"),
            "home (logged in)": request(server.port, "GET", "/", cookies=session),
            "vote page (logged in)": request(server.port, "GET", f"/vote/{state['contest']}/", cookies=session),
            "login form": request(server.port, "GET", "/compte/login/"),
        }

    def login_post() -> dict:
        form = request(server.port, "GET", "/compte/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form["body"])
        cookie = re.search(r"csrftoken=([^;]+)", form.get("set_cookie", ""))
        return request(server.port, "POST", "/compte/login/", data={
            "login": "personne@example.org", "password": "pas-le-bon-mot-de-passe",
            "csrfmiddlewaretoken": token.group(1) if token else ""},
            cookies={"csrftoken": cookie.group(1)} if cookie else None)

    try:
        server.wait_ready()
        phase_a = _votes(server.port, state, before)
        pages_a = pages()
        redis.stop()
        phase_b = _votes(server.port, state, during)
        pages_b = pages()
        login_b = login_post()
        upload = step(env, "upload_roll_while_broker_down")
        redis.start()
        time.sleep(3)  # the worker and beat reconnect by themselves
        phase_c = _votes(server.port, state, after)
        by_user = {v["user"]: v for v in state["voters"]}
        retries = _votes(server.port, state, [by_user[o["user"]] for o in phase_b if not o.get("receipt")])
        pages_c = pages()
        roll_later = step(env, "roll_status", roll=upload["roll"]) if upload.get("roll") else {}
    finally:
        if not redis.up():
            redis.start()
        server.stop()
        worker.stop()
        beat.stop()

    def page_summary(results: dict) -> dict:
        return {name: classify(o) if o["status"] != 200 else 200 for name, o in results.items()}

    figures["votes before the outage"] = tally(phase_a)
    figures["votes while Redis is down"] = tally(phase_b)
    figures["votes after Redis came back"] = tally(phase_c)
    figures["retries of the votes refused during the outage"] = tally(retries)
    figures["pages before / during / after"] = [page_summary(pages_a), page_summary(pages_b), page_summary(pages_c)]
    figures["login POST while Redis is down (rate limit needs Redis)"] = classify(login_b) if login_b["status"] != 200 else 200
    figures["admin roll upload while the broker is down"] = upload
    figures["that roll, once Redis is back"] = roll_later
    ok_answer = ("receipt", "retry-page")
    successes = _successes(phase_a + phase_b + phase_c + retries, choices)
    checks = {
        "before and after the outage: every vote got its receipt": all(o.get("receipt") for o in phase_a + phase_c),
        "during the outage: every vote got its receipt or a clear 'try again' (503)": all(
            classify(o) in ok_answer for o in phase_b),
        "pages during the outage: 200 or a clear 'try again' (503)": all(
            o["status"] == 200 or classify(o) == "retry-page" for o in pages_b.values()),
        "the site rides out the outage: pages served (200) and votes recorded with their receipt": (
            all(o["status"] == 200 for o in pages_b.values()) and all(o.get("receipt") for o in phase_b)),
        "login during the outage: refused with 503 'try again' (its rate limit cannot count)": (
            classify(login_b) == "retry-page"),
        "retries after the outage: receipt or 'already voted'": all(classify(o) in ("receipt", "refused") for o in retries),
        "roll uploaded during the outage: the officer is told to retry, or the import is queued later": (
            upload.get("retry_page") is True and not upload.get("roll_stored")
        ) or roll_later.get("status") == "ready" or (
            # marked failed, its page telling the officer to upload the file again (voting.services.roll.request_import)
            roll_later.get("status") == "failed" and roll_later.get("entries") == 0
            and any("task queue" in e or "file des tâches" in e for e in roll_later.get("errors", []))
        ),
    }
    verify = step(env, "votes_verify", state=str(state_path), successes=successes, choices=choices)
    checks.update({k: v for k, v in verify.items() if isinstance(v, bool)})
    figures.update({k: v for k, v in verify.items() if not isinstance(v, bool)})
    return report("4. Redis (cache and broker) stopped during browsing and voting", checks, figures)


def report(title: str, checks: dict, figures: dict) -> tuple[bool, dict]:
    ok = all(checks.values())
    print(f"\n{'PASS' if ok else 'FAIL'}  {title}")
    print_checks(title, {**checks, **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                                      for k, v in figures.items()}})
    return ok, {"title": title, "ok": ok, "checks": checks, "figures": figures}


SCENARIOS = {"1": scenario_roll_import, "2": scenario_count, "3": scenario_postgres_restart, "4": scenario_redis_down}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="1,2,3,4", help="scenarios to run, comma-separated")
    parser.add_argument("--roll-rows", type=int, default=200_000)
    parser.add_argument("--previous", type=int, default=1000, help="entries of the roll before the new import")
    parser.add_argument("--ballots", type=int, default=20_000)
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="leave the cluster, Redis and logs in /tmp")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--arg", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](json.loads(args.arg)), default=str))
        return
    if os.geteuid() != 0:
        parser.error("run as root: the private PostgreSQL cluster is started as the postgres user")
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    if any(s not in SCENARIOS for s in only):
        parser.error(f"--only takes scenario numbers among {', '.join(SCENARIOS)}")

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    pg, redis = Postgres(), Redis()
    env = production_env(
        pg.url(), CELERY_BROKER_URL=redis.url, REDIS_URL=redis.url, CELERY_VISIBILITY_TIMEOUT="20",
        MEDIA_ROOT=str(WORK / "media"), PRIVATE_ROOT=str(WORK / "private"), LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", DB_CONN_MAX_AGE="60",
    )
    results = []
    try:
        pg.init()
        redis.stop()  # one left over by an interrupted run
        redis.start()
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        print(f"private PostgreSQL on 127.0.0.1:{PG_PORT} ({PG_DIR}), Redis on 127.0.0.1:{REDIS_PORT}; logs in {WORK}")
        for number in only:
            start = time.perf_counter()
            try:
                ok, result = SCENARIOS[number](env, pg, redis, args)
            except Exception as error:  # noqa: BLE001 - a scenario that cannot run is a failure, the others still run
                traceback.print_exc()
                ok, result = False, {"title": f"scenario {number}", "ok": False, "error": repr(error)}
                print(f"\nFAIL  scenario {number}: {error!r}")
            result["seconds"] = round(time.perf_counter() - start, 1)
            results.append(result)
    finally:
        redis.stop()
        pg.stop()
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "faults.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
        if not args.keep:
            shutil.rmtree(PG_DIR, ignore_errors=True)
    failed = [r["title"] for r in results if not r["ok"]]
    print(f"\n{len(results) - len(failed)}/{len(results)} scenarios passed" + (f"; FAILED: {failed}" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
