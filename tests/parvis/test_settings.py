"""Production is configuration only, and Django's deployment checklist is clean."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "parvis.settings.production",
    "SECRET_KEY": "k3y-" + "x7Qp9vLr2TzW8mNc4bYf6hJd1sGa5eKu0oIiRtPlMnBvCxZq",
    "ALLOWED_HOSTS": "participer.ville.example",
    "DATABASE_URL": "postgres://parvis@127.0.0.1:5432/parvis",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args, env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a deployment check.
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_warning_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_refuses_sqlite_and_a_missing_broker():
    sqlite = manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///tmp/x.sqlite3"})
    assert sqlite.returncode != 0 and "PostgreSQL" in sqlite.stderr
    no_broker = manage("check", env={**PRODUCTION_ENV, "CELERY_BROKER_URL": ""})
    assert no_broker.returncode != 0 and "CELERY_BROKER_URL" in no_broker.stderr


def test_embedded_default_runs_celery_tasks_inline():
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.LANGUAGE_CODE == "fr"
