"""Voting codes mailed by post: printing the letters, checking a code, voting with one.

    .venv/bin/python bench/voting_codes.py [--sizes 2000,10000] [--render 100000] [--votes 200]

Method. A fresh PostgreSQL database (``parvis_bench_codes``) gets the
migrations; every measurement runs in its own subprocess under
``parvis.settings.production`` (DEBUG off, Redis cache), so its peak RSS
(``ru_maxrss``) is that step's alone.

* ``letters`` (per size N): a roll of N electors with addresses (bulk
  inserted, not timed), a roll-based contest sealed by its trustees' key
  ceremony; then ``services.letters.run_letters`` prints the whole run
  (batches of 500 letters: issue and hash the codes, render the PDF, store
  it, one transaction each). Reported: seconds, letters (= PDF pages) per
  second, the share of that time spent in the argon2id hashes, and the peak
  RSS growth during the run: flat means it does not grow with N.
* ``render`` (M pages): the PDF rendering alone (``voting.letters.render``,
  batches of 500 pages to memory, as the run does), no database and no
  hash: the rendering's own pages/s and memory at 100,000 letters.
* ``votes`` (V voters): in-process, through Django's full request stack
  (test client, production settings): V signed-in votes (``POST
  /vote/<pk>/voter/`` of the resident's session, ballots encrypted
  beforehand) against V votes with a code (``POST /vote/<pk>/code/`` with
  the code and birth date, then ``POST /vote/<pk>/code/voter/``), and
  ``services.codes.check_code`` alone per attempt: right code, wrong
  secret, unknown code, and an attempt refused by the rate limit (which
  must cost no hash). The signed-in row is the same vote as
  ``bench/voting_cast.py``'s, measured in-process rather than through
  gunicorn, so the ratio compares like with like.

Loopback only; every loop is bounded by its count.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import (  # noqa: E402
    ADMIN_URL,
    create_database,
    database_url,
    drop_database,
    migrate,
    peak_rss_mib,
    production_env,
    run_json,
)

DATABASE = "parvis_bench_codes"
FAMILY = ["Martin", "Lefèvre", "Dupré", "Œuvrard", "D’Ornano", "Le Goff", "N'Diaye", "Saint-Exupéry", "Noël"]
GIVEN = ["Marie", "Jean", "Hélène", "Zoé", "Gaëtan", "Loïc", "Françoise Anne"]


def _django():
    import django

    django.setup()


def _roll(size: int, seed: int):
    from voting.models import RollEntry, VoterRoll
    from voting.normalize import name_key

    rng = random.Random(seed)
    roll = VoterRoll.objects.create(name=f"Bench {size}", status=VoterRoll.Status.READY, roll_hash="0" * 64)
    origin = date(1925, 1, 1)
    batch = []
    for number in range(size):
        family = rng.choice(FAMILY)
        batch.append(RollEntry(
            roll=roll, family_name=family, given_names=rng.choice(GIVEN), match_name=name_key(family),
            birth_date=origin + timedelta(days=rng.randrange(30000)), polling_station=f"{rng.randrange(1, 40):03d}",
            postcode="49000", address=f"{rng.randrange(1, 250)} rue des Lilas", town="Angers",
        ))
        if len(batch) == 5000:
            RollEntry.objects.bulk_create(batch)
            batch.clear()
    RollEntry.objects.bulk_create(batch)
    return roll


def _contest(roll, title: str, key_folder: Path, **fields):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from bench._support import open_sealed_contest
    from voting.models import Contest

    User = get_user_model()
    password = make_password(None)
    trustees = User.objects.bulk_create(
        [User(username=f"trustee-{title}-{i}", email=f"t{i}@example.org", password=password) for i in range(3)])
    eligibility = Contest.Eligibility.ROLL if roll else Contest.Eligibility.RESIDENTS
    return open_sealed_contest(title, trustees, key_folder=key_folder, eligibility=eligibility, roll=roll, **fields)


def step_letters(args) -> dict:
    _django()
    from voting.models import LetterRun
    from voting.services import codes, letters

    contest = _contest(_roll(args.size, args.size), f"letters{args.size}", Path(args.keys))
    run = LetterRun.objects.create(contest=contest, total=args.size)
    hashing = [0.0]
    make_password = codes.make_password

    def timed(*a, **kw):
        start = time.perf_counter()
        try:
            return make_password(*a, **kw)
        finally:
            hashing[0] += time.perf_counter() - start

    codes.make_password = timed
    rss = peak_rss_mib()
    start = time.perf_counter()
    run = letters.run_letters(run=run)
    seconds = time.perf_counter() - start
    storage = LetterRun.storage()
    size = sum(storage.size(name) for name in run.files)
    assert run.status == LetterRun.Status.DONE and run.done == args.size, run.status
    return {"size": args.size, "seconds": seconds, "per_second": args.size / seconds, "hash_seconds": hashing[0],
            "files": len(run.files), "megabytes": size / 2**20, "rss_before": rss, "peak": peak_rss_mib(),
            "growth": peak_rss_mib() - rss}


def step_render(args) -> dict:
    _django()
    import io

    from django.utils import translation

    from voting import letters as pdf
    from voting.services.letters import BATCH_SIZE

    context = pdf.LetterContext(sender="Ville d’Angers", title="Référendum du marché", question="Faut-il piétonniser ?",
                                opens="1 mars 2027 08:00", closes="14 mars 2027 20:00",
                                url="https://participer.ville.fr/vote/12/code/")
    rss = peak_rss_mib()
    start = time.perf_counter()
    pages = total_bytes = 0
    with translation.override("fr"):
        while pages < args.size:
            count = min(BATCH_SIZE, args.size - pages)
            buffer = io.BytesIO()
            pages += pdf.render(buffer, context, (pdf.Letter(
                address=(f"Marie Anne DUPRÉ {n}", "3 rue des Lilas", "49000 ANGERS"), code="K7QM-4XRT-9PMW-H3ND")
                for n in range(count)))
            total_bytes += buffer.tell()
    seconds = time.perf_counter() - start
    return {"size": pages, "seconds": seconds, "per_second": pages / seconds, "megabytes": total_bytes / 2**20,
            "rss_before": rss, "peak": peak_rss_mib(), "growth": peak_rss_mib() - rss}


def step_votes(args) -> dict:
    _django()
    from django.test import Client

    from bench._support import bulk_residents, encrypted_ballots, login_sessions
    from django.conf import settings
    from voting.models import Participation
    from voting.services import codes

    keys = Path(args.keys)
    voters = args.votes
    signed_in = _contest(None, "signed-in", keys)
    sessions = login_sessions(bulk_residents("voter", voters))
    roll = _roll(voters, 7)
    by_code = _contest(roll, "codes", keys)
    # The codes in clear, as the letters print them (the letters themselves are measured by step_letters).
    from django.db import transaction

    with transaction.atomic():
        issued = codes.issue_codes(contest=by_code, entries=list(roll.entries.order_by("pk")))
    choices = [str(o["id"]) for o in signed_in.manifest["options"]]
    ballots_in = encrypted_ballots(signed_in, [random.choice(choices) for _ in range(voters)])
    code_choices = [str(o["id"]) for o in by_code.manifest["options"]]
    ballots_code = encrypted_ballots(by_code, [random.choice(code_choices) for _ in range(voters)])

    client = Client(HTTP_HOST="127.0.0.1")
    walls_in = []
    for session, ballot in zip(sessions, ballots_in):
        client.cookies.clear()
        client.cookies[settings.SESSION_COOKIE_NAME] = session["session"]
        start = time.perf_counter()
        response = client.post(f"/vote/{signed_in.pk}/voter/", ballot, secure=True)
        walls_in.append(time.perf_counter() - start)
        assert "/recu/" in response["Location"], response["Location"]
    walls_code, walls_check = [], []
    for item, ballot in zip(issued, ballots_code):
        client.cookies.clear()
        start = time.perf_counter()
        response = client.post(f"/vote/{by_code.pk}/code/", {"code": item.printed,
                                                             "birth_date": item.entry.birth_date.isoformat()},
                               secure=True, REMOTE_ADDR=f"10.0.{len(walls_code) // 250}.{len(walls_code) % 250}")
        middle = time.perf_counter()
        assert response.status_code == 302, response.status_code
        response = client.post(f"/vote/{by_code.pk}/code/voter/", ballot, secure=True)
        walls_code.append(time.perf_counter() - start)
        walls_check.append(middle - start)
        assert "/recu/" in response["Location"], response["Location"]
    assert Participation.objects.filter(contest=by_code).count() == voters

    # check_code alone, per attempt (a fresh contest's codes are all unused: the voted ones would refuse).
    attempts = {"right": [], "wrong secret": [], "unknown code": [], "rate-limited": []}
    from django.core.cache import cache

    for item in issued[: min(100, voters)]:
        wrong = item.code[:-1] + ("0" if item.code[-1] != "0" else "1")
        for name, code in (("wrong secret", wrong), ("unknown code", "ZZZZZZ" + item.code[6:])):
            start = time.perf_counter()
            try:
                codes.check_code(contest=by_code, code=code, birth_date=item.entry.birth_date, source="192.0.2.1")
            except codes.CodeRefused:
                pass
            attempts[name].append(time.perf_counter() - start)
            cache.clear()
    for item in issued[: min(100, voters)]:
        start = time.perf_counter()
        try:
            codes.check_code(contest=by_code, code=item.code, birth_date=item.entry.birth_date)
        except codes.AlreadyVoted:  # they all voted above: the hash and the participation lookup both ran
            pass
        attempts["right"].append(time.perf_counter() - start)
    for number in range(codes.MAX_ATTEMPTS_PER_SOURCE):  # a guesser's address, blocked after its failures
        try:
            codes.check_code(contest=by_code, code=f"{number:06d}" + "Z" * 10, birth_date=None, source="192.0.2.9")
        except (codes.CodeRefused, codes.TooManyAttempts):
            pass
    for _ in range(100):
        start = time.perf_counter()
        try:
            codes.check_code(contest=by_code, code=issued[0].code, birth_date=None, source="192.0.2.9")
        except codes.TooManyAttempts:
            pass
        else:
            raise AssertionError("the rate limit let an attempt through")
        attempts["rate-limited"].append(time.perf_counter() - start)
    return {
        "voters": voters,
        "signed_in_ms": 1000 * statistics.mean(walls_in), "code_ms": 1000 * statistics.mean(walls_code),
        "code_check_request_ms": 1000 * statistics.mean(walls_check),
        "attempts_ms": {name: 1000 * statistics.mean(values) for name, values in attempts.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--render", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=200)
    parser.add_argument("--step")
    parser.add_argument("--size", type=int)
    parser.add_argument("--keys")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    args = parser.parse_args()
    if args.step:
        result = {"letters": step_letters, "render": step_render, "votes": step_votes}[args.step](args)
        print(json.dumps(result))
        return

    private = tempfile.mkdtemp(prefix="parvis-bench-codes-")
    env = production_env(database_url(args.admin_url, DATABASE), PRIVATE_ROOT=private, MEDIA_ROOT=private)
    script = str(Path(__file__).resolve())
    create_database(args.admin_url, DATABASE)
    try:
        migrate(env)
        keys = ["--keys", str(Path(private) / "keys")]
        print("Letters (whole pipeline: codes issued and hashed, PDF rendered and stored, batches of 500)")
        print(f"{'electors':>9} {'seconds':>8} {'letters/s':>9} {'hashing':>8} {'files':>5} {'MiB':>6} "
              f"{'RSS peak':>8} {'growth':>7}")
        for size in (int(s) for s in args.sizes.split(",") if s):
            r = run_json(env, [script, "--step", "letters", "--size", str(size), *keys], timeout=7200)
            print(f"{r['size']:>9} {r['seconds']:>8.1f} {r['per_second']:>9.1f} {100 * r['hash_seconds'] / r['seconds']:>7.0f}% "
                  f"{r['files']:>5} {r['megabytes']:>6.1f} {r['peak']:>7.0f}M {r['growth']:>6.1f}M")
        if args.render:
            r = run_json(env, [script, "--step", "render", "--size", str(args.render), *keys], timeout=7200)
            print(f"Rendering alone: {r['size']} pages in {r['seconds']:.1f} s = {r['per_second']:.0f} pages/s, "
                  f"{r['megabytes']:.0f} MiB of PDF, RSS peak {r['peak']:.0f} MiB (growth {r['growth']:.1f} MiB)")
        if args.votes:
            r = run_json(env, [script, "--step", "votes", "--votes", str(args.votes), *keys], timeout=7200)
            print(f"Votes, in-process, {r['voters']} each: signed-in {r['signed_in_ms']:.1f} ms/vote "
                  f"({1000 / r['signed_in_ms']:.0f} votes/s), with a code {r['code_ms']:.1f} ms/vote "
                  f"({1000 / r['code_ms']:.0f} votes/s; of which the code's check request {r['code_check_request_ms']:.1f} ms); "
                  f"ratio {r['code_ms'] / r['signed_in_ms']:.2f}")
            print("check_code per attempt: " + ", ".join(f"{k} {v:.2f} ms" for k, v in r["attempts_ms"].items()))
    finally:
        drop_database(args.admin_url, DATABASE)


if __name__ == "__main__":
    main()
