"""Settings shared by every environment.

Only wiring lives here. Anything that differs between a laptop and a town's
servers is read from the environment in ``production.py``; the embedded
default (SQLite, Celery tasks run inline) needs no variable at all.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "parvis"
SHELL_DIR = BASE_DIR / "site"  # templates and static files of the site shell

INSTALLED_APPS = [
    "home",
    "councils",
    "accounts",  # before allauth, so its templates restyle allauth's pages
    "budget",
    "voting",
    "volunteering",
    "notices",
    "territories",
    "pagecache",  # anonymous visitors' page cache and shared fragments
    "demo",  # manage.py load_demo: the demo town, composed from every app's own demo
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",  # purges a reverse proxy in front when WAGTAILFRONTENDCACHE is set
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",  # FranceConnect (accounts/franceconnect)
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "territories.middleware.UnknownHostMiddleware",  # before the page cache: made-up hosts never fill it
    "pagecache.middleware.PageCacheMiddleware",  # after the language is known, before CSRF and sessions
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into its own response
]

ROOT_URLCONF = "parvis.urls"
WSGI_APPLICATION = "parvis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SHELL_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in production, and in CI), else SQLite.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: French first, English available for every UI string.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static and media files. WhiteNoise serves static files from the web process,
# so the site needs no CDN (residents' privacy) and no extra server.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [SHELL_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Uploads holding personal data (electoral rolls) live outside MEDIA_ROOT, never served.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", BASE_DIR / "private"))
SERVE_MEDIA = False  # dev and test serve uploads themselves; production leaves it to the web server
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: Django refuses bigger request bodies before any view runs.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery. Without a broker, tasks run inline in the web process (embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a crashed worker's task is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker was killed (SIGKILL, OOM, lost machine) stays unacknowledged in Redis and
# goes to another worker after this delay (kombu's default: one hour). Keep it above the longest
# task (a 1.2M-row roll import takes a few minutes), or a slow task would be run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900"))}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "proclaim-due-contests": {"task": "voting.tasks.proclaim_due_contests", "schedule": 60.0},
    "chain-waiting-ballots": {"task": "voting.tasks.chain_waiting_ballots", "schedule": 30.0},
    "send-vote-notices": {"task": "councils.tasks.send_vote_notices", "schedule": 300.0},
    "announce-budget-phases": {"task": "budget.tasks.announce_budget_phases", "schedule": 300.0},
}

# Anonymous visitors' page cache (pagecache): a bounded in-process cache here, Redis in production.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages",
              "OPTIONS": {"MAX_ENTRIES": 2000}},
}
PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": int(os.environ.get("PAGE_CACHE_SECONDS", "300"))}
# Web push (notices/push.py). Without a VAPID key push is off; the notification centre still works.
# VAPID_PRIVATE_KEY: base64url of the raw P-256 private key (`python manage.py vapid_keys` makes one).
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:ne-pas-repondre@parvis.localhost")
PUSH_CA_BUNDLE = os.environ.get("PUSH_CA_BUNDLE", "")  # CAs trusted for push services; empty: the system's
PUSH_ALLOWED_HOSTS: list[str] = []  # hosts exempt from the public-address check: tests only, never by default
PUSH_TIMEOUT = 10  # seconds per push request
PUSH_TTL = 24 * 3600  # a phone offline for a day still gets it
PUSH_RETRY_DELAYS = [30, 120, 600]  # backoff after a timeout or failure, then the push is dropped

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail (console by default; production.py reads SMTP settings).
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Parvis <ne-pas-repondre@parvis.localhost>")

# Wagtail
WAGTAIL_SITE_NAME = "Parvis"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000  # refuses decompression bombs
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "mp4", "odt", "pdf", "pptx", "txt", "vtt", "webm", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no call home from the admin

# Resident accounts (django-allauth) and login throttling (django-axes).
# Residents sign in with their e-mail address, which they must confirm; staff
# keep the Wagtail admin's own login at /admin/login/ (username + password).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out client before any password check
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True  # a used address gets the same answer as a new one
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 1  # the sign-up address; see accounts.emails for why
ACCOUNT_RATE_LIMITS = {"signup": "5/m/ip,50/d/ip"}  # allauth also limits failed logins per address
# Sign in with FranceConnect (accounts/franceconnect; README, "FranceConnect"). Off until the town's
# client id is set; FRANCECONNECT_SERVER_URL picks the platform (integration or production).
ACCOUNT_ADAPTER = "accounts.franceconnect.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.franceconnect.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = False  # FranceConnect certifies the person; residents without e-mail take part
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False  # only the ID token, in the session, for the logout's id_token_hint
FRANCECONNECT_CLIENT_ID = os.environ.get("FRANCECONNECT_CLIENT_ID", "")
FRANCECONNECT_SERVER_URL = os.environ.get("FRANCECONNECT_SERVER_URL", "https://fcp-low.integ01.dev-franceconnect.fr/api/v2")
SOCIALACCOUNT_PROVIDERS = {
    "franceconnect": {
        "APPS": [{
            "provider_id": "franceconnect",
            "name": "FranceConnect",
            "client_id": FRANCECONNECT_CLIENT_ID,
            "secret": os.environ.get("FRANCECONNECT_CLIENT_SECRET", ""),
            "settings": {
                "server_url": FRANCECONNECT_SERVER_URL,
                "token_auth_method": "client_secret_post",
            },
        }] if FRANCECONNECT_CLIENT_ID else [],
        "SCOPE": ["openid", "given_name", "family_name", "birthdate", "birthplace", "gender", "preferred_username"],
        "AUTH_PARAMS": {"acr_values": os.environ.get("FRANCECONNECT_ACR_VALUES", "eidas1")},
    },
}
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # a shared town-hall IP never locks everyone out
AXES_USERNAME_CALLABLE = "accounts.security.login_identifier"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # keep failed attempts only: no history of residents' logins
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Behind reverse proxies, the client's address is the one the first of our own
# proxies saw: TRUSTED_PROXY_COUNT of them append to X-Forwarded-For. 0 (the
# default) trusts no header and uses REMOTE_ADDR; a wrong count would let a
# client choose its own address, so production reads it from the environment.
TRUSTED_PROXY_COUNT = 0
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "common.http.client_ip"  # the same address for axes and our own per-address limits


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _inline_style_hash(template: Path) -> str:
    """The CSP hash of the one <style> of a template rendered without a request (the 500 page)."""
    import base64
    import hashlib
    import re

    style = re.search(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    return f"'sha256-{base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()}'" if style else ""


# Content-Security-Policy (django-csp): the public site loads scripts, styles
# and images from itself only. Inline <script>/<style> run only with the
# request's nonce (``request.csp_nonce``), so injected markup cannot execute.
CONTENT_SECURITY_POLICY = {
    # The Wagtail admin (and its page previews, under /admin/) relies on inline
    # scripts and styles of its own: it is staff-only, behind its login, and
    # keeps Django's X-Frame-Options / nosniff headers.
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, *filter(None, [_inline_style_hash(SHELL_DIR / "templates" / "500.html")])],
        # style="" attributes carry data-driven values (a council's colour, a
        # result bar's width). They cannot run script, and any url() they hold
        # is still bound by img-src; <style> elements stay nonce-only.
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        # Videos: the iframe is created only when the resident clicks “play”
        # (site/static/js/parvis.js), from an address home.video.privacy_embed_url
        # built (youtube-nocookie, player.vimeo.com, dailymotion, or a PeerTube
        # instance: any host, hence https: rather than a fixed list).
        "frame-src": ["https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        # The FranceConnect button posts here, then is redirected there: browsers hold redirects to form-action.
        "form-action": [SELF, *([_origin(FRANCECONNECT_SERVER_URL)] if FRANCECONNECT_CLIENT_ID else [])],
        "frame-ancestors": [NONE],
    },
}
