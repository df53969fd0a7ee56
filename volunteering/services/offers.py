"""Offers of help: made by residents, answered by associations, withdrawn."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile
from accounts.privacy import public_name

from .. import rules
from ..exceptions import (
    AlreadyAnswered,
    DuplicateOffer,
    InvalidData,
    MissionClosed,
    MissionFull,
    NotAllowed,
    NotEligible,
    TooYoung,
)
from ..models import Association, Mission, Offer
from ..rules import AgeCheck


def offer_help(*, mission: Mission, volunteer, message: str = "", age_confirmed: bool = False, now=None,
               assisted_by=None) -> Offer:
    """A resident offers to help; the association is told (without the resident's contact details).

    ``assisted_by``: the accredited helper who made the offer with the
    resident, once the resident confirmed it (``accounts.assistance.confirm``).

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
                  "created_at": now, "answered_at": None, "answered_by": None, "assisted_by": assisted_by}
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


def _queue_offer_email(offer_id: int, event: str) -> None:
    from ..tasks import send_offer_emails

    send_offer_emails.delay(offer_id=offer_id, event=event)
