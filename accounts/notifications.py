"""Notifying residents who opted in: one entry point, pluggable channels.

Apps call :func:`notify` with a kind (which profile preference applies), the
recipients they target (e.g. the residents of a council, an idea's author)
and a message. Only residents who opted in for that kind receive it. Sending
happens in a Celery task, one message per resident (never a shared "To" or
"Cc": recipients never see each other).

E-mail is the channel today. A channel is any object with
``send(*, user, message)``; list their dotted paths in
``PARVIS_NOTIFICATION_CHANNELS`` to add one (e.g. web push) without touching
the callers.

Listeners (the notification centre and web push, ``notices``) register a
Wagtail hook ``NOTIFY_HOOK``: ``fn(*, topic, users, message)``. They get the
whole audience with a finer ``topic`` (a reminder is not an opening) and
apply their own preferences. :func:`announce` reaches only them (e.g. a
volunteering mission, for which there is no e-mail).
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from wagtail import hooks

VOTE_OPENED = "vote_opened"  # a vote or a call for ideas opens, and reminders before it closes
RESULTS_PUBLISHED = "results_published"
IDEA_REVIEWED = "idea_reviewed"

PREFERENCE_FIELDS = {
    VOTE_OPENED: "notify_vote_opened",
    RESULTS_PUBLISHED: "notify_results_published",
    IDEA_REVIEWED: "notify_idea_reviewed",
}
DEFAULT_CHANNELS = ["accounts.notifications.EmailChannel"]

NOTIFY_HOOK = "parvis_notify"
# Topics told to listeners: what happened, whichever e-mail preference governs it.
TOPIC_VOTE_OPENED = "vote_opened"
TOPIC_VOTE_REMINDER = "vote_reminder"
TOPIC_RESULTS = "results_published"
TOPIC_IDEAS_OPENED = "ideas_opened"
TOPIC_MISSION = "mission_published"


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str
    url: str = ""


class EmailChannel:
    """One plain-text e-mail per resident."""

    def send(self, *, user, message: Message) -> None:
        body = f"{message.body}\n\n{message.url}" if message.url else message.body
        send_mail(message.subject, body, None, [user.email])


def opted_in(kind: str, users: QuerySet | None = None) -> QuerySet:
    """Active residents among ``users`` (default: everyone) who asked for this kind of notification."""
    field = PREFERENCE_FIELDS[kind]
    users = users if users is not None else get_user_model().objects.all()
    return users.filter(is_active=True, **{f"profile__{field}": True}).exclude(email="")


def announce(*, topic: str, users: QuerySet, message: Message) -> None:
    """Tell the listeners (``NOTIFY_HOOK``) that ``message`` concerns ``users``; they filter and send."""
    for hook in hooks.get_hooks(NOTIFY_HOOK):
        hook(topic=topic, users=users, message=message)


def notify(*, kind: str, users: QuerySet, message: Message, topic: str | None = None) -> int:
    """Queue the message for every opted-in user among ``users``; return how many (by e-mail).

    Listeners hear of it too, under ``topic`` (default: ``kind``).
    """
    from .tasks import send_notifications

    announce(topic=topic or kind, users=users, message=message)

    user_ids = list(opted_in(kind, users).values_list("pk", flat=True))
    for start in range(0, len(user_ids), 500):
        send_notifications.delay(user_ids=user_ids[start : start + 500], message=asdict(message))
    return len(user_ids)


def channels():
    return [import_string(path)() for path in getattr(settings, "PARVIS_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)]
