"""Test settings: fast hashing, in-memory cache and mail, Celery inline.

The database is SQLite unless DATABASE_URL is set (CI sets it to PostgreSQL).
"""

import os

from .base import *  # noqa: F403

SERVE_MEDIA = True
DEBUG = False
SECRET_KEY = "parvis-tests-only"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Off by default, so other tests see every change at once; tests/parvis/test_page_cache.py turns it on.
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"},
}
PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 0, "SHARED": False}
# A real worker started by tests/test_celery_worker.py reads its broker and mail
# backend from the environment; the test process itself runs tasks inline.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
MEDIA_ROOT = BASE_DIR / "media" / "test"  # noqa: F405
PRIVATE_ROOT = BASE_DIR / "private" / "test"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
# Django's test client logs in without a request, which axes refuses: the
# login-throttling tests (tests/accounts/test_login_throttling.py) turn it on.
AXES_ENABLED = False
# Serve static files from the apps and site/ directly (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Wagtail 8 autosaves edit forms every 500 ms; on a busy CI machine an autosave that creates the page
# races a browser test's "Publish" on the creation form (the page then exists twice: "this council
# already has a page"). The journeys test publishing, not autosave.
WAGTAIL_AUTOSAVE_INTERVAL = 0

# Web push: the real worker started by tests/notices/test_push_worker.py reads these from its environment.
# Loopback is never allowed by default (notices/subscriptions.py); only the tests' local push service is.
PUSH_ALLOWED_HOSTS = [host for host in os.environ.get("PARVIS_TEST_PUSH_ALLOWED_HOSTS", "").split(",") if host]
PUSH_RETRY_DELAYS = [int(delay) for delay in os.environ.get("PARVIS_TEST_PUSH_RETRY_DELAYS", "30,120,600").split(",")]
