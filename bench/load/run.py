"""Load test: residents browsing, proposing ideas and voting over the production stack, then box checks.

    .venv/bin/pip install -e '.[bench]'       # Locust
    .venv/bin/python bench/load/run.py [--users 2000] [--run-time 600] [--workers 3] [--keep-db]

Method. A fresh PostgreSQL database (``parvis_bench_load``) gets the
migrations, the demo town (``load_demo``: home, articles, tutorial, council
pages, the election in progress, this year's budget in its ideas phase) and
``collectstatic``. A Django-configured step (``--step setup``) then adds:

* ``--users`` resident accounts with a confirmed e-mail, bulk-inserted
  (``bench._support.bulk_residents``). They share one password hash,
  computed once with production's hasher (PBKDF2): creating 2,000 accounts
  through the sign-up form would hash 2,000 passwords and send 2,000
  e-mails, while each login through the form still pays one real PBKDF2
  check, as in production. Residents who do not use the login form get a
  session opened "yesterday" (``bench._support.login_sessions``).
* an electoral roll of 3 x ``--users`` voters, imported from a CSV file by
  ``voting.services.roll.import_roll`` (the task's service), where
  resident ``i`` is voter ``i``;
* a contest on that roll (single choice, 3 options + blank, 2-of-3
  trustees), sealed by its key ceremony (the trustees' devices played by
  ``voting.simulation``; key files kept for the count), open;
* for each resident who will vote, a choice and the ballot their phone
  encrypts for it (``voting.voter.encrypt_choice``, the Python twin of the
  browser's ``crypto.js``), made beforehand so the load measures the
  server: in the browser the choice, the review and the encryption happen
  on the page, without a request.

Then gunicorn (``parvis.settings.production``: DEBUG off, PostgreSQL, Redis
cache and cached_db sessions, WhiteNoise) and a Celery worker on Redis
(``--redis-url``, default DB 6) start on 127.0.0.1, and Locust runs
headless (``bench/load/locustfile.py``): ``--users`` residents arrive at a
steady rate over the first 85 % of ``--run-time``, each doing one session
(see the locustfile for the mix: 55 % browse, 15 % propose an idea, 30 %
vote, 5 % logging in through the form), with 2-6 s think times. Locust stops
at ``--run-time`` and lets sessions in progress finish (90 s at most).

Afterwards (``--step verify``, gunicorn stopped):

* the box (``bench._support.box_checks``): every receipt a resident got is in
  the box exactly once, ballots == participations == receipts (a cast that
  got no answer is reported and allowed to be in the box), one
  participation per voter, positions 1..n, tracker = SHA-256(payload), the
  hash chain verifies, the running encrypted sums equal a re-sum;
* the count: the contest is closed, 2 trustees' devices decrypt the totals
  (each partial decryption checked by the server), and the count runs on the Celery worker (``voting.tasks.count_contest``); its
  totals must equal the choices of the residents who got a receipt;
* ideas: every idea a resident was told was submitted exists, once.

Report: throughput, p50/p95/p99 and failures per endpoint (Locust's CSV),
to stdout and to ``bench/results/load-<date>/`` (``summary.json``, the
CSVs, the gunicorn and worker logs). Exit status 1 if a check fails.
Loopback only; bounded by ``--run-time`` (+ the stop timeout).

Login rate: allauth limits logins to 30 per minute per IP, and every
simulated resident comes from 127.0.0.1, so only 5 % of residents log in
through the form (about 12 a minute at 2,000 residents over 8.5 minutes).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench._support import (  # noqa: E402
    ADMIN_URL,
    ROOT,
    create_database,
    database_url,
    drop_database,
    migrate,
    open_sealed_contest,
    print_checks,
    production_env,
    run_json,
)
from bench.voting_cast import Server  # noqa: E402

DATABASE = "parvis_bench_load"
OPTIONS = ("Oui", "Non", "Sans avis")
PASSWORD = "habitant-de-charge-2027"  # noqa: S105 - bench accounts on a throw-away database
STATIONS = ("001", "002", "003", "004", "005", "006")


def _django():
    import django

    django.setup()


def roll_row(i: int) -> tuple[str, str, str, str]:
    """Voter i of the bench roll: (family name, given names, birth date ISO, polling station)."""
    from datetime import date, timedelta

    born = date(1940, 1, 1) + timedelta(days=(i * 37) % 23000)
    return f"Habitant{i:06d}", "Camille", born.isoformat(), STATIONS[i % len(STATIONS)]


# --------------------------------------------------------------------------- Django-configured steps


def step_setup(args) -> dict:
    _django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile
    from wagtail.models import Page

    from bench._support import (
        bulk_residents,
        cookie_names,
        encrypted_ballots,
        login_sessions,
    )
    from budget.models import BudgetPage, Idea
    from councils.models import CouncilPage
    from councils.votes.models import ElectionPage
    from home.models import ArticlePage, TutorialPage
    from voting.models import Contest, VoterRoll
    from voting.services import roll

    n = args.users
    started = time.perf_counter()
    users = bulk_residents("habitant", n, password_hash=make_password(PASSWORD))
    sessions = login_sessions(users)

    lines = ["nom;prenoms;date_naissance;bureau;code_postal"]
    lines += [";".join((*roll_row(i)[:2], roll_row(i)[2], roll_row(i)[3], "49000")) for i in range(3 * n)]
    voter_roll = VoterRoll.objects.create(name="Liste électorale (charge)")
    voter_roll.source_file.save("charge.csv", ContentFile("\n".join(lines).encode()), save=True)
    voter_roll = roll.import_roll(roll=voter_roll)
    if voter_roll.status != VoterRoll.Status.READY:
        raise RuntimeError(f"roll import failed: {voter_roll.errors[:3]}")

    User = get_user_model()
    trustees = [User.objects.create(username=f"garant-charge{i}", email=f"garant-charge{i}@example.org") for i in range(3)]
    key_folder = Path(args.out) / "keys"
    contest = open_sealed_contest(
        "Consultation de charge", trustees, key_folder=key_folder, options=OPTIONS,
        eligibility=Contest.Eligibility.ROLL, roll=voter_roll,
    )
    choices = [str(o["id"]) for o in contest.manifest["options"]] + ["blank"]
    rng = random.Random(n)
    picked = [rng.choice(choices) if i % 20 < 6 else None for i in range(n)]  # the voters' role (locustfile)
    voters = [i for i in range(n) if picked[i] is not None]
    ballots = dict(zip(voters, encrypted_ballots(contest, [picked[i] for i in voters]), strict=True))

    budget = BudgetPage.objects.live().get(slug="budget-participatif")
    if str(budget.phase()) != "ideas" and getattr(budget.phase(), "value", "") != "ideas":
        raise RuntimeError(f"the demo budget is not in its ideas phase: {budget.phase()}")
    url = lambda page: page.get_url(None)  # noqa: E731 - one site: relative URLs
    residents = []
    for i, (user, session) in enumerate(zip(users, sessions, strict=True)):
        family, _given, birth, station = roll_row(i)
        residents.append({"user": user.pk, "email": user.email, "session": session["session"],
                          "family": family.upper(), "birth": birth, "place": str(int(station)),
                          **({"choice": picked[i], **ballots[i]} if i in ballots else {})})
    return {
        "residents": residents,
        "password": PASSWORD,
        **cookie_names(),
        "login": "/compte/login/",
        "contest": contest.pk,
        "choices": choices,
        "key_folder": str(key_folder),
        "budget_id": budget.pk,
        "category": Idea.Category.values[0],
        "submit_idea": url(budget) + "idees/proposer/",
        "pages": {
            "home": url(Page.objects.get(depth=2)),
            "articles": [url(p) for p in ArticlePage.objects.live()],
            "tutorial": url(TutorialPage.objects.live().first()),
            "councils": [url(p) for p in CouncilPage.objects.live()],
            "budget": url(budget),
            "ideas": [url(budget) + f"idees/{pk}/" for pk in Idea.objects.filter(budget=budget).values_list("pk", flat=True)[:50]],
            "election": url(ElectionPage.objects.live().first()),
        },
        "setup_seconds": time.perf_counter() - started,
        "roll_entries": voter_roll.rows_total,
    }


def step_verify(args) -> dict:
    _django()
    from datetime import timedelta

    from django.utils import timezone

    from bench._support import box_checks, decrypt_totals
    from budget.models import Idea
    from voting import tasks
    from voting.models import Contest, Result

    state = json.loads(Path(args.state).read_text())
    out = Path(args.out)
    votes = [json.loads(line) for f in sorted(out.glob("votes-*.jsonl")) for line in f.read_text().splitlines()]
    ideas = [json.loads(line) for f in sorted(out.glob("ideas-*.jsonl")) for line in f.read_text().splitlines()]
    accepted = [v for v in votes if v["status"] == "accepted"]
    unanswered = sum(1 for v in votes if v["status"] == "unanswered")
    contest = Contest.objects.get(pk=state["contest"])
    # Close the vote and let 2 trustees' devices decrypt the totals first (the first task closes the
    # box): whatever casting leaves to do after the answer (appending to the chain in batches), the box
    # must be complete once it is closed.
    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    contest = Contest.objects.get(pk=contest.pk)
    decrypt_totals(contest, state["key_folder"])
    wait_until_chained(contest)
    checks: dict[str, object] = {"casts refused (answered, no receipt)": sum(
        1 for v in votes if v["status"] not in ("accepted", "unanswered"))}
    checks.update(box_checks(contest, accepted, unanswered=unanswered))

    titles = [i["title"] for i in ideas if i.get("status", "accepted") == "accepted"]
    unanswered_ideas = {i["title"] for i in ideas if i.get("status") == "unanswered"}
    stored = list(Idea.objects.filter(budget_id=state["budget_id"], title__startswith="Idée de charge")
                  .values_list("title", flat=True))
    checks["ideas accepted (told to residents)"] = len(titles)
    checks["ideas posted without an answer (timeout)"] = len(unanswered_ideas)
    checks["ideas stored"] = len(stored)
    checks["every idea told accepted is stored once; any other stored one is an unanswered post"] = (
        len(stored) == len(set(stored)) and set(titles) <= set(stored) and set(stored) - set(titles) <= unanswered_ideas
    )
    gave_up = [json.loads(line) for f in sorted(out.glob("gave_up-*.jsonl")) for line in f.read_text().splitlines()]
    steps: dict[str, int] = {}
    for row in gave_up:
        steps[row["step"]] = steps.get(row["step"], 0) + 1
    checks["sessions cut short by a failed step (step: residents)"] = steps

    # Count on the Celery worker, as trustees' last share would trigger it.
    start = time.perf_counter()
    tasks.count_contest.delay(contest.pk)
    deadline = time.monotonic() + 600
    result = None
    while result is None and time.monotonic() < deadline:
        time.sleep(0.5)
        result = Result.objects.filter(contest=contest).first()
    checks["count by the Celery worker finished"] = result is not None
    if result is not None:
        checks["count seconds (enqueue -> Result)"] = round(time.perf_counter() - start, 1)
        expected = {choice: 0 for choice in state["choices"]}
        for vote in accepted:
            expected[vote["choice"]] += 1
        counted = {**result.online_counts, "blank": result.online_blank}
        checks["counted"] = counted
        if unanswered:
            checks["count total == ballots"] = sum(counted.values()) == Contest.objects.get(pk=contest.pk).ballot_count
        else:
            checks["count == choices of the residents with a receipt"] = counted == expected
    return checks


def wait_until_chained(contest, timeout: float = 120) -> None:
    """Wait (bounded) until no ballot of the contest waits for its place in the chain, if casting defers it."""
    from voting.models import Ballot

    if not Ballot._meta.get_field("position").null:
        return  # casting chains each ballot in its own transaction
    deadline = time.monotonic() + timeout
    while Ballot.objects.filter(contest=contest, position=None).exists() and time.monotonic() < deadline:
        time.sleep(0.5)


# --------------------------------------------------------------------------- orchestration


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "parvis", "worker", "-l", "warning", "--concurrency", "1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"load-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
    )


def start_beat(env: dict[str, str], out: Path) -> subprocess.Popen:
    log = open(out / "beat.log", "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "parvis", "beat", "-l", "warning", "-s", str(out / "celerybeat-schedule")],
        cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
    )


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children (gunicorn's workers)."""
    import psutil  # installed with locust

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def read_stats(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_stats.csv")
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def number(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0


def report(rows: list[dict], seconds: float) -> list[dict]:
    """Print the per-endpoint table; return it as dicts for summary.json."""
    table = []
    print(f"\n{'endpoint':<36}{'requests':>9}{'fail':>6}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}")
    for row in rows:
        name = "TOTAL" if row["Name"] == "Aggregated" else row["Name"]
        entry = {
            "endpoint": name, "method": row["Type"], "requests": int(number(row["Request Count"])),
            "failures": int(number(row["Failure Count"])),
            "rps": number(row["Request Count"]) / seconds if seconds else 0.0,
            "p50": number(row["50%"]), "p95": number(row["95%"]), "p99": number(row["99%"]),
            "max": number(row["Max Response Time"]),
        }
        table.append(entry)
        print(f"{name:<36}{entry['requests']:>9}{entry['failures']:>6}{entry['rps']:>8.2f}{entry['p50']:>8.0f}"
              f"{entry['p95']:>8.0f}{entry['p99']:>8.0f}{entry['max']:>8.0f}")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=2000, help="simulated residents (one session each)")
    parser.add_argument("--run-time", type=int, default=600, help="seconds of load (arrivals over 85 %% of it)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"))
    parser.add_argument("--keep-db", action="store_true", help="keep the database at the end")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--step", choices=["setup", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps({"setup": step_setup, "verify": step_verify}[args.step](args)))
        return
    if not 1 <= args.users <= 20_000 or not 10 <= args.run_time <= 3600 or not 1 <= args.workers <= 16:
        parser.error("--users in [1, 20000], --run-time in [10, 3600] s, --workers in [1, 16]")
    if not args.redis_url.startswith("redis://127.0.0.1") and not args.redis_url.startswith("redis://localhost"):
        parser.error("--redis-url must be on the loopback interface")

    out = ROOT / "bench" / "results" / f"load-{datetime.now():%Y%m%d-%H%M%S}"
    out.mkdir(parents=True)
    env = production_env(
        database_url(args.admin_url, DATABASE), CELERY_BROKER_URL=args.redis_url, REDIS_URL=args.redis_url,
        MEDIA_ROOT=str(out / "media"), PRIVATE_ROOT=str(out / "private"),
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    subprocess.run(["redis-cli", "-u", args.redis_url, "FLUSHDB"], check=True, stdout=subprocess.DEVNULL)
    create_database(args.admin_url, DATABASE)
    me = str(Path(__file__).resolve())
    state_path = out / "state.json"
    server = worker = beat = None
    all_ok = False
    try:
        start = time.perf_counter()
        migrate(env)
        for command in (["load_demo"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        state = run_json(env, [me, "--step", "setup", "--users", str(args.users), "--out", str(out)], timeout=1800)
        state_path.write_text(json.dumps(state))
        print(f"setup in {time.perf_counter() - start:.0f} s: demo town, {args.users} residents, roll of "
              f"{state['roll_entries']} voters imported, contest {state['contest']} sealed and open")

        server = Server(env, args.workers, args.threads, out / "gunicorn.log")
        worker = start_worker(env, out / "worker.log")
        beat = start_beat(env, out)
        server.wait_ready()
        spawn_rate = args.users / (0.85 * args.run_time)
        print(f"gunicorn {args.workers}w x{args.threads}t on 127.0.0.1:{server.port}, Celery worker (1 process) and beat, "
              f"Locust: {args.users} residents arriving at {spawn_rate:.2f}/s, run time {args.run_time} s")
        load_start = time.perf_counter()
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
             "--host", f"http://127.0.0.1:{server.port}", "--users", str(args.users),
             "--spawn-rate", f"{spawn_rate:.4f}", "--run-time", f"{args.run_time}s", "--stop-timeout", "90",
             "--csv", str(out / "locust"), "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
            cwd=ROOT, env={**os.environ, "LOAD_STATE": str(state_path), "LOAD_OUT": str(out)},
            stdout=open(out / "locust.log", "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
            timeout=args.run_time + 300, check=False,
        )
        seconds = time.perf_counter() - load_start
        web_cpu = cpu_seconds(server.process.pid)
        server.stop()
        server = None
        print(f"load finished in {seconds:.0f} s (locust exit {locust.returncode})")
        table = report(read_stats(out / "locust"), seconds)
        served = next((row["requests"] for row in table if row["endpoint"] == "TOTAL"), 0)
        if served:
            print(f"gunicorn used {web_cpu:.0f} s of CPU for {served} requests: {1000 * web_cpu / served:.0f} ms "
                  f"per request, i.e. about {served / web_cpu:.0f} requests/s per core it would have to itself "
                  f"(the machine is shared: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        with open(out / "locust_failures.csv", newline="") as handle:
            failures = list(csv.DictReader(handle))
        for row in failures[:20]:
            print(f"  failure: {row['Method']} {row['Name']}: {row['Error'][:120]} x{row['Occurrences']}")

        checks = run_json(env, [me, "--step", "verify", "--state", str(state_path), "--out", str(out)], timeout=900)
        server_errors = sum(int(number(row["Occurrences"])) for row in failures
                            if "HTTP 5" in row["Error"] or "HTTP 0" in row["Error"] or "Connection" in row["Error"])
        checks["requests answered 5xx or not at all"] = server_errors
        checks["no server error, every request answered"] = server_errors == 0
        all_ok = print_checks("after the load", checks)
        load_average = os.getloadavg()
        (out / "summary.json").write_text(json.dumps({
            "users": args.users, "run_time": args.run_time, "gunicorn": f"{args.workers}x{args.threads}",
            "seconds": seconds, "endpoints": table, "checks": checks, "all_ok": all_ok, "gunicorn_cpu_seconds": web_cpu,
            "load_average_after": load_average, "cpus": os.cpu_count(),
        }, indent=2))
        print(f"\nall checks {'passed' if all_ok else 'FAILED'}; results in {out.relative_to(ROOT)}")
    finally:
        if server:
            server.stop()
        for process in (beat, worker):
            if process:
                stop(process)
        (out / "state.json").unlink(missing_ok=True)  # session keys
        shutil.rmtree(out / "keys", ignore_errors=True)  # the trustees' key files
        shutil.rmtree(out / "media", ignore_errors=True)
        shutil.rmtree(out / "private", ignore_errors=True)
        subprocess.run(["redis-cli", "-u", args.redis_url, "FLUSHDB"], check=False, stdout=subprocess.DEVNULL)
        if not args.keep_db:
            drop_database(args.admin_url, DATABASE)
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
