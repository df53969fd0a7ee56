"""The rules of notices: who hears of what, the no-spam rule, the notification centre.

Announcements come from ``accounts.notifications`` (``NOTIFY_HOOK``, see
``wagtail_hooks.py``) with the whole audience of an event; :func:`publish`
stores one ``Notice`` and, after the commit, Celery tasks give each resident
their centre entry and push it to those who turned push on — at most one
push a day each, unless they asked for more (:func:`claim_push_slots`).

A reminder before a vote closes goes to those who have not voted yet, as
``councils.votes.notices`` computed from participations alone. Like its
e-mail, it leaves no trace of who got it (hence of who had not voted): no
centre entry, no day's slot taken (a resident already pushed today is
skipped), no ``last_success`` stamp; only the push itself, in transit.
"""

from datetime import date
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from pagecache import personal

from .models import TOPIC_PREFERENCES, Notice, Notification, NotificationPreferences, PushSubscription, Topic

CHUNK = 1000  # residents per delivery task
TRACELESS_TOPICS = {Topic.VOTE_REMINDER}  # the audience itself is private: nothing written per resident


def local_path(url: str) -> str:
    """The path (with query and fragment) of a link: pushed links open on this site only."""
    if not url:
        return ""
    parts = urlsplit(url)
    safe = parts.path.startswith("/") and url_has_allowed_host_and_scheme(parts.path, allowed_hosts=None)
    path = parts.path if safe else "/"
    return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def preferences_for(user) -> NotificationPreferences:
    """The resident's preferences; the defaults (unsaved) when they never chose."""
    return NotificationPreferences.objects.filter(user=user).first() or NotificationPreferences(user=user)


def audience_for(topic: str, users: QuerySet) -> QuerySet:
    """Active residents among ``users`` who did not turn this topic off."""
    field = TOPIC_PREFERENCES[topic]
    return users.filter(is_active=True).exclude(**{f"notice_preferences__{field}": False})


def on_announcement(*, topic: str, users: QuerySet, message) -> Notice | None:
    """``NOTIFY_HOOK`` listener: an event of ``topic`` concerns ``users``; publish it to those who want it."""
    if topic not in TOPIC_PREFERENCES:
        return None  # e.g. an idea reviewed: a personal e-mail, not an announcement
    user_ids = list(audience_for(topic, users).values_list("pk", flat=True))
    return publish(topic=topic, title=message.subject, body=message.body, url=message.url, user_ids=user_ids)


def publish(*, topic: str, title: str, body: str, url: str, user_ids: list[int], now=None) -> Notice:
    """Store the notice; after the commit, deliver it to ``user_ids`` in Celery tasks of ``CHUNK`` residents."""
    from .tasks import deliver_notice

    notice = Notice.objects.create(
        topic=topic, title=title[:200], body=body[:1000], url=local_path(url)[:500], created_at=now or timezone.now()
    )
    chunks = [user_ids[start : start + CHUNK] for start in range(0, len(user_ids), CHUNK)]

    def queue():
        for chunk in chunks:
            deliver_notice.delay(notice_id=notice.pk, user_ids=chunk)

    transaction.on_commit(queue)
    return notice


def pushable(*, user_ids: list[int], today: date) -> QuerySet:
    """Preferences of the residents among ``user_ids`` with push on, a device, and today's push still free."""
    return (
        NotificationPreferences.objects.filter(user_id__in=user_ids, push_enabled=True)
        .filter(Q(more_than_daily=True) | Q(last_push_on__isnull=True) | Q(last_push_on__lt=today))
        .filter(user_id__in=PushSubscription.objects.filter(user_id__in=user_ids).values("user_id"))
    )


def claim_push_slots(*, user_ids: list[int], today: date) -> list[int]:
    """The residents among ``user_ids`` who may be pushed now, their day's slot taken.

    Push on, at least one subscription, and no push yet today (or more asked
    for). The rows are locked, so two deliveries at once cannot both claim a
    resident's one push of the day.
    """
    with transaction.atomic():
        claimed = list(pushable(user_ids=user_ids, today=today).select_for_update().values_list("user_id", flat=True))
        NotificationPreferences.objects.filter(user_id__in=claimed).update(last_push_on=today)
    return claimed


def deliver(*, notice: Notice, user_ids: list[int], now=None) -> list[int]:
    """Put the notice in each resident's centre; return the subscriptions to push it to."""
    now = now or timezone.now()
    if notice.topic in TRACELESS_TOPICS:
        users = pushable(user_ids=user_ids, today=timezone.localdate(now)).values("user_id")
        return list(PushSubscription.objects.filter(user_id__in=users).values_list("pk", flat=True))
    Notification.objects.bulk_create(
        [Notification(notice=notice, user_id=user_id) for user_id in user_ids], ignore_conflicts=True, batch_size=CHUNK
    )
    personal.forget(personal.UNREAD, user_ids)  # the bells' kept counts
    claimed = claim_push_slots(user_ids=user_ids, today=timezone.localdate(now))
    return list(PushSubscription.objects.filter(user_id__in=claimed).values_list("pk", flat=True))


# --- The notification centre ------------------------------------------------------------------

def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox(user) -> QuerySet:
    """The resident's notifications, newest first."""
    return Notification.objects.filter(user=user).select_related("notice").order_by("-notice__created_at", "-pk")


def mark_read(*, user, notification_id: int | None = None, now=None) -> int:
    """Mark one notification (or, without an id, all of them) as read; return how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    personal.forget(personal.UNREAD, [user.pk])
    return unread.update(read_at=now or timezone.now())


# --- Preferences and the invitation to turn push on ---------------------------------------------

def save_preferences(*, user, data: dict) -> NotificationPreferences:
    """Store the topics and the daily limit the resident chose."""
    fields = [*TOPIC_PREFERENCES.values(), "more_than_daily"]
    preferences, _created = NotificationPreferences.objects.update_or_create(
        user=user, defaults={field: bool(data.get(field)) for field in fields}
    )
    return preferences


def record_meaningful_action(*, user_id: int, now=None) -> None:
    """The resident did something that matters (an idea, a vote, an offer of help): they may be invited to push."""
    NotificationPreferences.objects.update_or_create(user_id=user_id, defaults={"action_at": now or timezone.now()})


def should_invite(user) -> bool:
    """Invite to push only after a meaningful action, never on a first visit, and not once they said no."""
    preferences = NotificationPreferences.objects.filter(user=user).first()
    return bool(
        preferences and preferences.action_at and not preferences.prompt_dismissed and not preferences.push_enabled
    )


def dismiss_invitation(*, user) -> None:
    NotificationPreferences.objects.update_or_create(user=user, defaults={"prompt_dismissed": True})


# --- Residents' data (GDPR) ---------------------------------------------------------------------

def export_personal_data(user) -> dict:
    """Preferences, devices (their push service's host only) and notifications, for the data download."""
    preferences = NotificationPreferences.objects.filter(user=user).first()
    return {"notifications": {
        "preferences": {
            field: getattr(preferences, field)
            for field in [*TOPIC_PREFERENCES.values(), "more_than_daily", "push_enabled", "last_push_on"]
        } if preferences else None,
        "push_subscriptions": [
            {"endpoint": sub.endpoint, "created": sub.created, "last_success": sub.last_success}
            for sub in PushSubscription.objects.filter(user=user).order_by("created")
        ],
        "received": [
            {"title": note.notice.title, "body": note.notice.body, "url": note.notice.url,
             "at": note.notice.created_at, "read_at": note.read_at}
            for note in inbox(user)
        ],
    }}


def erase_personal_data(user) -> None:
    """Subscriptions, preferences and centre entries go with the account (the notices themselves are public)."""
    PushSubscription.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    personal.forget(personal.UNREAD, [user.pk])
    NotificationPreferences.objects.filter(user=user).delete()

