"""Communications' notices to residents: the audience, its count before sending, the send and its log.

A notice is its collectivity's: sent from its site, to residents of its councils. On an installation
of a single site every resident is that town's, council or not (as before territories).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Site

from . import services
from .exceptions import OutsideCollectivity
from .models import StaffNotice, Topic


def audience(*, councils, site=None) -> QuerySet:
    """Active residents of these councils (none: the whole collectivity of ``site``) who turned push on."""
    users = get_user_model().objects.filter(is_active=True, notice_preferences__push_enabled=True)
    councils = list(councils or [])
    if councils:
        return users.filter(profile__council__in=councils)
    if site is not None and Site.objects.count() > 1:
        return users.filter(profile__council__site=site)
    return users


def audience_count(*, councils, site=None) -> int:
    return audience(councils=councils, site=site).count()


def send_staff_notice(*, by, councils, title: str, body: str, url: str = "", site=None, now=None) -> StaffNotice:
    """Publish the notice to the audience and log who sent it, when, from which site, to whom and to how many.

    Raises ``OutsideCollectivity`` if a council is not the site's: nothing is sent.
    """
    now = now or timezone.now()
    councils = list(councils or [])
    if site is not None and any(council.site_id not in (None, site.pk) for council in councils):
        raise OutsideCollectivity()
    with transaction.atomic():
        user_ids = list(audience(councils=councils, site=site).values_list("pk", flat=True))
        notice = services.publish(topic=Topic.STAFF, title=title, body=body, url=url, user_ids=user_ids, now=now)
        log = StaffNotice.objects.create(notice=notice, sent_by=by, sent_at=now, recipients=len(user_ids), site=site)
        log.councils.set(councils)
    return log
