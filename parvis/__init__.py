"""Parvis project package: settings, URLs, WSGI/ASGI and the Celery app.

It is named ``parvis`` rather than ``site`` because Python imports its own
``site`` module at start-up; the site shell (templates, static files) lives in
the top-level ``site/`` folder, which is not a Python package.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
