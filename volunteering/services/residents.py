"""Extension points: council pages' missions, residents' data (download, erasure)."""

from django.utils import timezone

from .. import rules
from ..models import Mission, Offer, Representative
from .offers import offers_of


def council_missions(council, *, now=None) -> list[Mission]:
    """Published missions of this council still taking offers and not full (one query)."""
    now = now or timezone.now()
    missions = Mission.objects.published().taking_offers_at(now).with_accepted_count().filter(council=council)
    return [mission for mission in missions.order_by("starts_at") if not rules.is_full(mission, mission.accepted_count)]


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
