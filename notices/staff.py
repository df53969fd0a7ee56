"""Communications' notices to residents: the audience, its count before sending, the send and its log."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import services
from .models import StaffNotice, Topic


def audience(*, councils) -> QuerySet:
    """Active residents of these councils (none: the whole town) who turned push notifications on."""
    users = get_user_model().objects.filter(is_active=True, notice_preferences__push_enabled=True)
    councils = list(councils or [])
    if councils:
        users = users.filter(profile__council__in=councils)
    return users


def audience_count(*, councils) -> int:
    return audience(councils=councils).count()


def send_staff_notice(*, by, councils, title: str, body: str, url: str = "", now=None) -> StaffNotice:
    """Publish the notice to the audience and log who sent it, when, to whom and to how many."""
    now = now or timezone.now()
    councils = list(councils or [])
    with transaction.atomic():
        user_ids = list(audience(councils=councils).values_list("pk", flat=True))
        notice = services.publish(topic=Topic.STAFF, title=title, body=body, url=url, user_ids=user_ids, now=now)
        log = StaffNotice.objects.create(notice=notice, sent_by=by, sent_at=now, recipients=len(user_ids))
        log.councils.set(councils)
    return log
