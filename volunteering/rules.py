"""Who may do what in the volunteering space, as small named predicates.

Services combine them and raise the matching domain error; views and
templates read them as booleans. None of them writes anything.
"""

from enum import Enum

from allauth.account.models import EmailAddress

from .models import Association, Mission, Offer, Representative


class AgeCheck(Enum):
    """What the birth year says about a mission's minimum age."""

    OK = "ok"  # old enough whatever the birthday
    CONFIRM = "confirm"  # unknown birth year, or the birthday this year decides: the resident confirms
    TOO_YOUNG = "too_young"  # cannot be old enough this year


def is_verified_resident(user) -> bool:
    """An active account whose e-mail address is confirmed: contact details that reach a real person."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def is_representative_of(user, association: Association) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Representative.objects.filter(association=association, user=user).exists()


def can_act_for(user, association: Association) -> bool:
    """Post missions and answer offers: a representative of an approved association."""
    return association.is_approved and is_representative_of(user, association)


def is_over(mission: Mission, now) -> bool:
    return mission.ends_at <= now


def stopped_taking_offers(mission: Mission, now) -> bool:
    """A one-off mission once started, a recurring one once over."""
    return mission.offers_close_at <= now


def is_full(mission: Mission, accepted_count: int) -> bool:
    return accepted_count >= mission.volunteers_needed


def age_check(mission: Mission, birth_year: int | None, now) -> AgeCheck:
    """Compare the minimum age with the age a birth year allows this year (the birthday may be still to come)."""
    if not mission.minimum_age:
        return AgeCheck.OK
    if birth_year is None:
        return AgeCheck.CONFIRM
    age_at_birthday = now.year - birth_year
    if age_at_birthday < mission.minimum_age:
        return AgeCheck.TOO_YOUNG
    if age_at_birthday == mission.minimum_age:
        return AgeCheck.CONFIRM
    return AgeCheck.OK


def has_active_offer(user, mission: Mission) -> bool:
    """A pending, accepted or declined offer (a withdrawn one may be made again)."""
    return Offer.objects.filter(mission=mission, volunteer=user).exclude(status=Offer.Status.WITHDRAWN).exists()


def can_offer(user, mission: Mission, *, accepted_count: int, birth_year: int | None, now) -> bool:
    """Offer help now: a confirmed resident, not one of the association's representatives, without an active
    offer, on a published mission still taking offers and not full, not too young (or able to confirm their age)."""
    return (
        is_verified_resident(user)
        and mission.association.is_approved
        and not is_representative_of(user, mission.association)
        and not has_active_offer(user, mission)
        and not stopped_taking_offers(mission, now)
        and not is_full(mission, accepted_count)
        and age_check(mission, birth_year, now) is not AgeCheck.TOO_YOUNG
    )


def can_answer(user, offer: Offer) -> bool:
    """Accept or decline an offer: a representative of the mission's (approved) association."""
    return can_act_for(user, offer.mission.association)


def can_withdraw(user, offer: Offer) -> bool:
    return bool(user and user.is_authenticated and offer.volunteer_id == user.pk) and offer.status in (
        Offer.Status.PENDING, Offer.Status.ACCEPTED,
    )


def may_see_contact(offer: Offer) -> bool:
    """The association sees the volunteer's e-mail and public name only once it accepted the offer."""
    return offer.status == Offer.Status.ACCEPTED and offer.volunteer_id is not None
