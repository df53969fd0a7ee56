"""Celery tasks of the site: sending e-mail outside the request."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one plain-text e-mail; SMTP hiccups are retried with back-off, never dropped."""
    return send_mail(subject, body, None, recipients)

