"""Helpers shared by the ballot-engine benchmarks (voting_cast, voting_count, roll_import).

Nothing here talks to anything but 127.0.0.1: a throw-away PostgreSQL
database per benchmark (``parvis_bench_*``, created and dropped with psql),
Redis for the cache, and gunicorn on a free loopback port.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(admin_url: str, database: str) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{database}"


def production_env(database_url: str, settings: str = "parvis.settings.production", **extra: str) -> dict[str, str]:
    """The environment production runs with, pointed at the bench database and Redis DB 14."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(ROOT / "bench" / "results" / "media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def psql(admin_url: str, sql: str) -> None:
    subprocess.run(["psql", admin_url, "-qX", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


def create_database(admin_url: str, database: str) -> None:
    if not database.startswith("parvis_bench_"):
        raise ValueError("bench databases are named parvis_bench_*")
    drop_database(admin_url, database)
    psql(admin_url, f"CREATE DATABASE {database}")


def drop_database(admin_url: str, database: str) -> None:
    if not database.startswith("parvis_bench_"):
        raise ValueError("bench databases are named parvis_bench_*")
    psql(admin_url, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def run_json(env: dict[str, str], argv: list[str], timeout: float) -> dict:
    """Run a Django-configured step in a subprocess; its last stdout line is a JSON object."""
    completed = subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, check=True, timeout=timeout,
                               stdout=subprocess.PIPE, text=True)
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    for line in lines[:-1]:
        print(line)
    return json.loads(lines[-1])


def run_streaming(env: dict[str, str], argv: list[str], *, timeout: float = 7200) -> bool:
    """Run a measuring child, echoing its report as it goes; True if it exited 0 and its last line says ``{"ok": true}``."""
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    last = ""
    for line in process.stdout:
        if line.startswith('{"ok"'):
            last = line
        else:
            print(line, end="", flush=True)
    process.wait(timeout=timeout)
    return process.returncode == 0 and json.loads(last or "{}").get("ok", False)


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1..99), 0.0 for an empty list."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# --------------------------------------------------------------------------- Django-configured helpers
# (call them after django.setup(), from a benchmark's setup or verify step)


def bulk_residents(prefix: str, count: int, *, password_hash: str | None = None, batch_size: int = 1000) -> list:
    """``count`` active accounts ``<prefix>NNNNNN`` with a confirmed e-mail, inserted in bulk (bench only).

    Creating them through the sign-up form would hash ``count`` passwords
    (about 0.3 s of CPU each with Django's PBKDF2) and send as many
    confirmation e-mails. All accounts share ``password_hash``: pass one
    ``make_password(...)`` computed once when clients must log in through the
    real form (each login then costs one real PBKDF2 check, as in
    production); the default is an unusable password.
    """
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    password_hash = password_hash or make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i:06d}", email=f"{prefix}{i:06d}@example.org", password=password_hash)
         for i in range(count)],
        batch_size=batch_size,
    )
    if apps.is_installed("allauth.account"):
        from allauth.account.models import EmailAddress

        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=batch_size
        )
    return users


def login_sessions(users, *, days: int = 1) -> list[dict]:
    """A logged-in session and a CSRF secret per user: ``[{"user", "session", "csrf"}]``.

    Written straight into the session table and, for ``cached_db``, the
    cache, as ``django.contrib.auth.login`` would store them, so clients can
    skip the login form (the residents "logged in yesterday").
    """
    import secrets
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils import timezone

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    model = store_class.get_model_class()
    backend = "django.contrib.auth.backends.ModelBackend"
    if backend not in settings.AUTHENTICATION_BACKENDS:
        backend = settings.AUTHENTICATION_BACKENDS[-1]
    expire = timezone.now() + timedelta(days=days)
    rows, sessions = [], []
    for user in users:
        key = secrets.token_hex(16)  # 32 chars of [0-9a-f], as SessionStore generates
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: user.get_session_auth_hash()}
        sessions.append(model(session_key=key, session_data=store_class().encode(data), expire_date=expire))
        csrf = "".join(secrets.choice(CSRF_ALLOWED_CHARS) for _ in range(CSRF_SECRET_LENGTH))
        rows.append({"user": user.pk, "session": key, "csrf": csrf})
    model.objects.bulk_create(sessions, batch_size=1000)
    prefix = getattr(store_class, "cache_key_prefix", None)
    if prefix:  # cached_db: login writes the cache too, so the first request does not miss it
        from django.core.cache import cache

        cache.set_many({prefix + s.session_key: store_class().decode(s.session_data) for s in sessions}, 86400 * days)
    return rows


def cookie_names() -> dict:
    """Session and CSRF cookie names and the CSRF header, as clients must send them."""
    from django.conf import settings

    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_header": settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-"),
    }


def draft_contest(title: str, trustees, *, options=("Oui", "Non", "Sans avis"), threshold: int = 2, **fields):
    """A single-choice contest (blank allowed) with ``trustees`` (users) as trustees, not yet frozen.

    It opens in an hour, closes in two weeks; ``fields`` go to ``Contest``.
    """
    from datetime import timedelta

    from django.utils import timezone

    from voting.models import Contest, Option, Trustee

    now = timezone.now()
    fields = {"rule": Contest.Rule.SINGLE, **fields}
    contest = Contest.objects.create(
        title=title, question="Faut-il piétonniser la place du marché ?", allow_blank=True, threshold=threshold,
        opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=14),
        proclaims_at=now + timedelta(days=14, hours=2), **fields,
    )
    for position, label in enumerate(options):
        Option.objects.create(contest=contest, label=label, position=position)
    for number, user in enumerate(trustees):
        Trustee.objects.create(contest=contest, user=user, name=f"Garant {number}")
    return contest


def open_now(contest):
    """Move a sealed contest's opening to a minute ago."""
    from datetime import timedelta

    from django.utils import timezone

    from voting.models import Contest

    Contest.objects.filter(pk=contest.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    contest.refresh_from_db()
    return contest


def open_sealed_contest(title: str, trustees, *, key_folder, options=("Oui", "Non", "Sans avis"), **fields):
    """A single-choice contest (blank allowed, 2-of-n trustees) sealed by its key ceremony, opened a minute ago.

    The trustees' devices are played by ``voting.simulation.run_key_ceremony``
    through the same services and checks as real ones; their key files go to
    ``key_folder`` (sealed with the demo passphrase) so a later step, in
    another process, can decrypt the totals (:func:`decrypt_totals`).
    ``fields`` go to ``Contest`` (e.g. ``eligibility``, ``roll``). The
    benchmarks and the drill all vote in one.
    """
    from voting.simulation import run_key_ceremony

    contest = draft_contest(title, trustees, options=options, **fields)
    run_key_ceremony(contest, key_files=Path(key_folder))
    return open_now(contest)


def decrypt_totals(contest, key_folder) -> None:
    """After the close, the first ``threshold`` trustees' devices decrypt the totals (box closed first).

    Key files from :func:`open_sealed_contest`; the server checks each
    partial decryption's proof before storing it, as for a real trustee.
    """
    from voting.simulation import decrypt_as_trustees, load_secrets

    decrypt_as_trustees(contest, load_secrets(contest, Path(key_folder)))


def encrypted_ballots(contest, choices: list[str]) -> list[dict]:
    """What voters' phones send for these choices (option id as text, or ``"blank"``): ``[{"ballot", "tracker"}]``.

    Encrypted beforehand with ``voting.voter.encrypt_choice`` (the Python
    twin of the browser's crypto.js, same canonical JSON), so the timed part
    of a benchmark measures the server alone.
    """
    from voting.voter import encrypt_choice

    ballots = []
    for choice in choices:
        option_ids = [] if choice == "blank" else [int(choice)]
        ballot, _choices, _nonces = encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key, option_ids)
        ballots.append({"ballot": ballot.to_json(), "tracker": ballot.hash})
    return ballots


def queries_per_url(urls: dict[str, str], host: str = "127.0.0.1") -> dict[str, int]:
    """SQL queries per URL, on the third request (what is kept between requests warm, like a running server)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, path in urls.items():
        for _ in range(2):  # the first may start a content generation, the second fills what is kept
            client.get(path, HTTP_HOST=host)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, HTTP_HOST=host)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        counts[name] = len(captured)
    return counts


def box_checks(contest, successes: list[dict], *, unanswered: int = 0) -> dict:
    """What must hold of a contest's box after clients were told ``successes`` ([{"user", "tracker"}]).

    Every tracker a client was given is in the box exactly once; ballots ==
    participations; at most one success and one participation per voter;
    positions 1..n; each tracker is SHA-256 of its payload; the hash chain
    verifies (``counting.verify_box_chain``); the running encrypted sums
    equal a full re-sum of the stored ballots. ``unanswered`` is how many
    cast requests got no answer (timeout, reset): those votes may be in the
    box without the client knowing, so ballots may exceed successes by at
    most that many; with 0, ballots must equal successes exactly.
    Booleans are checks; other values are figures.
    """
    import hashlib
    import json
    from collections import Counter

    from django.db.models import Count

    from voting import crypto
    from voting.manifest import ballot_shape
    from voting.models import Contest, Participation, Voter
    from voting.services import counting

    checks: dict[str, object] = {}
    # Ballots join the hash chain in batches, by a Celery worker, seconds after they are cast:
    # give the worker time for the last ones, and say how many were waiting.
    waiting = contest.ballots.filter(position__isnull=True)
    checks["ballots waiting for the chain at the check"] = waiting.count()
    start = time.monotonic()
    while waiting.exists() and time.monotonic() - start < 120:
        time.sleep(0.1)
    checks["seconds until the worker had chained them"] = round(time.monotonic() - start, 2)
    checks["every ballot chained by the worker"] = not waiting.exists()
    contest = Contest.objects.get(pk=contest.pk)
    rows = list(contest.ballots.order_by("position").values_list("position", "tracker", "payload"))
    participations = Participation.objects.filter(contest=contest, channel=Participation.Channel.ONLINE).count()
    checks["ballots"] = len(rows)
    checks["participations"] = participations
    checks["successful responses"] = len(successes)
    checks["ballots == participations"] = len(rows) == participations
    extra = len(rows) - len(successes)
    checks["unanswered cast requests"] = unanswered
    if unanswered:
        checks[f"successes <= ballots <= successes + unanswered ({unanswered})"] = 0 <= extra <= unanswered
    else:
        checks["ballots == successful responses"] = extra == 0
    in_box = Counter(tracker for _p, tracker, _payload in rows)
    told = [s["tracker"] for s in successes]
    checks["every tracker told to a client is in the box exactly once"] = all(in_box[t] == 1 for t in told)
    checks["contest.ballot_count == ballots"] = contest.ballot_count == len(rows)
    duplicate_participations = (
        Participation.objects.filter(contest=contest).values("voter").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    duplicate_voters = (
        Voter.objects.filter(contest=contest).exclude(user=None).values("user").annotate(n=Count("id"))
        .filter(n__gt=1).count()
    )
    checks["no duplicate participation/voter"] = duplicate_participations == 0 and duplicate_voters == 0
    users_told = [s["user"] for s in successes]
    checks["at most one success per voter"] = len(set(users_told)) == len(users_told)
    voted_users = set(Participation.objects.filter(contest=contest).values_list("voter__user", flat=True))
    checks["every user told success has participated"] = set(users_told) <= voted_users
    checks["positions 1..n, no gap or duplicate"] = [r[0] for r in rows] == list(range(1, len(rows) + 1))
    checks["tracker == SHA-256(payload)"] = all(
        hashlib.sha256(payload.encode("ascii")).hexdigest() == tracker for _p, tracker, payload in rows
    )
    try:
        counting.verify_box_chain(contest)
        checks["chain verifies (verify_box_chain)"] = True
    except Exception as error:  # report, do not stop the other checks  # noqa: BLE001
        checks["chain verifies (verify_box_chain)"] = False
        checks["chain error"] = str(error)
    n_slots = ballot_shape(contest.manifest).n_slots
    resum = crypto.sum_encoded((json.loads(payload)["ciphertexts"] for _p, _t, payload in rows), n_slots)
    checks["running sums == re-sum of stored ballots"] = list(resum) == counting.encrypted_sums(contest)
    return checks


def print_checks(title: str, checks: dict) -> bool:
    """Print checks (booleans) and figures; return whether every check passed."""
    print(f"  checks ({title}):")
    ok = True
    for name, value in checks.items():
        if isinstance(value, bool):
            ok &= value
            print(f"    {'✓' if value else '✗'} {name}")
        else:
            print(f"      {name}: {value}")
    return ok
