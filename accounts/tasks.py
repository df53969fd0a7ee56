"""Celery tasks of resident accounts."""

from celery import shared_task
from django.contrib.auth import get_user_model

from .notifications import Message, channels


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notifications(*, user_ids: list[int], message: dict) -> int:
    """Deliver one notification to each user through every channel; SMTP hiccups are retried."""
    note = Message(**message)
    sent = 0
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True):
        for channel in channels():
            channel.send(user=user, message=note)
        sent += 1
    return sent
