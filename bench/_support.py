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


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1..99), 0.0 for an empty list."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
