"""Votes of a collectivity are for the residents it contains: the engine asks this through its hook.

A residents' contest (``Contest.Eligibility.RESIDENTS``) issued from a collectivity's site admits
only accounts whose commune (``Residence``) is that collectivity or part of it: a town's own
residents, an intercommunality's towns', the département's. Roll contests are ruled by their roll,
and a contest from a site that belongs to no collectivity (a one-town installation) is left alone.
A resident's ballot is counted with their commune's (``resident_commune``): results per town.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from voting.models import Contest

from .models import Residence, Territory
from .services.residences import residence_of


def residents_only(contest, user) -> str | None:
    """Why ``user`` may not vote in ``contest`` as a resident, or None (asked on every path to a ballot).

    Asked on every vote: one query answers both whether the site is a collectivity's and whether
    the resident lives in it; the residence is read again only to explain a refusal.
    """
    if contest.eligibility != Contest.Eligibility.RESIDENTS or contest.site_id is None:
        return None
    found = Territory.objects.filter(site_id=contest.site_id).annotate(lives_here=Exists(
        Residence.objects.filter(user_id=user.pk).filter(
            Q(commune=OuterRef("pk")) | Q(commune__parent=OuterRef("pk")) | Q(commune__parent__parent=OuterRef("pk")))
    )).values("name", "lives_here").first()
    if found is None or found["lives_here"]:
        return None
    residence = residence_of(user)
    if residence is None:
        return _("This vote is for the residents of %(place)s. Tell us where you live (postcode and commune) "
                 "under “My address” on your profile page, then come back to vote.") % {"place": found["name"]}
    return _("This vote is for the residents of %(place)s, and your address is in %(commune)s. If you have "
             "moved, change it under “My address” on your profile page.") % {
                 "place": found["name"], "commune": residence.commune.name}


def resident_commune(contest, user) -> str | None:
    """The INSEE code of the commune ``user`` lives in, for a collectivity's vote; one query.

    The ballot engine groups a residents' ballot by it (``voting.groups``: results per town, small
    towns counted together) and tells a roll's homonyms of different communes apart with it.
    None for a vote of a site that is no collectivity's.
    """
    if contest.site_id is None:
        return None
    return (Residence.objects.filter(user_id=user.pk, commune__isnull=False)
            .filter(Exists(Territory.objects.filter(site_id=contest.site_id)))
            .values_list("commune__code", flat=True).first())
