"""Extension points: council pages' and home pages' missions, residents' data (download, erasure)."""

from django.db.models import F, Q
from django.utils import timezone

from home.open_now import not_restricted, within

from .. import rules
from ..models import Mission, Offer, Representative, VolunteeringIndexPage
from .offers import offers_of


def council_missions(council, *, now=None) -> list[Mission]:
    """Published missions of this council still taking offers and not full (one query)."""
    now = now or timezone.now()
    missions = Mission.objects.published().taking_offers_at(now).with_accepted_count().filter(council=council)
    return [mission for mission in missions.order_by("starts_at") if not rules.is_full(mission, mission.accepted_count)]


def missions_on_sites(sites, *, now=None, limit=12) -> list[tuple[Mission, VolunteeringIndexPage]]:
    """Published missions of these sites' associations still taking offers and not full, soonest first, each
    with its site's volunteering space (two queries). An association without a site is the
    default site's (an installation's first, before territories)."""
    now = now or timezone.now()
    site_ids = [site.pk for site in sites]
    of_sites = Q(association__site__in=site_ids)
    if any(site.is_default_site for site in sites):
        of_sites |= Q(association__site__isnull=True)
    missions = list(Mission.objects.published().taking_offers_at(now).with_accepted_count().filter(of_sites)
                    .filter(accepted_count__lt=F("volunteers_needed")).select_related("association")
                    .order_by("starts_at", "pk")[:limit])
    if not missions:
        return []
    indexes = {}
    for index in VolunteeringIndexPage.objects.live().filter(within(sites), not_restricted()).order_by("path"):
        site = next((site for site in sites if index.path.startswith(site.root_page.path)), None)
        indexes.setdefault(site.pk if site else None, index)
    default = next((site.pk for site in sites if site.is_default_site), None)
    found = []
    for mission in missions:
        index = indexes.get(mission.association.site_id or default)
        if index is not None and not rules.is_full(mission, mission.accepted_count):
            found.append((mission, index))
    return found


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
