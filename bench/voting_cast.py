"""Casting votes through the real HTTP stack, against a trivial insert view on the same stack.

    .venv/bin/python bench/voting_cast.py [--voters 1500] [--concurrency 50] [--configs 2x1]
                                          [--double | --no-double] [--keep-db]

Method. A fresh PostgreSQL database (``parvis_bench_cast``) gets the
migrations, then a Django-configured setup step (this script re-run with
``--step setup``) creates N verified residents (users + verified allauth
e-mail addresses when allauth is installed), one logged-in session each
(written straight into the session table and, for ``cached_db``, the Redis
cache, as ``django.contrib.auth.login`` would store it), a CSRF secret each, and one open contest per gunicorn
configuration (residents eligibility, single choice, 3 options + blank,
3 trustees / threshold 2, sealed by their key ceremony played with
``voting.simulation``, key files kept for the count, opened a minute ago).
Then, as the voters' phones would before sending anything, it encrypts each
voter's ballot for each contest (``voting.voter.encrypt_choice``, the Python
twin of the browser's ``crypto.js``: same canonical JSON, same proofs), so
the timed part measures the server alone. gunicorn serves ``bench.settings_cast`` = ``parvis.settings.production``
(DEBUG off, PostgreSQL, Redis cache, cached_db sessions) plus one baseline
view, ``POST /bench/insert`` (CSRF-exempt, inserts one row into a plain table
inside a transaction).

For each configuration ``WxT`` (W gunicorn workers, T threads; T=1 is the
sync worker), ``--concurrency`` client threads, each with its own
keep-alive ``http.client`` connection, send:

1. N POSTs to ``/bench/insert`` (baseline, before),
2. N votes: one ``POST /vote/<pk>/voter/`` per voter with ``ballot`` (the
   canonical JSON of a ballot encrypted beforehand for a random option or
   blank) and its ``tracker``, the voter's session and CSRF cookies sent by
   hand (production marks them Secure; the server still reads them over
   http) and the token in ``X-CSRFToken`` and ``csrfmiddlewaretoken``,
3. N POSTs to ``/bench/insert`` again (baseline, after: the machine is
   shared, so the ratio uses the mean of both baseline rates).

Between 1 and 2, two more rows bound what a vote could cost: the same
POST to ``/bench/insert-signed-in`` (CSRF, session and account lookup,
then the insert: no vote can cost less, it must know who votes) and to
``/bench/insert-verified/<pk>`` (that, plus decoding the posted ballot
strictly and verifying every proof with ``casting.decode_ballot``, then
inserting it: no vote encrypted on the voter's device can cost less). Every
POST of every row carries the same body: a ballot of the contest and its
tracker.

While the votes run, a sampler reads ``pg_stat_activity`` every 20 ms to
show how many backends wait on a lock (casting takes no lock that voters
hold exclusively; the chaining batches lock the contest row). A vote succeeded when the answer is a redirect to its receipt
(``/vote/<pk>/recu/<tracker>/``); any other redirect is a refusal and
anything else an error. Afterwards a Django-configured check (``--step
verify``) asserts: ballots == participations == successful responses, no
duplicate participation, tracker, or position gap, every tracker returned
to a client is in the box and equals SHA-256 of its stored payload, the
hash chain verifies (``verify_box_chain``), ``contest.ballot_count``
matches, the running encrypted sums equal a full re-sum of the stored
ballots, and, after closing the contest and bringing 2 trustees' shares,
``count_contest`` gives exactly the choices the successful clients sent
(after closing the contest and letting 2 trustees' devices decrypt the
totals from their key files, each partial decryption checked by the server).

Double submission (``--double``): on the first configuration, every
voter of one more contest POSTs twice at the same moment (two clients per
voter, synchronised by a barrier before each pair of requests, each with
its own encryption of the voter's choice, as from two devices); the check
then requires exactly one ballot and one successful response per voter.

A probe (``--step probe``) casts a few votes in-process with Django's test
client to count SQL queries per vote and split its CPU time between the
contest's lookup, eligibility, decoding + verifying the ballot
(``decode_ballot``, of which ``verify_ballot``) and the casting transaction
(``append_ballot``); ``--profile`` adds a cProfile of those votes.

A Celery worker (solo pool, same machine) runs during each configuration:
casting queues the chaining of ballots (debounced), which the worker does
in batches while the votes arrive, on the same two cores as gunicorn; the
check waits for it to chain the last ones and reports how many were
waiting and for how long.

Loopback only; every loop is bounded by a request count and a timeout.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import (  # noqa: E402
    ADMIN_URL,
    ROOT,
    box_checks,
    bulk_residents,
    cookie_names,
    create_database,
    database_url,
    decrypt_totals,
    drop_database,
    encrypted_ballots,
    free_port,
    login_sessions,
    migrate,
    open_sealed_contest,
    percentile,
    print_checks,
    production_env,
    run_json,
)

DATABASE = "parvis_bench_cast"
SETTINGS = "bench.settings_cast"
OPTIONS = ("Oui", "Non", "Sans avis")
HTTP_TIMEOUT = 60.0
PROBE_VOTES = 100
PROBE_WARMUP = 10


# --------------------------------------------------------------------------- Django-configured steps


def _django():
    import django

    django.setup()


def step_setup(args) -> dict:
    """Users, sessions, contests; returns everything the clients and checks need."""
    _django()
    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from voting.models import Contest

    User = get_user_model()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert "
            "(id bigserial PRIMARY KEY, choice text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )
    # One (unusable) password hash for everyone: hashing 3000 passwords would take minutes.
    password = make_password(None)
    users = bulk_residents("voter", args.voters, password_hash=password)
    voters = login_sessions(users)

    trustees = User.objects.bulk_create(
        [User(username=f"trustee{i}", email=f"trustee{i}@example.org", password=password) for i in range(3)]
    )
    contests = {}
    names = ["warmup", "probe"] + [f"run{i}" for i in range(args.runs)] + (["double"] if args.double else [])
    key_folder = Path(args.state).parent / "keys"
    started = time.perf_counter()
    for name in names:
        contest = open_sealed_contest(
            f"Bench {name}", trustees, key_folder=key_folder, options=OPTIONS,
            eligibility=Contest.Eligibility.RESIDENTS,
        )
        choices = [str(o["id"]) for o in contest.manifest["options"]] + ["blank"]
        contests[name] = {"pk": contest.pk, "choices": choices, "object": contest}
    ceremonies = time.perf_counter() - started
    # What the phones do before sending: one encrypted ballot per voter and contest (two for the double pass).
    started = time.perf_counter()
    counts = {"warmup": len(voters), "probe": min(len(voters), PROBE_VOTES)}
    seeds = {"warmup": 1000, "probe": 1001, "double": 99, **{f"run{i}": i for i in range(args.runs)}}
    encrypted = 0
    for name, spec in contests.items():
        rng = random.Random(seeds[name])
        picked = [rng.choice(spec["choices"]) for _ in range(counts.get(name, len(voters)))]
        spec["ballots"] = [{"choice": c, **b} for c, b in zip(picked, encrypted_ballots(spec["object"], picked), strict=True)]
        encrypted += len(picked)
        if name == "double":
            spec["ballots_again"] = [{"choice": c, **b} for c, b in zip(picked, encrypted_ballots(spec["object"], picked), strict=True)]
            encrypted += len(picked)
        del spec["object"]
    return {
        "voters": voters,
        "contests": contests,
        "key_folder": str(key_folder),
        "ceremony_seconds": ceremonies,
        "encrypted": encrypted,
        "encrypt_seconds": time.perf_counter() - started,
        **cookie_names(),
        "allauth": apps.is_installed("allauth.account"),
        "session_engine": settings.SESSION_ENGINE,
    }


def step_probe(args) -> dict:
    """Queries per vote and where its CPU goes, from votes cast in-process (Django's test client).

    Each part is timed in CPU seconds of this process (``time.process_time``:
    waiting for PostgreSQL is not counted): the whole request, the contest's
    lookup (``casting.sealed_contest``: a per-process copy, read again every
    few seconds), eligibility (``voter_for``), the ballot's decoding
    (``decode_ballot``: its ``contest_parameters``, the strict parse and
    canonical check, ``verify_ballot``), and the casting transaction
    (``casting._append``, also in wall time). The first votes
    (imports, caches) are left out.
    """
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from voting import crypto, views
    from voting.services import casting

    state = json.loads(Path(args.state).read_text())
    contest = state["contests"]["probe"]
    parts = {"contest": (views, "sealed_contest"), "eligibility": (casting, "voter_for"),
             "decode": (casting, "decode_ballot"), "parameters": (casting, "contest_parameters"),
             "verify": (crypto, "verify_ballot"), "append": (casting, "_append")}
    cpu: dict[str, list[float]] = {name: [] for name in parts}
    append_wall: list[float] = []

    def timed(name, function):
        def wrapper(*a, **kw):
            start, wall = time.process_time(), time.perf_counter()
            try:
                return function(*a, **kw)
            finally:
                cpu[name].append(time.process_time() - start)
                if name == "append":
                    append_wall.append(time.perf_counter() - wall)
        return wrapper

    for name, (module, attribute) in parts.items():
        setattr(module, attribute, timed(name, getattr(module, attribute)))
    walls, cpus, queries, ok = [], [], [], 0
    sample_sql: list[str] = []
    client = Client(HTTP_HOST="127.0.0.1")  # one handler: building it scans every static file
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting for PostgreSQL
    for voter, ballot in zip(state["voters"], contest["ballots"]):
        client.cookies.clear()
        client.cookies[state["session_cookie"]] = voter["session"]
        if profiler:
            profiler.enable()
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.post(f"/vote/{contest['pk']}/voter/",
                                   {"ballot": ballot["ballot"], "tracker": ballot["tracker"]})
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - start_cpu)
        if profiler:
            profiler.disable()
        ok += response.status_code == 302 and "/recu/" in response.get("Location", "")
        queries.append(len(captured.captured_queries))
        if not sample_sql:
            sample_sql = [q["sql"][:110] for q in captured.captured_queries]
    if profiler:
        profiler.dump_stats(args.profile)
    skip = min(PROBE_WARMUP, max(len(walls) - 1, 0))
    ms = lambda values: 1000 * statistics.mean(values[skip:]) if values[skip:] else 0.0  # noqa: E731
    return {"votes": len(walls), "ok": ok, "measured": len(walls) - skip, "request_ms": ms(walls),
            "request_cpu_ms": ms(cpus), "append_wall_ms": ms(append_wall),
            **{f"{name}_cpu_ms": ms(values) for name, values in cpu.items()},
            "queries": statistics.mean(queries), "sql": sample_sql}


def step_verify(args) -> dict:
    """The box after a run: counts, uniqueness, chain, sums, and the decrypted count."""
    _django()
    from datetime import timedelta

    from django.utils import timezone

    from voting.models import Contest
    from voting.services import counting

    state = json.loads(Path(args.state).read_text())
    results = json.loads(Path(args.results).read_text())
    spec = state["contests"][results["contest"]]
    contest = Contest.objects.get(pk=spec["pk"])
    successes = results["successes"]
    # Counts, uniqueness, receipts, chain and running sums (shared with bench/load and bench/faults).
    checks = box_checks(contest, successes)
    # Close, 2 of 3 trustees' devices decrypt the totals, count: the counts must be what the clients chose.
    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    contest.refresh_from_db()
    decrypt_totals(contest, state["key_folder"])
    result = counting.count_contest(contest=Contest.objects.get(pk=contest.pk))
    expected = {choice: 0 for choice in spec["choices"]}
    for success in successes:
        expected[success["choice"]] += 1
    counted = {**result.online_counts, "blank": result.online_blank}
    checks["count_contest == choices sent"] = counted == expected
    checks["counted"] = counted
    return checks


def step_cleanup(args) -> dict:
    """Remove the bench sessions from the Redis cache (the database is dropped anyway)."""
    _django()
    from importlib import import_module

    from django.conf import settings
    from django.core.cache import cache

    state = json.loads(Path(args.state).read_text())
    store = import_module(settings.SESSION_ENGINE).SessionStore
    prefix = getattr(store, "cache_key_prefix", None)
    if prefix:
        cache.delete_many([prefix + v["session"] for v in state["voters"]])
    return {"deleted": len(state["voters"]) if prefix else 0}


# --------------------------------------------------------------------------- HTTP clients


def run_clients(port: int, jobs: list[list[tuple]], *, paired: bool = False) -> tuple[float, list[tuple]]:
    """Each client sends its list of (tag, path, body, headers) POSTs over one keep-alive connection.

    With ``paired``, clients 2k and 2k+1 wait for each other before each request.
    Returns (wall seconds, [(tag, status, location, latency, error)]).
    """
    barriers = [threading.Barrier(2, timeout=HTTP_TIMEOUT + 5) for _ in range((len(jobs) + 1) // 2)] if paired else []

    def client(index: int) -> list[tuple]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        outcomes = []
        for tag, path, body, headers in jobs[index]:
            if paired:
                try:
                    barriers[index // 2].wait()
                except threading.BrokenBarrierError:
                    pass
            start = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                outcomes.append((tag, response.status, response.getheader("Location", ""),
                                 time.perf_counter() - start, None))
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                outcomes.append((tag, 0, "", time.perf_counter() - start, repr(error)))
        connection.close()
        return outcomes

    start = time.perf_counter()
    with ThreadPoolExecutor(len(jobs)) as pool:
        outcomes = [outcome for result in pool.map(client, range(len(jobs))) for outcome in result]
    return time.perf_counter() - start, outcomes


def vote_job(state: dict, contest_name: str, voter_index: int, again: bool = False) -> tuple:
    """One voter's POST of the ballot their phone encrypted beforehand (``again``: the second device's)."""
    voter = state["voters"][voter_index]
    contest = state["contests"][contest_name]
    ballot = contest["ballots_again" if again else "ballots"][voter_index]
    choice = ballot["choice"]
    body = urlencode({"ballot": ballot["ballot"], "tracker": ballot["tracker"],
                      "csrfmiddlewaretoken": voter["csrf"]}).encode()
    headers = {
        "Host": "127.0.0.1",
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{state['session_cookie']}={voter['session']}; {state['csrf_cookie']}={voter['csrf']}",
        state["csrf_header"]: voter["csrf"],
    }
    return ((voter_index, choice), f"/vote/{contest['pk']}/voter/", body, headers)


def insert_job(state: dict, index: int) -> tuple:
    """The baseline request: same headers and body (an encrypted ballot and its tracker) as a vote."""
    _tag, _path, body, headers = vote_job(state, "warmup", index % len(state["voters"]))
    return ((index, "blank"), "/bench/insert", body, headers)


def signed_in_insert_job(state: dict, index: int) -> tuple:
    """The second baseline: the same POST (cookies, CSRF token) to a login-required, CSRF-checked insert."""
    _tag, _path, body, headers = vote_job(state, "warmup", index % len(state["voters"]))
    return ((index, "blank"), "/bench/insert-signed-in", body, headers)


def verified_insert_job(state: dict, index: int) -> tuple:
    """The third baseline: the signed-in POST inserting the posted ballot once its proofs verify (the floor of a vote)."""
    _tag, _path, body, headers = vote_job(state, "warmup", index % len(state["voters"]))
    return ((index, "blank"), f"/bench/insert-verified/{state['contests']['warmup']['pk']}", body, headers)


def spread(items: list, clients: int) -> list[list]:
    return [items[i::clients] for i in range(clients)]


def summarize(name: str, seconds: float, outcomes: list[tuple], ok) -> dict:
    good = [o for o in outcomes if ok(o)]
    latencies = [o[3] for o in outcomes]
    return {
        "name": name, "requests": len(outcomes), "ok": len(good), "errors": len(outcomes) - len(good),
        "rate": len(good) / seconds, "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000, "p99": percentile(latencies, 99) * 1000, "seconds": seconds,
    }


def is_receipt(outcome: tuple) -> bool:
    return outcome[1] == 302 and "/recu/" in outcome[2]


def tracker_of(outcome: tuple) -> str:
    return outcome[2].split("/recu/", 1)[1].split("/", 1)[0]


class CpuMeter:
    """CPU seconds used by the serving side: gunicorn's processes, the Celery worker, their PostgreSQL backends.

    Wall-clock rates move with whatever else the machine runs (the clients,
    other jobs); the CPU a request costs the server much less. Backends are
    those connected to the bench database (the meter's own excluded).
    """

    def __init__(self, dsn: str, database: str, *processes: subprocess.Popen):
        import psycopg

        self.connection = psycopg.connect(dsn, autocommit=True)
        self.database = database
        self.roots = [p.pid for p in processes]

    @staticmethod
    def _cpu(pid: int) -> float | None:
        import os

        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def _pids(self) -> dict[int, str]:
        """Each serving process, with its group: web (gunicorn), worker (Celery), db (PostgreSQL)."""
        pids = {}
        for group, root in zip(("web", "worker"), self.roots, strict=False):
            pids[root] = group
            try:
                pids.update((int(c), group) for c in Path(f"/proc/{root}/task/{root}/children").read_text().split())
            except OSError:
                pass
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.database]
        ).fetchall()
        return pids | {row[0]: "db" for row in rows}

    def snapshot(self) -> dict[tuple[int, str], float]:
        return {(pid, group): cpu for pid, group in self._pids().items() if (cpu := self._cpu(pid)) is not None}

    @staticmethod
    def by_group(before: dict, after: dict) -> dict[str, float]:
        groups: dict[str, float] = {}
        for key, cpu in after.items():
            groups[key[1]] = groups.get(key[1], 0.0) + cpu - before.get(key, 0.0)
        return groups

    def wait_for_chaining(self, timeout: float = 60) -> None:
        """The worker appends the last ballots after the last vote: their CPU belongs to the votes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.connection.execute(
            "SELECT EXISTS (SELECT 1 FROM voting_ballot WHERE position IS NULL)"
        ).fetchone()[0]:
            time.sleep(0.1)

    @staticmethod
    def used(before: dict, after: dict) -> float:
        return sum(cpu - before.get(key, 0.0) for key, cpu in after.items())

    def close(self) -> None:
        self.connection.close()


class LockSampler:
    """Samples pg_stat_activity every 20 ms while a phase runs: how many backends wait on a lock.

    Bounded by the phase: ``stop()`` ends the loop (and a 1-hour safety cap).
    """

    def __init__(self, dsn: str, database: str):
        import psycopg

        self.connection = psycopg.connect(dsn, autocommit=True)
        self.database = database
        self.samples: list[tuple[int, int]] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        deadline = time.monotonic() + 3600
        while not self.done.is_set() and time.monotonic() < deadline:
            row = self.connection.execute(
                "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FILTER (WHERE state = 'active')"
                " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.database],
            ).fetchone()
            self.samples.append((row[0], row[1]))
            self.done.wait(0.02)

    def stop(self) -> str:
        self.done.set()
        self.thread.join(timeout=10)
        self.connection.close()
        if not self.samples:
            return ""
        waiting = statistics.mean(w for w, _a in self.samples)
        active = statistics.mean(a for _w, a in self.samples)
        share = sum(1 for w, _a in self.samples if w) / len(self.samples)
        return (f"{len(self.samples)} samples of pg_stat_activity: on average {active:.2f} backends active, "
                f"{waiting:.2f} waiting on a lock; >= 1 waiting in {share:.0%} of samples")


# --------------------------------------------------------------------------- gunicorn


class _Service:
    """A subprocess of the bench (gunicorn, a Celery worker) logging to a file; stopped politely, then not."""

    process: subprocess.Popen
    log: object

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self.log.close()


class Server(_Service):
    def __init__(self, env: dict[str, str], workers: int, threads: int, log_path: Path):
        self.port = free_port()
        self.log = open(log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "parvis.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--threads", str(threads), "--backlog", "2048",
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=self.log, stderr=self.log,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)


class Worker(_Service):
    """A Celery worker on the bench's broker: it appends the cast ballots to the chain while votes arrive.

    Its CPU is on the same two cores as gunicorn, so the casting rate
    includes the chaining's cost; the queue is purged first so no task of
    an earlier run is replayed.
    """

    def __init__(self, env: dict[str, str], log_path: Path):
        subprocess.run([sys.executable, "-m", "celery", "-A", "parvis", "purge", "-f"], cwd=ROOT, env=env,
                       capture_output=True, timeout=60, check=False)
        self.log = open(log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "parvis", "worker", "--pool", "solo", "--loglevel", "warning"],
            cwd=ROOT, env=env, stdout=self.log, stderr=self.log,
        )


# --------------------------------------------------------------------------- main


def print_row(config: str, row: dict, ratio: str = "") -> None:
    print(f"{config:<10}{row['name']:<18}{row['requests']:>7}{row['rate']:>9.1f}{row['p50']:>9.1f}"
          f"{row['p95']:>9.1f}{row['p99']:>9.1f}{row['errors']:>7}{ratio:>12}")


def run_step(env, args, step: str, state_path: Path, results_path: Path | None = None) -> dict:
    argv = [str(Path(__file__).resolve()), "--step", step, "--state", str(state_path),
            "--voters", str(args.voters), "--runs", str(len(args.configs))]
    argv += ["--double"] if args.double else ["--no-double"]
    if results_path:
        argv += ["--results", str(results_path)]
    if args.profile and step == "probe":
        argv += ["--profile", str(Path(args.profile).resolve())]
    return run_json(env, argv, timeout=1800)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=1500, help="voters, i.e. votes per configuration")
    parser.add_argument("--concurrency", type=int, default=50, help="client threads (even, for --double)")
    parser.add_argument("--configs", default="2x1",
                        help="gunicorn WORKERSxTHREADS, comma-separated (first one also runs --double)")
    parser.add_argument("--double", action=argparse.BooleanOptionalAction, default=True,
                        help="also run the double-submission pass")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the in-process probe votes to FILE")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    # internal: the Django-configured steps run in subprocesses
    parser.add_argument("--step", choices=["setup", "probe", "verify", "cleanup"], help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    parser.add_argument("--results", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        step = {"setup": step_setup, "probe": step_probe, "verify": step_verify, "cleanup": step_cleanup}[args.step]
        print(json.dumps(step(args)))
        return

    args.configs = [tuple(int(x) for x in c.lower().split("x")) for c in args.configs.split(",")]
    if not 2 <= args.concurrency <= 200 or args.concurrency % 2:
        parser.error("--concurrency must be even, in [2, 200]")
    if not 1 <= args.voters <= 100_000:
        parser.error("--voters must be in [1, 100000]")
    if not args.configs or any(len(c) != 2 or not 1 <= c[0] <= 16 or not 1 <= c[1] <= 16 for c in args.configs):
        parser.error("--configs: WORKERSxTHREADS, each in [1, 16]")
    work = Path(tempfile.mkdtemp(prefix="parvis_bench_cast_"))
    env = production_env(database_url(args.admin_url, DATABASE), SETTINGS)
    create_database(args.admin_url, DATABASE)
    all_ok = True
    state_path = work / "state.json"
    try:
        migrate(env)
        start = time.perf_counter()
        state = run_step(env, args, "setup", state_path)
        state_path.write_text(json.dumps(state))
        print(f"setup: {args.voters} verified residents with sessions, {len(state['contests'])} sealed open "
              f"contests ({len(OPTIONS)} options + blank, 2-of-3 trustees; key ceremonies "
              f"{state['ceremony_seconds']:.1f} s), {state['encrypted']} ballots encrypted beforehand as phones "
              f"would ({1000 * state['encrypt_seconds'] / state['encrypted']:.1f} ms each), in "
              f"{time.perf_counter() - start:.1f} s; allauth installed: {state['allauth']}; "
              f"sessions: {state['session_engine']}")
        probe = run_step(env, args, "probe", state_path)
        print(f"probe (in-process, {probe['votes']} sequential votes, {probe['ok']} ok, the last "
              f"{probe['measured']} measured): {probe['request_ms']:.1f} ms/vote request, "
              f"{probe['request_cpu_ms']:.1f} ms of CPU, of which: contest lookup {probe['contest_cpu_ms']:.2f}, "
              f"eligibility {probe['eligibility_cpu_ms']:.2f}, decode_ballot {probe['decode_cpu_ms']:.2f} "
              f"(contest_parameters {probe['parameters_cpu_ms']:.2f}, verify_ballot {probe['verify_cpu_ms']:.2f}, "
              f"parse + canonical check {probe['decode_cpu_ms'] - probe['parameters_cpu_ms'] - probe['verify_cpu_ms']:.2f}), "
              f"append_ballot {probe['append_cpu_ms']:.2f} (wall {probe['append_wall_ms']:.1f}); the rest "
              f"(middleware, session, account, messages, redirect, test client) "
              f"{probe['request_cpu_ms'] - sum(probe[f'{k}_cpu_ms'] for k in ('contest', 'eligibility', 'decode', 'append')):.2f}; "
              f"{probe['queries']:.0f} SQL queries/vote")
        for sql in probe["sql"]:
            print(f"    {sql}")

        n = args.voters
        print(f"\n{args.concurrency} clients, {n} POSTs per row; baseline = POST /bench/insert "
              "(same stack, 1 INSERT in a transaction), before and after the votes")
        print(f"{'gunicorn':<10}{'row':<18}{'POSTs':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
              f"{'errors':>7}{'vs base':>12}")
        summaries = []
        warmed = 0
        for run, (workers, threads) in enumerate(args.configs):
            label = f"{workers}w x{threads}t"
            contest_name = f"run{run}"
            server = Server(env, workers, threads, work / "gunicorn.log")
            worker = Worker(env, work / "celery.log")
            try:
                server.wait_ready()
                # warm every worker: URLconf, templates, DB connection, crypto tables
                run_clients(server.port, spread([insert_job(state, i) for i in range(10 * workers)], 2 * workers))
                run_clients(server.port, spread([verified_insert_job(state, i) for i in range(10 * workers)], 2 * workers))
                warm = [vote_job(state, "warmup", (warmed + i) % n) for i in range(min(n, 10 * workers))]
                warmed += len(warm)
                run_clients(server.port, spread(warm, 2 * workers))

                meter = CpuMeter(database_url(args.admin_url, DATABASE), DATABASE, server.process, worker.process)
                base_jobs = spread([insert_job(state, i) for i in range(n)], args.concurrency)
                cpu = meter.snapshot()
                seconds, outcomes = run_clients(server.port, base_jobs)
                before = summarize("insert (before)", seconds, outcomes, lambda o: o[1] == 200)
                before["cpu_ms"] = 1000 * meter.used(cpu, cpu := meter.snapshot()) / n
                seconds, outcomes = run_clients(
                    server.port, spread([signed_in_insert_job(state, i) for i in range(n)], args.concurrency)
                )
                signed_in = summarize("signed-in insert", seconds, outcomes, lambda o: o[1] == 200)
                signed_in["cpu_ms"] = 1000 * meter.used(cpu, cpu := meter.snapshot()) / n
                seconds, outcomes = run_clients(
                    server.port, spread([verified_insert_job(state, i) for i in range(n)], args.concurrency)
                )
                verified = summarize("+ verification", seconds, outcomes, lambda o: o[1] == 200)
                checked = meter.snapshot()
                verified["cpu_ms"] = 1000 * meter.used(cpu, checked) / n
                verified["cpu_split"] = {k: 1000 * v / n for k, v in meter.by_group(cpu, checked).items()}
                cpu = checked
                vote_jobs = spread([vote_job(state, contest_name, i) for i in range(n)], args.concurrency)
                sampler = LockSampler(database_url(args.admin_url, DATABASE), DATABASE)
                try:
                    seconds, vote_outcomes = run_clients(server.port, vote_jobs)
                finally:
                    locks = sampler.stop()
                cast = summarize("cast vote", seconds, vote_outcomes, is_receipt)
                meter.wait_for_chaining()
                voted = meter.snapshot()
                cast["cpu_ms"] = 1000 * meter.used(cpu, voted) / n
                cast["cpu_split"] = {k: 1000 * v / n for k, v in meter.by_group(cpu, voted).items()}
                cpu = voted
                seconds, outcomes = run_clients(server.port, base_jobs)
                after = summarize("insert (after)", seconds, outcomes, lambda o: o[1] == 200)
                after["cpu_ms"] = 1000 * meter.used(cpu, meter.snapshot()) / n
                meter.close()
            finally:
                server.stop()
            baseline = (before["rate"] + after["rate"]) / 2
            print_row(label, before)
            print_row(label, signed_in, f"{signed_in['rate'] / baseline:.0%}")
            print_row(label, verified, f"{verified['rate'] / baseline:.0%}")
            print_row(label, cast, f"{cast['rate'] / baseline:.0%}")
            print_row(label, after)
            summaries.append((label, cast["rate"] / baseline, cast["rate"] / signed_in["rate"],
                              cast["rate"] / verified["rate"], verified["rate"] / signed_in["rate"]))
            base_cpu = (before["cpu_ms"] + after["cpu_ms"]) / 2
            print(f"  casting = {cast['rate'] / signed_in['rate']:.0%} of the signed-in insert's rate, "
                  f"{cast['rate'] / verified['rate']:.0%} of the verified insert's "
                  f"(which alone is {verified['rate'] / signed_in['rate']:.0%} of the signed-in insert's)")
            print(f"  server CPU per request (gunicorn + Celery worker + their PostgreSQL backends): insert "
                  f"{before['cpu_ms']:.2f} / {after['cpu_ms']:.2f} ms, signed-in insert {signed_in['cpu_ms']:.2f} ms, + verification {verified['cpu_ms']:.2f} ms, vote {cast['cpu_ms']:.2f} ms (chaining included)"
                  f" -> a vote costs {cast['cpu_ms'] / base_cpu:.1f}x an insert; CPU-bound ratio "
                  f"{base_cpu / cast['cpu_ms']:.0%}; the vote's split: "
                  + ", ".join(f"{group} {ms:.2f} ms" for group, ms in sorted(cast["cpu_split"].items()))
                  + "; the verified insert's: "
                  + ", ".join(f"{group} {ms:.2f} ms" for group, ms in sorted(verified["cpu_split"].items())))
            print(f"  during the votes: {locks}")
            statuses: dict[str, int] = {}
            for o in vote_outcomes:
                if not is_receipt(o):
                    key = f"{o[1]} {o[2].split('#')[0]}" if o[1] else (o[4] or "?")[:60]
                    statuses[key] = statuses.get(key, 0) + 1
            if statuses:
                print(f"  non-receipt answers: {statuses}")
            results = {"contest": contest_name, "successes": [
                {"user": state["voters"][o[0][0]]["user"], "choice": o[0][1], "tracker": tracker_of(o)}
                for o in vote_outcomes if is_receipt(o)]}
            results_path = work / f"results_{contest_name}.json"
            results_path.write_text(json.dumps(results))
            try:
                checks = run_step(env, args, "verify", state_path, results_path)
            finally:
                worker.stop()
            all_ok &= print_checks(f"{label}, {contest_name}", checks)

        if args.double:
            workers, threads = args.configs[0]
            label = f"{workers}w x{threads}t"
            server = Server(env, workers, threads, work / "gunicorn.log")
            worker = Worker(env, work / "celery.log")
            try:
                server.wait_ready()
                pairs = args.concurrency // 2
                jobs: list[list[tuple]] = []
                for pair in range(pairs):
                    voters = range(pair, n, pairs)
                    jobs += [[vote_job(state, "double", i) for i in voters],
                             [vote_job(state, "double", i, again=True) for i in voters]]
                seconds, outcomes = run_clients(server.port, jobs, paired=True)
            finally:
                server.stop()
            row = summarize("double submit", seconds, outcomes, lambda o: o[1] == 302)
            receipts = [o for o in outcomes if is_receipt(o)]
            refused = sum(1 for o in outcomes if o[1] == 302 and not is_receipt(o))
            print_row(label, row)
            per_voter: dict[int, int] = {}
            for o in receipts:
                per_voter[o[0][0]] = per_voter.get(o[0][0], 0) + 1
            print(f"  double submission: {len(outcomes)} POSTs for {n} voters -> {len(receipts)} receipts, "
                  f"{refused} refused, {row['errors']} errors; voters with 1 receipt: "
                  f"{sum(1 for c in per_voter.values() if c == 1)}, with 2: {sum(1 for c in per_voter.values() if c > 1)}")
            results = {"contest": "double", "successes": [
                {"user": state["voters"][o[0][0]]["user"], "choice": o[0][1], "tracker": tracker_of(o)}
                for o in receipts]}
            results_path = work / "results_double.json"
            results_path.write_text(json.dumps(results))
            try:
                checks = run_step(env, args, "verify", state_path, results_path)
            finally:
                worker.stop()
            checks["exactly one ballot and one receipt per voter"] = (
                checks["ballots"] == n and len(receipts) == n and all(c == 1 for c in per_voter.values())
            )
            all_ok &= print_checks("double submission", checks)

        print("\nsummary: " + ", ".join(f"{label}: casting = {plain:.0%} of the plain insert, {signed:.0%} of the "
                                        f"signed-in insert, {of_verified:.0%} of the verified insert (which alone is "
                                        f"{floor:.0%} of the signed-in insert)"
                                        for label, plain, signed, of_verified, floor in summaries)
              + f" (target >= 50%); all checks {'passed' if all_ok else 'FAILED'}")
        if not all_ok:
            print(f"gunicorn log: {work / 'gunicorn.log'}")
    finally:
        if state_path.exists():
            try:
                run_step(env, args, "cleanup", state_path)
            except (subprocess.SubprocessError, ValueError) as error:
                print(f"cleanup of cached sessions failed: {error}")
        if args.keep_db:
            print(f"kept database {DATABASE} and {work} (state.json holds the voters' session keys)")
        else:
            drop_database(args.admin_url, DATABASE)
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
