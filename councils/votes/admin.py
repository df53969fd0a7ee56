"""The officers' overview of elections and consultations, in the engine's "Votes" menu.

``VotesOverviewViewSet``: every election and consultation of the officer's
collectivities with where it stands, and for each a manage page: per
council, its candidates, its ballot (the engine's manage page) and its paper
day; the buttons that prepare and seal the ballots. Another collectivity's
vote is not found (``common.scoping``). Candidates have their own module
(``candidates_admin``).

Views are thin: a service call, its ``VotingError`` turned into a message.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from common.scoping import SitePermissionRequiredMixin, has_perm, scoped
from voting.admin import CONTESTS_NAMESPACE
from voting.exceptions import VotingError
from voting.phases import Phase, contest_phase
from voting.wagtail_hooks import VotesMenu

from . import consultations, elections, rules
from .candidates_admin import CANDIDATES_NAMESPACE
from .models import Candidate, ConsultationPage, ElectionPage

OVERVIEW_NAMESPACE = "councils_votes"


def user_vote_pages(model, user, perms=rules.VIEW_VOTES):
    """The elections or consultations of the sites where ``user`` holds one of ``perms``."""
    return scoped(model.objects.all(), user, perms, page="")


class FollowVotesMixin(SitePermissionRequiredMixin):
    permission_required = rules.VIEW_VOTES


class OverviewView(FollowVotesMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every election and consultation, newest first, with its phase and where to manage it."""

    template_name = "councils/election_admin_overview.html"
    page_title = _("Elections and consultations")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pages = [
            *user_vote_pages(ElectionPage, user).annotate(
                pending=Count("candidates", filter=Q(candidates__status=Candidate.Status.PENDING))
            ),
            *user_vote_pages(ConsultationPage, user),
        ]
        rows = [
            {
                "page": page,
                "kind": page._meta.verbose_name,
                "phase": page.phase(),
                "manage_url": reverse(
                    f"{OVERVIEW_NAMESPACE}:{'election' if isinstance(page, ElectionPage) else 'consultation'}",
                    args=[page.pk],
                ),
                "pending": getattr(page, "pending", None),
                **page.schedule(),
            }
            for page in pages
        ]
        rows.sort(key=lambda row: row["opens_at"], reverse=True)
        return super().get_context_data(rows=rows, **kwargs)


class VotePageMixin(FollowVotesMixin, WagtailAdminTemplateMixin):
    """A manage page about one election or consultation, under the overview in the breadcrumbs."""

    model = None
    header_icon = "tasks"

    @cached_property
    def page(self):
        return get_object_or_404(user_vote_pages(self.model, self.request.user), pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.page.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{OVERVIEW_NAMESPACE}:index"), "label": OverviewView.page_title},
            {"url": "", "label": self.get_page_title()},
        ]

    def ballot_rows(self, ballots) -> list[dict]:
        user = self.request.user
        rows = []
        for ballot in ballots:
            contest = ballot.contest
            phase = contest_phase(contest)
            rows.append({
                "ballot": ballot,
                "contest": contest,
                "phase": phase,
                "manage_url": reverse(f"{CONTESTS_NAMESPACE}:manage", args=[contest.pk])
                if rules.may_run_contest(user, contest) else None,
                "paper_url": reverse(f"{CONTESTS_NAMESPACE}:paper", args=[contest.pk])
                if contest.is_sealed and contest.roll_id and has_perm(user, "voting.record_paper", contest) else None,
                "paper_day": phase in (Phase.CLOSED, Phase.COUNTED),
            })
        return rows


class ElectionManageView(VotePageMixin, TemplateView):
    """Per council: seats, candidates by status, its ballot and paper day; prepare and seal the ballots."""

    model = ElectionPage
    template_name = "councils/election_admin_manage.html"

    def get_context_data(self, **kwargs):
        election = self.page
        counts = {
            (row["council"], row["status"]): row["n"]
            for row in election.candidates.values("council", "status").annotate(n=Count("pk"))
        }
        ballots = {row["ballot"].council_id: row for row in self.ballot_rows(election.ballot_rows())}
        councils = [
            {
                "council": seat.council,
                "seats": seat.seats,
                "pending": counts.get((seat.council_id, Candidate.Status.PENDING), 0),
                "approved": counts.get((seat.council_id, Candidate.Status.APPROVED), 0),
                "rejected": counts.get((seat.council_id, Candidate.Status.REJECTED), 0),
                "ballot": ballots.get(seat.council_id),
            }
            for seat in election.council_seats.select_related("council")
        ]
        user = self.request.user
        frozen = [row for row in ballots.values() if row["contest"].is_frozen]
        return super().get_context_data(
            election=election,
            councils=councils,
            candidates_url=reverse(f"{CANDIDATES_NAMESPACE}:index") + f"?election={election.pk}",
            can_seal=rules.may_seal(user, election) and len(frozen) < len(councils),
            any_proclaimed=any(row["phase"] is Phase.PROCLAIMED for row in ballots.values()),
            events=self.events(election),
            **kwargs,
        )

    def events(self, election):
        from voting.models import AuditEvent

        return AuditEvent.objects.filter(contest__in=election.contests()).select_related("actor", "contest")[:30]


class ElectionActionView(FollowVotesMixin, View):
    """POST only: prepare or seal every council's ballot, then back to the election's manage page."""

    http_method_names = ["post"]
    permission_required = "voting.seal_contest"
    seal = False

    def post(self, request, pk):
        election = get_object_or_404(user_vote_pages(ElectionPage, request.user, [self.permission_required]), pk=pk)
        try:
            if self.seal:
                elections.seal_ballots(election=election, actor=request.user)
                messages.success(
                    request, gettext("The ballots are frozen. Each trustee has been asked to make their part of the keys; voting opens once they all have.")
                )
            else:
                elections.prepare_ballots(election=election, actor=request.user)
                messages.success(request, gettext("The ballots now list the approved candidates."))
        except VotingError as error:
            messages.error(request, error.message)
        return redirect(reverse(f"{OVERVIEW_NAMESPACE}:election", args=[pk]))


class ConsultationManageView(VotePageMixin, TemplateView):
    """Each question's ballot, its phase and the engine's manage page; seal again if publication could not."""

    model = ConsultationPage
    template_name = "councils/consultation_admin_manage.html"

    def get_context_data(self, **kwargs):
        consultation = self.page
        rows = self.ballot_rows(consultation.ballot_rows())
        return super().get_context_data(
            consultation=consultation,
            ballots=rows,
            can_seal=consultation.live and rules.may_seal(self.request.user, consultation)
            and any(not row["contest"].is_frozen for row in rows),
            **kwargs,
        )


class ConsultationSealView(FollowVotesMixin, View):
    http_method_names = ["post"]
    permission_required = "voting.seal_contest"

    def post(self, request, pk):
        consultations_of_user = user_vote_pages(ConsultationPage, request.user, [self.permission_required])
        consultation = get_object_or_404(consultations_of_user.live(), pk=pk)
        try:
            consultations.launch(consultation=consultation, actor=request.user)
        except VotingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("The questions are frozen. Each trustee has been asked to make their part of the keys; voting opens once they all have."))
        return redirect(reverse(f"{OVERVIEW_NAMESPACE}:consultation", args=[pk]))


class OverviewMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.may_follow_votes(request.user)


class VotesOverviewViewSet(ViewSet):
    """Elections and consultations, with their manage pages (the engine's "Votes" menu)."""

    name = OVERVIEW_NAMESPACE
    url_prefix = "votes/elections"
    icon = "tasks"
    menu_label = _("Elections and consultations")
    menu_order = 10
    menu_item_class = OverviewMenuItem

    @property
    def menu_hook(self):
        return VotesMenu.submenu_hook

    def get_urlpatterns(self):
        return [
            path("", OverviewView.as_view(), name="index"),
            path("election/<int:pk>/", ElectionManageView.as_view(), name="election"),
            path("election/<int:pk>/prepare/", ElectionActionView.as_view(), name="election_prepare"),
            path("election/<int:pk>/seal/", ElectionActionView.as_view(seal=True), name="election_seal"),
            path("consultation/<int:pk>/", ConsultationManageView.as_view(), name="consultation"),
            path("consultation/<int:pk>/seal/", ConsultationSealView.as_view(), name="consultation_seal"),
        ]


def manage_url(page) -> str | None:
    """The manage page of an election or a consultation (for the page editor's header button)."""
    specific = page.specific_class
    if specific is ElectionPage:
        return reverse(f"{OVERVIEW_NAMESPACE}:election", args=[page.pk])
    if specific is ConsultationPage:
        return reverse(f"{OVERVIEW_NAMESPACE}:consultation", args=[page.pk])
    return None

