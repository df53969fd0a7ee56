"""Missions: posting and editing them, the listing residents filter, what a visitor may do on one."""

import calendar
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Profile
from accounts.notifications import TOPIC_MISSION, Message, announce
from home.dates import format_date

from .. import rules
from ..exceptions import (
    InvalidData,
    NotAllowed,
)
from ..models import Association, Mission, Offer, VolunteeringIndexPage
from ..rules import AgeCheck


MAX_VOLUNTEERS = 500
THIS_WEEK, THIS_MONTH = "week", "month"


def clean_mission_data(*, data: dict, now, accepted_count: int = 0) -> dict:
    """The mission's fields, checked: dates in order and to come, a sensible number of volunteers and age."""
    cleaned = {
        "title": (data.get("title") or "").strip(),
        "description": (data.get("description") or "").strip(),
        "place": (data.get("place") or "").strip(),
        "schedule": (data.get("schedule") or "").strip(),
        "starts_at": data.get("starts_at"),
        "ends_at": data.get("ends_at"),
        "volunteers_needed": data.get("volunteers_needed"),
        "minimum_age": data.get("minimum_age") or 0,
        "council": data.get("council"),
    }
    errors = {}
    for name, message in (
        ("title", _("Give the mission a title.")),
        ("description", _("Describe what volunteers will do.")),
        ("place", _("Say where the mission takes place.")),
        ("starts_at", _("Give the date and time the mission starts.")),
        ("ends_at", _("Give the date and time the mission ends.")),
    ):
        if not cleaned[name]:
            errors[name] = message
    starts_at, ends_at = cleaned["starts_at"], cleaned["ends_at"]
    if starts_at and ends_at:
        if ends_at <= starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        elif cleaned["schedule"] and ends_at <= now:
            errors["ends_at"] = _("This period is already over: give an end in the future.")
        elif not cleaned["schedule"] and starts_at <= now:
            errors["starts_at"] = _("This date has passed: a one-off mission must start in the future.")
    needed = cleaned["volunteers_needed"]
    if needed is None or not 1 <= needed <= MAX_VOLUNTEERS:
        errors["volunteers_needed"] = _("Ask for between 1 and %(max)d volunteers.") % {"max": MAX_VOLUNTEERS}
    elif needed < accepted_count:
        errors["volunteers_needed"] = _(
            "%(count)d volunteers are already accepted: ask for at least that many."
        ) % {"count": accepted_count}
    if not 0 <= cleaned["minimum_age"] <= 99:
        errors["minimum_age"] = _("Give a minimum age between 0 (none) and 99.")
    if errors:
        raise InvalidData(errors)
    return cleaned


def post_mission(*, association: Association, by, data: dict, skills=(), now=None) -> Mission:
    """A representative of an approved association posts a mission; it is public at once."""
    now = now or timezone.now()
    if not rules.can_act_for(by, association):
        raise NotAllowed
    cleaned = clean_mission_data(data=data, now=now)
    if cleaned["council"] is None:
        cleaned["council"] = association.council
    with transaction.atomic():
        mission = Mission.objects.create(
            association=association, slug=slugify(cleaned["title"])[:140] or "mission", created_at=now, created_by=by,
            **cleaned,
        )
        mission.skills.set(skills)
        transaction.on_commit(lambda: announce_mission(mission_id=mission.pk))
    return mission


def announce_mission(*, mission_id: int) -> None:
    """Tell residents of the mission's council (everyone, for a town-wide one) that it was posted.

    No e-mail: listeners only (the notification centre and push, ``accounts.notifications.announce``).
    """
    mission = Mission.objects.published().select_related("association", "council").filter(pk=mission_id).first()
    if mission is None:
        return
    users = get_user_model().objects.all()
    if mission.council_id:
        users = users.filter(profile__council=mission.council_id)
    announce(topic=TOPIC_MISSION, users=users, message=Message(
        subject=_("New volunteering mission: %(title)s") % {"title": mission.title},
        body=_("%(association)s is looking for volunteers, from %(date)s.")
        % {"association": mission.association.name, "date": format_date(mission.starts_at)},
        url=mission_url(mission),
    ))


def update_mission(*, mission: Mission, by, data: dict, skills=(), now=None) -> Mission:
    """A representative changes a mission; it may not ask for fewer volunteers than already accepted."""
    now = now or timezone.now()
    with transaction.atomic():
        mission = Mission.objects.select_for_update().select_related("association").get(pk=mission.pk)
        if not rules.can_act_for(by, mission.association):
            raise NotAllowed
        accepted = mission.offers.filter(status=Offer.Status.ACCEPTED).count()
        cleaned = clean_mission_data(data=data, now=now, accepted_count=accepted)
        for name, value in cleaned.items():
            setattr(mission, name, value)
        mission.slug = slugify(cleaned["title"])[:140] or "mission"
        mission.save()
        mission.skills.set(skills)
    return mission


def _period(period: str, now) -> tuple[datetime, datetime] | None:
    """This (calendar) week or month, from ``now`` to its last day's end, local time."""
    today = timezone.localdate(now)
    if period == THIS_WEEK:
        last = today + timedelta(days=6 - today.weekday())
    elif period == THIS_MONTH:
        last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    else:
        return None
    return now, timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))


def listed_missions(*, council=None, skill=None, period: str = "", date_from=None, date_to=None, now=None):
    """Published missions still taking offers, soonest first, filtered, with their accepted count.

    A mission matches a period or date range when it runs during it. The
    queryset costs the same number of queries whatever its length: one for
    the missions (association, council and accepted count joined in), one for
    all their skills, one for the logos.
    """
    now = now or timezone.now()
    missions = (
        Mission.objects.published().taking_offers_at(now).with_accepted_count()
        .select_related("association", "council").prefetch_related("skills").order_by("starts_at", "pk")
    )
    if council is not None:
        missions = missions.filter(council=council)
    if skill is not None:
        missions = missions.filter(skills=skill)
    window = _period(period, now)
    if window:
        missions = missions.filter(starts_at__lt=window[1], ends_at__gt=window[0])
    if date_from:
        missions = missions.filter(ends_at__gt=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        missions = missions.filter(starts_at__lt=timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min)))
    return missions


def accepted_count(mission: Mission) -> int:
    counted = getattr(mission, "accepted_count", None)
    return counted if counted is not None else mission.offers.filter(status=Offer.Status.ACCEPTED).count()


@dataclass(frozen=True, slots=True)
class OfferOptions:
    """What a mission's page offers this visitor now; templates read only these flags."""

    accepted: int
    places_left: int
    is_full: bool
    is_closed: bool
    own_offer: Offer | None = None
    is_representative: bool = False
    needs_login: bool = False
    not_verified: bool = False
    age: AgeCheck = AgeCheck.OK
    may_offer: bool = False


def offer_options(*, mission: Mission, user, now=None) -> OfferOptions:
    """Whether this visitor may offer help on the mission, and if not, why (for the page to say)."""
    now = now or timezone.now()
    accepted = accepted_count(mission)
    base = {
        "accepted": accepted, "places_left": max(mission.volunteers_needed - accepted, 0),
        "is_full": rules.is_full(mission, accepted), "is_closed": rules.stopped_taking_offers(mission, now),
    }
    if not (user and user.is_authenticated):
        return OfferOptions(**base, needs_login=True)
    own = Offer.objects.filter(mission=mission, volunteer=user).exclude(status=Offer.Status.WITHDRAWN).first()
    representative = rules.is_representative_of(user, mission.association)
    verified = rules.is_verified_resident(user)
    birth_year = Profile.objects.filter(user=user).values_list("birth_year", flat=True).first()
    age = rules.age_check(mission, birth_year, now)
    may_offer = rules.can_offer(user, mission, accepted_count=accepted, birth_year=birth_year, now=now)
    return OfferOptions(**base, own_offer=own, is_representative=representative, not_verified=not verified, age=age,
                        may_offer=may_offer)


def index_page() -> VolunteeringIndexPage | None:
    return VolunteeringIndexPage.objects.live().first()


def mission_url(mission: Mission) -> str:
    """The mission's full address on the volunteering index page ("" without one)."""
    page = index_page()
    return page.get_full_url() + page.reverse_subpage("mission", args=[mission.pk, mission.slug]) if page else ""
