"""Test settings: fast hashing, in-memory cache and mail, Celery inline.

The database is SQLite unless DATABASE_URL is set (CI sets it to PostgreSQL).
"""

from .base import *  # noqa: F403

SERVE_MEDIA = True
DEBUG = False
SECRET_KEY = "parvis-tests-only"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
MEDIA_ROOT = BASE_DIR / "media" / "test"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
