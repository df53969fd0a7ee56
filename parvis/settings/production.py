"""Production settings: configuration comes from environment variables only.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL), CELERY_BROKER_URL
(Redis). Optional: REDIS_URL (cache, defaults to the broker), EMAIL_HOST,
EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
DEFAULT_FROM_EMAIL, SECURE_SSL_REDIRECT, WAGTAILADMIN_BASE_URL, MEDIA_ROOT,
TRUSTED_PROXY_COUNT, PAGE_CACHE_SECONDS, FRONTEND_CACHE_PURGE_URL.
See the README for a complete example.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from parvis.cache import RATE_LIMIT_KEY_PREFIXES

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES


def env(name: str, default: str | None = None) -> str:
    """Return the variable, or fail loudly at start-up rather than serve half-configured."""
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ImproperlyConfigured(f"Set the {name} environment variable (see README, 'Production').")
    return value


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in env("ALLOWED_HOSTS").split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS]

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" and not env_bool(
    "ALLOW_NON_POSTGRES", False
):
    raise ImproperlyConfigured("Production needs DATABASE_URL=postgres://… (PostgreSQL).")
if not CELERY_BROKER_URL:
    raise ImproperlyConfigured("Set the CELERY_BROKER_URL environment variable (Redis).")

# Redis down must not take the site down (bench/faults/README.md): reads miss, writes are
# dropped, except the rate limits that guard against guessing, which answer 503 "retry".
CACHES = {
    "default": {
        "BACKEND": "parvis.cache.ResilientRedisCache",
        "LOCATION": os.environ.get("REDIS_URL", CELERY_BROKER_URL),
        "OPTIONS": {
            "STRICT_KEY_PREFIXES": RATE_LIMIT_KEY_PREFIXES,
            "socket_connect_timeout": 2,
            "socket_timeout": 2,
        },
    },
    # Anonymous visitors' pages (pagecache), same Redis: bounded by their lifetime (PAGE_CACHE_SECONDS,
    # at most until the next phase change) and by the site's pages (only existing pages, without query string).
    "pages": {
        "BACKEND": "parvis.cache.ResilientRedisCache",
        "LOCATION": os.environ.get("REDIS_URL", CELERY_BROKER_URL),
        "KEY_PREFIX": "pages",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    # Wagtail looks image renditions up here before the database (one query less per page with pictures).
    "renditions": {
        "BACKEND": "parvis.cache.ResilientRedisCache",
        "LOCATION": os.environ.get("REDIS_URL", CELERY_BROKER_URL),
        "KEY_PREFIX": "renditions",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
}
# Sessions live in the database only (one indexed read per request): a resident stays logged
# in while Redis is down, and a logout can never be undone by a cache that comes back stale.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "parvis.storage.StaticStorage"},
}

# HTTPS everywhere. Behind a TLS-terminating proxy, it must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# Reverse proxies in front of the web process (load balancer, nginx…): how many
# append to X-Forwarded-For. Per-client limits (login lockout, roll matching,
# contact forms) count against the address the first of them saw; 0 trusts
# no header. See common.http.client_ip.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# A reverse proxy or CDN in front (deploy/varnish.vcl): anonymous pages are sent "public, s-maxage=…"
# and purged on publishing by PURGE requests to FRONTEND_CACHE_PURGE_URL (e.g. http://127.0.0.1:6081).
PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": int(os.environ.get("PAGE_CACHE_SECONDS", "300"))}
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
        }
    }

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
SERVER_EMAIL = DEFAULT_FROM_EMAIL  # noqa: F405

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
