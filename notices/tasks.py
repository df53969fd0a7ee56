"""Celery tasks of notices: deliver a notice to a chunk of residents, push it to a chunk of subscriptions, retry one.

Pushing goes by chunks of subscriptions (``fanout.CHUNK``), not one task per
subscription: a task per message cost more in Celery round trips and database
queries than the encryption and the request themselves. Retries stay per
subscription: every push that failed in a chunk gets its own ``send_push``
task, with the backoff of ``PUSH_RETRY_DELAYS``, as before.
"""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import fanout, push, services
from .exceptions import InvalidSubscription, PushFailed, PushGone
from .models import Notice, PushSubscription

@shared_task(acks_late=True)
def deliver_notice(*, notice_id: int, user_ids: list[int]) -> int:
    """Centre entries for these residents, then push tasks for the subscriptions that may be pushed today."""
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None:
        return 0
    subscription_ids = services.deliver(notice=notice, user_ids=user_ids)
    if push.push_available():
        for start in range(0, len(subscription_ids), fanout.CHUNK):
            send_pushes.delay(subscription_ids=subscription_ids[start : start + fanout.CHUNK], notice_id=notice_id)
    return len(subscription_ids)


def _push_later(*, subscription_id: int, notice_id: int, retries: int) -> None:
    """Queue ``send_push`` for one subscription, ``retries`` attempts already made, after the first backoff delay.

    Inline (no broker) the countdown is ignored and it runs at once, as send_push's own retries do.
    """
    delays = settings.PUSH_RETRY_DELAYS
    if retries > len(delays):
        return  # dropped; the notice stays in the centre
    send_push.apply_async(kwargs={"subscription_id": subscription_id, "notice_id": notice_id},
                          countdown=delays[0] if delays else 0, retries=retries)


@shared_task(acks_late=True)
def send_pushes(*, subscription_ids: list[int], notice_id: int) -> dict:
    """Push one notice to a chunk of devices (``fanout.push_chunk``); each failure is retried on its own."""
    notice = Notice.objects.filter(pk=notice_id).first()  # once per chunk: no cache, which SQLite's reused ids could fool
    if notice is None:
        return {}
    result = fanout.push_chunk(notice=notice, subscription_ids=subscription_ids)
    for subscription_id in result.failed:  # tried once: its first retry
        _push_later(subscription_id=subscription_id, notice_id=notice_id, retries=1)
    for subscription_id in result.untried:  # its service did not answer another: its own first try, a little later
        _push_later(subscription_id=subscription_id, notice_id=notice_id, retries=0)
    return {name: len(ids) for name, ids in vars(result).items()}


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_push(self, *, subscription_id: int, notice_id: int) -> str:
    """Push one notice to one device: a retry after a failure in a chunk (``request.retries`` attempts so far).

    Gone (404/410): the subscription is deleted. A timeout or failure is
    retried with exponential backoff (``PUSH_RETRY_DELAYS``), then dropped;
    the notice stays in the centre either way.
    """
    subscription = fanout.pushable_subscriptions([subscription_id]).first()
    notice = Notice.objects.filter(pk=notice_id).first()
    if subscription is None or notice is None:
        return "skipped"  # consent withdrawn (subscriptions deleted) or deleted meanwhile
    try:
        push.send(subscription=subscription, payload=notice.payload())
    except PushGone:
        subscription.delete()
        return "deleted"
    except InvalidSubscription:
        return "refused"
    except PushFailed:
        delays = settings.PUSH_RETRY_DELAYS
        if self.request.retries >= len(delays):
            return "dropped"
        if self.request.is_eager:
            # Embedded default (no broker): Celery cannot delay an inline retry, so it runs at once.
            return send_push.apply(kwargs={"subscription_id": subscription_id, "notice_id": notice_id},
                                   retries=self.request.retries + 1).result
        raise self.retry(countdown=delays[self.request.retries]) from None
    if notice.topic not in services.TRACELESS_TOPICS:
        PushSubscription.objects.filter(pk=subscription.pk).update(last_success=timezone.now())
    return "sent"
