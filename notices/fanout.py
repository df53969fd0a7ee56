"""Pushing one notice to a chunk of subscriptions, with the database work done once per chunk.

A delivery task queues its subscriptions in chunks of :data:`CHUNK`. A chunk
reads its subscriptions in one query, resolves each push service's host once
(the same check as :func:`subscriptions.check_endpoint`), encrypts and sends
each message for its own subscription, then deletes the gone ones in one
query and stamps the successes in another. A failed push is not retried here:
the task retries each one as its own ``send_push`` task, with the backoff of
``PUSH_RETRY_DELAYS``. A push service that does not answer (timeout, refused
connection) is not tried again in this chunk: its other subscriptions go to
their own tasks after the first delay, so one dead service never holds a chunk for
``PUSH_TIMEOUT`` per subscription.
"""

import json
from dataclasses import dataclass, field

from django.utils import timezone

from . import push
from .exceptions import InvalidSubscription, PushFailed, PushGone, PushUnreachable
from .models import Notice, PushSubscription
from .services import TRACELESS_TOPICS
from .subscriptions import check_endpoint

CHUNK = 100  # subscriptions per push task: short tasks (a redelivery repeats little), many for the worker's threads


@dataclass
class ChunkResult:
    """What became of each subscription of a chunk (ids)."""

    sent: list[int] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)  # deleted
    refused: list[int] = field(default_factory=list)  # endpoint no longer acceptable (e.g. now a private address)
    failed: list[int] = field(default_factory=list)  # tried once: to retry after the first delay
    untried: list[int] = field(default_factory=list)  # their push service did not answer another: to try on their own


def pushable_subscriptions(subscription_ids: list[int]):
    """The subscriptions among these whose owner still has push on (consent may have been withdrawn since)."""
    return (PushSubscription.objects.filter(pk__in=subscription_ids, user__notice_preferences__push_enabled=True)
            .only("pk", "endpoint", "p256dh", "auth").order_by("pk"))


def push_chunk(*, notice: Notice, subscription_ids: list[int], now=None) -> ChunkResult:
    """Push the notice to these subscriptions; see the module's docstring."""
    result = ChunkResult()
    payload = json.dumps(notice.payload(), ensure_ascii=False)
    public_hosts: set = set()
    unreachable: set[str] = set()
    for subscription in pushable_subscriptions(subscription_ids):
        origin = push.origin_of(subscription.endpoint)
        if origin in unreachable:
            result.untried.append(subscription.pk)
            continue
        try:
            check_endpoint(subscription.endpoint, public_hosts=public_hosts)
            push.send(subscription=subscription, payload=payload, check=False)
        except InvalidSubscription:
            result.refused.append(subscription.pk)
        except PushGone:
            result.gone.append(subscription.pk)
        except PushFailed as error:
            result.failed.append(subscription.pk)
            if isinstance(error, PushUnreachable):
                unreachable.add(origin)
        else:
            result.sent.append(subscription.pk)
    if result.gone:
        PushSubscription.objects.filter(pk__in=result.gone).delete()
    if result.sent and notice.topic not in TRACELESS_TOPICS:
        PushSubscription.objects.filter(pk__in=result.sent).update(last_success=now or timezone.now())
    return result
