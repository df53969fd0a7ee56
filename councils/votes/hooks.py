"""Wagtail hooks of elections and consultations; ``councils/wagtail_hooks.py`` imports this module.

- the officers' admin (candidates, elections and consultations overview) in the "Votes" menu;
- the section of the page tree opened to Election officers when created;
- a "Manage the vote" button on the pages' editor;
- the council page's list of open votes (``councils.participations``), and a resident's home page's
  (``home.open_now``);
- residents' data rights over their candidacies (``accounts.privacy``).
"""

import functools

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.widgets import ListingButton

from accounts.privacy import ERASE_HOOK, EXPORT_HOOK
from home.open_now import OPEN_NOW_HOOK, OpenItem, site_of
from voting.phases import Phase
from voting.services.eligibility import ELIGIBILITY_HOOK

from ..participations import PARTICIPATIONS_HOOK, Participation
from . import eligibility, rules
from .admin import VotesOverviewViewSet, manage_url
from .candidates_admin import CandidateViewSet
from .models import Candidate, ConsultationBallot, ConsultationIndexPage, ConsultationPage, ElectionBallot
from .open_now import open_votes_on_sites
from .permissions import open_section_to_election_officers


@hooks.register("register_admin_viewset")
def register_candidates():
    return CandidateViewSet()


@hooks.register("register_admin_viewset")
def register_votes_overview():
    return VotesOverviewViewSet()


@hooks.register("after_create_page")
def open_vote_section(request, page):
    if isinstance(page.specific, ConsultationIndexPage):
        open_section_to_election_officers(page)


@hooks.register("register_page_header_buttons")
def manage_vote_button(page, user, view_name, next_url=None):
    url = manage_url(page)
    if url and rules.may_follow_votes(user, page):
        yield ListingButton(gettext_lazy("Manage the vote"), url=url, icon_name="tasks", priority=12)


@hooks.register(PARTICIPATIONS_HOOK)
def open_votes(council, *, now):
    """Elections of this council and consultations covering it that are open now."""
    items = []
    for ballot in ElectionBallot.objects.filter(
        council=council, contest__opens_at__lte=now, contest__closes_at__gt=now, election__live=True
    ).select_related("election", "contest"):
        if ballot.contest.is_sealed:
            items.append(Participation(
                title=ballot.election.title, url=ballot.election.url, kind=_("Election"), closes_at=ballot.contest.closes_at,
            ))
    consultations = ConsultationPage.objects.live().filter(
        ballots__contest__opens_at__lte=now, ballots__contest__closes_at__gt=now  # an officer may open by hand
    ).distinct()
    for page in consultations:
        territory = page.territory()
        if (not territory or council in territory) and page.phase() is Phase.OPEN:
            items.append(Participation(
                title=page.title, url=page.url, kind=_("Consultation"), closes_at=page.schedule()["closes_at"],
            ))
    return items


@hooks.register(OPEN_NOW_HOOK)
def open_votes_where_residents_live(sites, *, now, limit):
    """The sites' elections and consultations taking votes now."""
    return [OpenItem(title=page.title, url=page.get_full_url(),
                     kind=_("Consultation") if page.is_consultation else _("Election"),
                     closes_at=page.closes_at, site=site_of(page.path, sites))
            for page in open_votes_on_sites(sites, now=now, limit=limit)]


@hooks.register(EXPORT_HOOK)
def export_candidacies(user):
    return {
        "candidacies": [
            {
                "election": candidate.election.title,
                "council": candidate.council.name,
                "name": candidate.name,
                "statement": candidate.statement,
                "video": candidate.video_url,
                "photo": candidate.photo.file.url if candidate.photo else None,
                "status": candidate.status,
                "applied_at": candidate.applied_at,
                "review_note": candidate.review_note,
            }
            for candidate in Candidate.objects.filter(user=user).select_related("election", "council", "photo")
        ]
    }


@hooks.register(ERASE_HOOK)
def erase_candidacies(user):
    """Applications never on a ballot go, with their photo; an approved candidate's name stays on the record.

    The name is part of the sealed ballot and of the published results;
    the photo, statement and video were the candidate's own and are removed.
    """
    for candidate in Candidate.objects.filter(user=user).select_related("photo"):
        if candidate.photo:
            candidate.photo.delete()
        if candidate.status == Candidate.Status.APPROVED:
            Candidate.objects.filter(pk=candidate.pk).update(user=None, photo=None, statement="", video_url="")
        else:
            candidate.delete()



@hooks.register(ELIGIBILITY_HOOK)
def consultation_rules(contest, user):
    """A consultation's territory and minimum age, asked by the engine on every path to its ballots."""
    # Asked on every vote of every contest: most are no consultation's, so look the link up
    # cheaply and load the page (a wide join) only for a consultation's own ballots.
    consultation_id = _consultation_of(contest)
    if consultation_id is None:
        return None
    return eligibility.refusal(ConsultationPage.objects.get(pk=consultation_id), user)


def _consultation_of(contest) -> int | None:
    """The consultation whose question ``contest`` is, if any.

    A sealed contest's is fixed — ``consultations.sync_contests`` leaves
    sealed contests alone, and deleting the page deletes them — so it is
    looked up once per process; the manifest's fingerprint in the key tells
    apart contests that reuse a deleted one's id.
    """
    if contest.is_sealed:
        return _sealed_contest_consultation(contest.pk, contest.manifest_hash)
    return _lookup_consultation(contest.pk)


@functools.lru_cache(maxsize=1024)
def _sealed_contest_consultation(contest_id: int, manifest_hash: str) -> int | None:
    return _lookup_consultation(contest_id)


def _lookup_consultation(contest_id: int) -> int | None:
    return ConsultationBallot.objects.filter(contest_id=contest_id).values_list("consultation_id", flat=True).first()
