"""Celery tasks of the volunteering space: thin wrappers around the services' e-mails."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_offer_emails(*, offer_id: int, event: str) -> int:
    """E-mail both sides about an offer (offered, accepted, declined, withdrawn); SMTP hiccups are retried."""
    return services.send_offer_emails(offer_id=offer_id, event=event)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_association_emails(*, association_id: int, event: str, user_id: int | None = None) -> int:
    """E-mail moderators or representatives about an association (submitted, approved, refused, new representative)."""
    return services.send_association_emails(association_id=association_id, event=event, user_id=user_id)
