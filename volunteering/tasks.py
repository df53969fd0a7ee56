"""Celery tasks of the volunteering space: thin wrappers around the services' e-mails.

Each renders the messages from the rows as they are when it runs, then
queues one ``home.tasks.send_email`` per recipient (delivery, with its SMTP
retries, happens there), so a retry never e-mails the same person twice.
"""

from celery import shared_task

from . import services


@shared_task
def send_offer_emails(*, offer_id: int, event: str) -> int:
    """E-mail both sides about an offer (offered, accepted, declined, withdrawn); return how many messages."""
    return services.send_offer_emails(offer_id=offer_id, event=event)


@shared_task
def send_association_emails(*, association_id: int, event: str, user_id: int | None = None) -> int:
    """E-mail moderators or representatives about an association (submitted, approved, refused, new representative)."""
    return services.send_association_emails(association_id=association_id, event=event, user_id=user_id)
