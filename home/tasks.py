"""Celery tasks of the site: sending e-mail outside the request."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one plain-text e-mail; SMTP hiccups are retried with back-off, never dropped."""
    return send_mail(subject, body, None, recipients)


@shared_task
def purge_reverse_proxy() -> None:
    """Ask the reverse proxy in front to drop every live page (``parvis.pagecache.purge``), off the editor's request.

    Wagtail's HTTP backend waits for each PURGE; a slow or unreachable proxy must not hold a publish.
    """
    from parvis.pagecache.purge import purge_proxy

    purge_proxy()
