"""Production settings plus the one thing the push benchmark needs: its local push service on 127.0.0.1.

``PUSH_ALLOWED_HOSTS`` is empty in production (endpoints on private or
loopback addresses are refused); ``bench/push_notify.py`` sends to a push
service of its own on 127.0.0.1, so it names that host here, and only here.
"""

from parvis.settings.production import *  # noqa: F403

PUSH_ALLOWED_HOSTS = ["127.0.0.1"]
