"""The officers' admin of elections and consultations, in the engine's "Votes" menu.

- ``CandidateViewSet``: applications, filtered by election, council and
  status; each is reviewed (approved or rejected with a note) on its own
  page; paper applications are added here too.
- ``VotesOverviewViewSet``: every election and consultation with where it
  stands, and for each a manage page: per council, its candidates, its
  ballot (the engine's manage page) and its paper day; the buttons that
  prepare and seal the ballots.

Views are thin: a service call, its ``VotingError`` turned into a message.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from voting.admin import CONTESTS_NAMESPACE
from voting.exceptions import VotingError
from voting.phases import Phase, contest_phase
from voting.services.audit import log
from voting.wagtail_hooks import VotesMenu

from . import consultations, elections, rules
from .models import Candidate, ConsultationPage, ElectionPage

OVERVIEW_NAMESPACE = "councils_votes"
CANDIDATES_NAMESPACE = "councils_candidates"


def _candidate_ballot(candidate: Candidate):
    return candidate.election.ballots.select_related("contest").filter(council_id=candidate.council_id).first()


class CandidateIndexView(generic.IndexView):
    """The listing, with a "Review" button on applications waiting for it."""

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if instance.status == Candidate.Status.PENDING and rules.may_review_candidates(self.request.user):
            review = reverse(f"{CANDIDATES_NAMESPACE}:review", args=[instance.pk])
            buttons = [ListingButton(_("Review"), url=review, icon_name="tick", priority=5), *buttons]
        return buttons


class FrozenCandidateMixin:
    """A candidate of a sealed ballot is what voters saw: no more edits (the engine's frozen rules)."""

    def dispatch(self, request, *args, **kwargs):
        candidate = get_object_or_404(Candidate, pk=kwargs["pk"])
        ballot = _candidate_ballot(candidate)
        if ballot and ballot.contest.is_frozen:
            messages.error(request, gettext("This council's ballot is sealed: its candidates can no longer change."))
            return redirect(reverse(f"{CANDIDATES_NAMESPACE}:index"))
        return super().dispatch(request, *args, **kwargs)


class CandidateCreateView(generic.CreateView):
    """An application received on paper, entered by an officer (then reviewed like the others)."""

    def save_instance(self):
        candidate = super().save_instance()
        ballot = _candidate_ballot(candidate)
        log(contest=ballot.contest if ballot else None, action="candidate_added", actor=self.request.user,
            candidate=candidate.pk, council=candidate.council.name)
        return candidate


class CandidateEditView(FrozenCandidateMixin, generic.EditView):
    def save_instance(self):
        candidate = super().save_instance()
        ballot = _candidate_ballot(candidate)
        log(contest=ballot.contest if ballot else None, action="candidate_edited", actor=self.request.user,
            candidate=candidate.pk, fields=sorted(self.form.changed_data))
        if ballot:
            elections.prepare_ballots(election=candidate.election, actor=self.request.user)
        return candidate


class CandidateReviewView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """One application in full, and the decision: approve, or reject with a note to the candidate."""

    permission_required = "councils.review_candidate"
    raise_exception = True
    template_name = "councils/election_admin_review.html"
    header_icon = "user"

    @cached_property
    def candidate(self) -> Candidate:
        return get_object_or_404(Candidate.objects.select_related("election", "council", "photo"), pk=self.kwargs["pk"])

    def get_page_title(self):
        return gettext("Review %(name)s") % {"name": self.candidate.name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{CANDIDATES_NAMESPACE}:index"), "label": Candidate._meta.verbose_name_plural.capitalize()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        others = Candidate.objects.filter(election=self.candidate.election, name__iexact=self.candidate.name).exclude(
            pk=self.candidate.pk
        )
        return super().get_context_data(candidate=self.candidate, same_name=others, **kwargs)

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision")
        if decision not in ("approve", "reject"):
            messages.error(request, gettext("Choose whether to approve or reject the application."))
            return redirect(request.path)
        try:
            elections.review(
                candidate=self.candidate, actor=request.user, approve=decision == "approve",
                note=request.POST.get("note", "").strip()[:1000],
            )
        except VotingError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        messages.success(
            request,
            (gettext("%(name)s is approved: they are on their council's ballot.") if decision == "approve"
             else gettext("%(name)s's application is rejected.")) % {"name": self.candidate.name},
        )
        return redirect(reverse(f"{CANDIDATES_NAMESPACE}:index"))


class CandidateViewSet(ModelViewSet):
    """Candidates of council elections, listed in the "Votes" menu."""

    model = Candidate
    name = CANDIDATES_NAMESPACE
    url_prefix = "votes/candidates"
    icon = "user"
    menu_label = _("Candidates")
    menu_order = 250
    index_view_class = CandidateIndexView
    add_view_class = CandidateCreateView
    edit_view_class = CandidateEditView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "name",
        "council",
        "election",
        StatusTagColumn("status", label=_("Status"), accessor="get_status_display",
                        primary=lambda candidate: candidate.status == Candidate.Status.PENDING),
        Column("applied_at", label=_("Applied at"), sort_key="applied_at"),
    ]
    list_filter = ["election", "council", "status"]
    search_fields = ["name"]
    search_backend_name = None  # a few dozen rows: the ORM searches them, no index to keep
    panels = [
        FieldPanel("election"),
        FieldPanel("council"),
        FieldPanel("name"),
        FieldPanel("photo"),
        FieldPanel("statement"),
        FieldPanel("video_url"),
    ]

    @property
    def menu_hook(self):
        return VotesMenu.submenu_hook

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("review/<int:pk>/", CandidateReviewView.as_view(), name="review"),
        ]


class FollowVotesMixin(PermissionRequiredMixin):
    raise_exception = True

    def has_permission(self):
        return rules.may_follow_votes(self.request.user)


class OverviewView(FollowVotesMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every election and consultation, newest first, with its phase and where to manage it."""

    template_name = "councils/election_admin_overview.html"
    page_title = _("Elections and consultations")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        pages = [
            *ElectionPage.objects.annotate(
                pending=Count("candidates", filter=Q(candidates__status=Candidate.Status.PENDING))
            ),
            *ConsultationPage.objects.all(),
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
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

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
                if rules.may_run_contest(user) else None,
                "paper_url": reverse(f"{CONTESTS_NAMESPACE}:paper", args=[contest.pk])
                if contest.is_sealed and contest.roll_id and user.has_perm("voting.record_paper") else None,
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
            can_seal=rules.may_seal(user) and len(frozen) < len(councils),
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
    seal = False

    def has_permission(self):
        return rules.may_seal(self.request.user)

    def post(self, request, pk):
        election = get_object_or_404(ElectionPage, pk=pk)
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
            can_seal=consultation.live and rules.may_seal(self.request.user)
            and any(not row["contest"].is_frozen for row in rows),
            **kwargs,
        )


class ConsultationSealView(FollowVotesMixin, View):
    http_method_names = ["post"]

    def has_permission(self):
        return rules.may_seal(self.request.user)

    def post(self, request, pk):
        consultation = get_object_or_404(ConsultationPage.objects.live(), pk=pk)
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

