"""Celery tasks of notices: deliver a notice to a chunk of residents, push it to one subscription."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import push, services
from .exceptions import InvalidSubscription, PushFailed, PushGone
from .models import Notice, PushSubscription


_NOTICES: dict[int, Notice] = {}


def _notice(notice_id: int) -> Notice | None:
    """A notice never changes once published: a worker reads it once for its thousands of pushes."""
    if notice_id not in _NOTICES:
        notice = Notice.objects.filter(pk=notice_id).first()
        if notice is None:
            return None
        if len(_NOTICES) >= 64:
            _NOTICES.clear()
        _NOTICES[notice_id] = notice
    return _NOTICES[notice_id]


@shared_task(acks_late=True)
def deliver_notice(*, notice_id: int, user_ids: list[int]) -> int:
    """Centre entries for these residents, then one push task per subscription that may be pushed today."""
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None:
        return 0
    subscription_ids = services.deliver(notice=notice, user_ids=user_ids)
    if push.push_available():
        for subscription_id in subscription_ids:
            send_push.delay(subscription_id=subscription_id, notice_id=notice_id)
    return len(subscription_ids)


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_push(self, *, subscription_id: int, notice_id: int) -> str:
    """Push one notice to one device.

    Gone (404/410): the subscription is deleted. A timeout or failure is
    retried with exponential backoff (``PUSH_RETRY_DELAYS``), then dropped;
    the notice stays in the centre either way.
    """
    subscription = PushSubscription.objects.filter(pk=subscription_id, user__notice_preferences__push_enabled=True).first()
    notice = _notice(notice_id)
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
