"""The Celery application.

Worker: ``celery -A parvis worker -l info``; beat: ``celery -A parvis beat -l info``.
Without ``CELERY_BROKER_URL`` tasks run inline (``task_always_eager``), which is
the embedded default used by ``make run`` and the tests.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings.dev")

app = Celery("parvis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
