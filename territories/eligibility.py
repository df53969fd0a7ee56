"""Votes of a collectivity are for the residents it contains: the engine asks this through its hook.

A residents' contest (``Contest.Eligibility.RESIDENTS``) issued from a collectivity's site admits
only accounts whose commune (``Residence``) is that collectivity or part of it: a town's own
residents, an intercommunality's towns', the département's. Roll contests are ruled by their roll,
and a contest from a site that belongs to no collectivity (a one-town installation) is left alone.
"""

from django.utils.translation import gettext as _

from voting.models import Contest

from .models import Territory
from .services.residences import lives_in, residence_of


def residents_only(contest, user) -> str | None:
    """Why ``user`` may not vote in ``contest`` as a resident, or None (asked on every path to a ballot)."""
    if contest.eligibility != Contest.Eligibility.RESIDENTS or contest.site_id is None:
        return None
    territory = Territory.objects.filter(site_id=contest.site_id).first()
    if territory is None:
        return None
    residence = residence_of(user)
    if residence is None:
        return _("This vote is for the residents of %(place)s. Tell us where you live (postcode and commune) "
                 "under “My address” on your profile page, then come back to vote.") % {"place": territory.name}
    if not lives_in(residence, territory):
        return _("This vote is for the residents of %(place)s, and your address is in %(commune)s. If you have "
                 "moved, change it under “My address” on your profile page.") % {
                     "place": territory.name, "commune": residence.commune.name}
    return None
