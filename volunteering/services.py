"""The volunteering space's rules, as plain functions called by views, blocks, admin and tasks.

Every function takes keyword-only arguments and, where time matters, a
``now`` (default: the current time). Refusals raise
:mod:`volunteering.exceptions` errors whose messages are shown as they are;
whenever one is raised nothing has been saved.

E-mails about an offer or an association (offer received, accepted,
declined, withdrawn; association approved or refused; representative added)
are transactional: they answer something the recipient did or is in charge
of, like allauth's confirmation e-mails, so they are sent whatever the
profile's notification choices (those govern announcements to many residents,
``accounts.notifications``). They leave in Celery tasks after the commit,
one message per recipient (``_send``).
"""

import calendar
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from accounts.models import Profile
from accounts.notifications import TOPIC_MISSION, Message, announce
from accounts.privacy import public_name
from home.images import UnusableImage, check_uploaded_image
from councils import roles

from . import rules
from .exceptions import (
    AlreadyAnswered,
    AlreadyReviewed,
    DuplicateOffer,
    InvalidData,
    MissionClosed,
    MissionFull,
    NotAllowed,
    NotEligible,
    TooYoung,
)
from .models import Association, Mission, Offer, Representative, VolunteeringIndexPage
from .rules import AgeCheck

MAX_VOLUNTEERS = 500
THIS_WEEK, THIS_MONTH = "week", "month"


# --- Associations ------------------------------------------------------------------------------

def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "association"
    slug, number = base, 2
    while Association.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def validate_logo(upload) -> None:
    """A JPEG, PNG or WebP image within the size and pixel limits (decompression bombs refused), checked before storing.

    The same check as ideas' photos (``home.images``).
    """
    try:
        check_uploaded_image(upload)
    except UnusableImage as error:
        raise InvalidData({"logo": error.message}) from None


def _store_logo(upload, *, name: str, user):
    from django.core.files.images import ImageFile

    image = get_image_model()(title=name[:255], description=_("Logo of %(name)s") % {"name": name}, uploaded_by_user=user)
    image.file = ImageFile(upload, name=upload.name)
    image.save()
    return image


def clean_association_data(*, data: dict, exclude_pk=None) -> dict:
    """The association's fields, trimmed and checked; the name must not be another live association's."""
    cleaned = {
        "name": (data.get("name") or "").strip(),
        "description": (data.get("description") or "").strip(),
        "contact_email": (data.get("contact_email") or "").strip(),
        "contact_phone": (data.get("contact_phone") or "").strip(),
        "website": (data.get("website") or "").strip(),
        "council": data.get("council"),
    }
    errors = {}
    if not cleaned["name"]:
        errors["name"] = _("Give the association's name.")
    elif (
        Association.objects.filter(name__iexact=cleaned["name"]).exclude(status=Association.Status.REFUSED)
        .exclude(pk=exclude_pk).exists()
    ):
        errors["name"] = _("An association with this name is already registered. Ask its representatives to add you.")
    if not cleaned["description"]:
        errors["description"] = _("Describe what the association does.")
    try:
        validate_email(cleaned["contact_email"])
    except ValidationError:
        errors["contact_email"] = _("Give an e-mail address where residents can reach the association.")
    if errors:
        raise InvalidData(errors)
    return cleaned


def register_association(*, user, data: dict, logo=None, now=None) -> Association:
    """A resident registers an association and becomes its first representative; moderators are told.

    The association stays hidden until a moderator approves it.
    """
    now = now or timezone.now()
    if not rules.is_verified_resident(user):
        raise NotEligible
    cleaned = clean_association_data(data=data)
    if logo:
        validate_logo(logo)
    with transaction.atomic():
        association = Association(**cleaned, slug=_unique_slug(cleaned["name"]), submitted_at=now, submitted_by=user)
        if logo:
            association.logo = _store_logo(logo, name=cleaned["name"], user=user)
        association.save()
        Representative.objects.create(association=association, user=user, added_at=now, added_by=user)
        transaction.on_commit(lambda: _queue_association_email(association.pk, "submitted"))
    return association


def approve_association(*, association: Association, moderator, now=None) -> Association:
    """A moderator approves a pending association: it is published and its representatives may post missions."""
    return _review(association=association, moderator=moderator, status=Association.Status.APPROVED, reason="", now=now)


def refuse_association(*, association: Association, moderator, reason: str, now=None) -> Association:
    """A moderator refuses a pending association, giving the reason its representatives receive."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData({"reason": _("Give the reason for the refusal: the representatives receive it.")})
    return _review(association=association, moderator=moderator, status=Association.Status.REFUSED, reason=reason, now=now)


def _review(*, association, moderator, status, reason, now) -> Association:
    now = now or timezone.now()
    if not moderator.has_perm("volunteering.review_association"):
        raise NotAllowed(_("Only moderators may approve or refuse associations."))
    with transaction.atomic():
        association = Association.objects.select_for_update().get(pk=association.pk)
        if association.status != Association.Status.PENDING:
            raise AlreadyReviewed
        association.status, association.refusal_reason = status, reason
        association.reviewed_at, association.reviewed_by = now, moderator
        association.save(update_fields=["status", "refusal_reason", "reviewed_at", "reviewed_by"])
        event = Association.Status(status).value
        transaction.on_commit(lambda: _queue_association_email(association.pk, event))
    return association


def update_association(*, association: Association, by, data: dict, logo=None) -> Association:
    """A representative changes the association's public details (name, description, contact, logo)."""
    if not rules.is_representative_of(by, association) or association.status == Association.Status.REFUSED:
        raise NotAllowed
    cleaned = clean_association_data(data=data, exclude_pk=association.pk)
    if logo:
        validate_logo(logo)
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(association, name, value)
        if logo:
            association.logo = _store_logo(logo, name=cleaned["name"], user=by)
        association.save()
    return association


def add_representative(*, association: Association, by, email: str, now=None) -> Representative:
    """A representative adds another resident's existing account, found by its e-mail address; they are told."""
    now = now or timezone.now()
    if not rules.is_representative_of(by, association) or association.status == Association.Status.REFUSED:
        raise NotAllowed
    email = (email or "").strip()
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None or not rules.is_verified_resident(user):
        raise InvalidData({"email": _(
            "No confirmed account uses this address. Ask the person to sign up first, then add them."
        )})
    try:
        with transaction.atomic():
            role = Representative.objects.create(association=association, user=user, added_at=now, added_by=by)
    except IntegrityError:
        raise InvalidData({"email": _("This person already represents the association. Nothing was changed.")}) from None
    transaction.on_commit(lambda: _queue_association_email(association.pk, "representative_added", user_id=user.pk))
    return role


def associations_of(user):
    """The associations this account represents, whatever their state."""
    if not (user and user.is_authenticated):
        return Association.objects.none()
    return Association.objects.filter(representatives__user=user).select_related("council").order_by("name")


# --- Missions ----------------------------------------------------------------------------------

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
        % {"association": mission.association.name, "date": date_format(timezone.localtime(mission.starts_at), "DATE_FORMAT")},
        url=_mission_url(mission),
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


# --- Offers ------------------------------------------------------------------------------------

def offer_help(*, mission: Mission, volunteer, message: str = "", age_confirmed: bool = False, now=None) -> Offer:
    """A resident offers to help; the association is told (without the resident's contact details).

    The mission row is locked so that the capacity read here and by
    ``accept_offer`` is current; the unique (mission, volunteer) constraint is
    the last guard against a double submission. A withdrawn offer may be made
    again; any other earlier offer is a duplicate.
    """
    now = now or timezone.now()
    if not rules.is_verified_resident(volunteer):
        raise NotEligible
    message = (message or "").strip()
    if len(message) > 1000:
        raise InvalidData({"message": _("Keep your message under 1,000 characters.")})
    birth_year = Profile.objects.filter(user=volunteer).values_list("birth_year", flat=True).first()
    with transaction.atomic():
        mission = Mission.objects.select_for_update().select_related("association").get(pk=mission.pk)
        if not mission.association.is_approved:
            raise NotAllowed(_("This mission is not published."))
        if rules.is_representative_of(volunteer, mission.association):
            raise NotAllowed(_("You represent this association: you cannot offer help on its own missions."))
        existing = Offer.objects.filter(mission=mission, volunteer=volunteer).first()
        if existing is not None and existing.status != Offer.Status.WITHDRAWN:
            raise DuplicateOffer
        if rules.stopped_taking_offers(mission, now):
            raise MissionClosed
        if rules.is_full(mission, mission.offers.filter(status=Offer.Status.ACCEPTED).count()):
            raise MissionFull
        age = rules.age_check(mission, birth_year, now)
        if age is AgeCheck.TOO_YOUNG:
            raise TooYoung(TooYoung.default_message % {"age": mission.minimum_age})
        if age is AgeCheck.CONFIRM and not age_confirmed:
            raise InvalidData({"age_confirmed": _(
                "This mission is open from the age of %(age)d. Confirm that you are at least that old."
            ) % {"age": mission.minimum_age}})
        fields = {"message": message, "age_confirmed": bool(age_confirmed), "status": Offer.Status.PENDING,
                  "created_at": now, "answered_at": None, "answered_by": None}
        if existing is not None:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            offer = existing
        else:
            try:
                with transaction.atomic():
                    offer = Offer.objects.create(mission=mission, volunteer=volunteer, **fields)
            except IntegrityError:
                raise DuplicateOffer from None
        transaction.on_commit(lambda: _queue_offer_email(offer.pk, "offered"))
    return offer


def _locked_offer(offer: Offer) -> tuple[Mission, Offer]:
    """Lock the mission first, then the offer: every writer takes them in this order (no deadlock)."""
    mission = Mission.objects.select_for_update().select_related("association").get(pk=offer.mission_id)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    offer.mission = mission
    return mission, offer


def accept_offer(*, offer: Offer, by, now=None) -> Offer:
    """A representative accepts an offer, if the mission is not over or full; both sides are e-mailed.

    Capacity is counted under the mission's lock, so two representatives
    accepting the last place at once accept one offer, not two.
    """

    def check_room(mission: Mission, current: datetime) -> None:
        if rules.is_over(mission, current):
            raise MissionClosed(_("This mission is over: offers can no longer be accepted. Nothing was changed."))
        if rules.is_full(mission, mission.offers.filter(status=Offer.Status.ACCEPTED).count()):
            raise MissionFull

    return _answer_offer(offer=offer, by=by, now=now, status=Offer.Status.ACCEPTED, check=check_room)


def decline_offer(*, offer: Offer, by, now=None) -> Offer:
    """A representative declines a pending offer; both sides are e-mailed."""
    return _answer_offer(offer=offer, by=by, now=now, status=Offer.Status.DECLINED)


def _answer_offer(*, offer: Offer, by, now, status: str, check=None) -> Offer:
    """A representative's answer to a pending offer, under the mission's lock; ``check`` may refuse it."""
    now = now or timezone.now()
    with transaction.atomic():
        mission, offer = _locked_offer(offer)
        if not rules.can_act_for(by, mission.association):
            raise NotAllowed
        if offer.status != Offer.Status.PENDING:
            raise AlreadyAnswered
        if check:
            check(mission, now)
        offer.status, offer.answered_at, offer.answered_by = status, now, by
        offer.save(update_fields=["status", "answered_at", "answered_by"])
        transaction.on_commit(lambda: _queue_offer_email(offer.pk, str(status)))  # the e-mail event is the new status
    return offer


def withdraw_offer(*, offer: Offer, volunteer, now=None) -> Offer:
    """The resident withdraws a pending or accepted offer (freeing the place); the association is told."""
    now = now or timezone.now()
    with transaction.atomic():
        mission, offer = _locked_offer(offer)
        if offer.volunteer_id != getattr(volunteer, "pk", None):
            raise NotAllowed(_("This offer is not yours."))
        if not rules.can_withdraw(volunteer, offer):
            raise AlreadyAnswered(_("This offer is no longer active. Nothing was changed."))
        if rules.is_over(mission, now):
            raise MissionClosed(_("This mission is over. Nothing was changed."))
        offer.status, offer.answered_at = Offer.Status.WITHDRAWN, now
        offer.save(update_fields=["status", "answered_at"])
        transaction.on_commit(lambda: _queue_offer_email(offer.pk, "withdrawn"))
    return offer


def offers_for_association(association: Association):
    """Every offer on the association's missions, for its representatives' workspace (contact shown if accepted)."""
    return (
        Offer.objects.filter(mission__association=association).exclude(status=Offer.Status.WITHDRAWN)
        .select_related("mission", "volunteer__profile").order_by("mission__starts_at", "mission_id", "created_at")
    )


def offers_of(user):
    """A resident's offers, newest first, with their missions and associations."""
    return Offer.objects.filter(volunteer=user).select_related("mission__association").order_by("-created_at")


def contact_of(offer: Offer) -> dict | None:
    """The volunteer's public name and e-mail, for the association, once (and only once) the offer is accepted."""
    if not rules.may_see_contact(offer):
        return None
    return {"name": public_name(offer.volunteer), "email": offer.volunteer.email}


# --- Extension points: council pages, residents' data ------------------------------------------

def council_missions(council, *, now=None) -> list[Mission]:
    """Published missions of this council still taking offers and not full (one query)."""
    now = now or timezone.now()
    missions = Mission.objects.published().taking_offers_at(now).with_accepted_count().filter(council=council)
    return [mission for mission in missions.order_by("starts_at") if not rules.is_full(mission, mission.accepted_count)]


def index_page() -> VolunteeringIndexPage | None:
    return VolunteeringIndexPage.objects.live().first()


def export_personal_data(user) -> dict:
    """A resident's offers and representative roles, for the download of their data."""
    return {
        "volunteering_offers": [
            {"mission": offer.mission.title, "association": offer.mission.association.name, "message": offer.message,
             "status": offer.status, "offered_at": offer.created_at, "answered_at": offer.answered_at}
            for offer in offers_of(user)
        ],
        "volunteering_roles": [
            {"association": role.association.name, "since": role.added_at}
            for role in Representative.objects.filter(user=user).select_related("association").order_by("added_at")
        ],
    }


def erase_personal_data(user) -> None:
    """On account deletion: pending offers are withdrawn, every offer forgets who and what; roles end.

    Accepted offers stay, anonymous, so a mission's count of volunteers stays
    true; the association already had the contact details it needed.
    """
    Offer.objects.filter(volunteer=user, status=Offer.Status.PENDING).update(status=Offer.Status.WITHDRAWN,
                                                                             answered_at=timezone.now())
    Offer.objects.filter(volunteer=user).update(volunteer=None, message="")
    Offer.objects.filter(answered_by=user).update(answered_by=None)
    Representative.objects.filter(user=user).delete()


# --- E-mails (sent by tasks; one message per recipient) ----------------------------------------

def _queue_offer_email(offer_id: int, event: str) -> None:
    from .tasks import send_offer_emails

    send_offer_emails.delay(offer_id=offer_id, event=event)


def _queue_association_email(association_id: int, event: str, user_id: int | None = None) -> None:
    from .tasks import send_association_emails

    send_association_emails.delay(association_id=association_id, event=event, user_id=user_id)


def _full_url(path: str) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return base.rstrip("/") + path if path and path.startswith("/") else path


def _representative_addresses(association: Association) -> list[str]:
    addresses = list(
        association.representatives.filter(user__is_active=True).exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return addresses or [association.contact_email]


def _send(*, recipients: list[str], template: str, subject: str, context: dict) -> int:
    """Render once, then one delivery task per recipient: an SMTP retry never re-sends to the others."""
    from home.tasks import send_email

    body = render_to_string(f"volunteering/email/{template}.txt", context)
    addresses = [address for address in dict.fromkeys(recipients) if address]
    for address in addresses:
        send_email.delay(subject=str(subject), body=body, recipients=[address])
    return len(addresses)


def _mission_url(mission: Mission) -> str:
    page = index_page()
    return page.get_full_url() + page.reverse_subpage("mission", args=[mission.pk, mission.slug]) if page else ""


def send_offer_emails(*, offer_id: int, event: str) -> int:
    """E-mail the volunteer and/or the association about an offer, as it stands when sent; return how many."""
    from django.urls import reverse

    offer = Offer.objects.select_related("mission__association", "volunteer").filter(pk=offer_id).first()
    if offer is None:
        return 0
    mission, association = offer.mission, offer.mission.association
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "offer": offer, "mission": mission, "association": association, "contact": contact_of(offer),
            "mission_url": _mission_url(mission),
            "workspace_url": _full_url(reverse("volunteering:association", args=[association.pk])),
            "space_url": _full_url(reverse("volunteering:space")),
        }
        sent = 0
        to_association = {
            "offered": _("[%(mission)s] A resident offers to help"),
            "accepted": _("[%(mission)s] You accepted an offer of help"),
            "declined": _("[%(mission)s] You declined an offer of help"),
            "withdrawn": _("[%(mission)s] A volunteer withdrew their offer"),
        }
        to_volunteer = {
            "accepted": _("[%(mission)s] Your offer of help is accepted"),
            "declined": _("[%(mission)s] Your offer of help was declined"),
        }
        if event in to_association:
            sent += _send(recipients=_representative_addresses(association), template=f"offer_{event}_association",
                          subject=to_association[event] % {"mission": mission.title}, context=context)
        if event in to_volunteer and offer.volunteer is not None and offer.volunteer.email:
            sent += _send(recipients=[offer.volunteer.email], template=f"offer_{event}_volunteer",
                          subject=to_volunteer[event] % {"mission": mission.title}, context=context)
    return sent


def send_association_emails(*, association_id: int, event: str, user_id: int | None = None) -> int:
    """E-mail moderators (a new registration) or the representatives (approved, refused, added); return how many."""
    from django.urls import reverse

    association = Association.objects.filter(pk=association_id).first()
    if association is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"association": association,
                   "workspace_url": _full_url(reverse("volunteering:association", args=[association.pk])),
                   "admin_url": _full_url(reverse("volunteering_associations:index"))}
        if event == "submitted":
            moderators = get_user_model().objects.filter(groups__name=roles.MODERATORS, is_active=True).exclude(email="")
            return _send(recipients=list(moderators.values_list("email", flat=True)), template="association_submitted",
                         subject=_("New association to review: %(name)s") % {"name": association.name}, context=context)
        if event == "representative_added":
            user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
            return _send(recipients=[user.email] if user else [], template="representative_added",
                         subject=_("You now represent %(name)s") % {"name": association.name}, context=context)
        subjects = {
            Association.Status.APPROVED: _("%(name)s is approved"),
            Association.Status.REFUSED: _("%(name)s was not approved"),
        }
        return _send(recipients=_representative_addresses(association), template=f"association_{event}",
                     subject=subjects[event] % {"name": association.name}, context=context)
