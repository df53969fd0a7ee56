"""Development settings: the embedded default served by ``make run``."""

from .base import *  # noqa: F403

SERVE_MEDIA = True
DEBUG = True
# A fixed key is fine here: dev settings are never used to serve real residents.
SECRET_KEY = "django-insecure-parvis-development-only"  # noqa: S105
# ".localhost": the demo territory's sites (load_demo --territory) answer at brissac.localhost and the like.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", ".localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Serve static files from the apps and site/ directly (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
