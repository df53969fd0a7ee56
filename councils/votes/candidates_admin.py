"""Candidates of council elections in the officers' admin ("Votes" menu).

Applications are filtered by election, council and status; each is reviewed
(approved or rejected with a note) on its own page; paper applications are
added here too. A candidate belongs to the site of its election's page: that
collectivity's officers see and review it, another's get "not found", and the
form offers only their own elections and councils (``common.scoping``).
"""

import django_filters
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy

from common import admin_views as scoped_views
from common.scoping import SitePermissionRequiredMixin, SiteScopedPolicy, scoped
from voting.exceptions import VotingError
from voting.services.audit import log
from voting.wagtail_hooks import VotesMenu

from ..models import Council
from . import elections, rules
from .models import Candidate, ElectionPage

CANDIDATES_NAMESPACE = "councils_candidates"

register_permission_policy(Candidate, SiteScopedPolicy(Candidate, page="election"))


def user_candidates(user, perms=rules.CANDIDATE_PERMISSIONS):
    return scoped(Candidate.objects.all(), user, perms, page="election")


def _candidate_ballot(candidate: Candidate):
    return candidate.election.ballots.select_related("contest").filter(council_id=candidate.council_id).first()


class CandidateAdminForm(WagtailAdminModelForm):
    """Only the officer's own collectivities' elections and councils are choices (``Candidate.clean`` pairs them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None:
            return
        if "election" in self.fields:
            self.fields["election"].queryset = scoped(
                ElectionPage.objects.all(), self.for_user, rules.CANDIDATE_PERMISSIONS, page="")
        if "council" in self.fields:
            self.fields["council"].queryset = scoped(
                Council.objects.all(), self.for_user, rules.CANDIDATE_PERMISSIONS, site="site")


class CandidateIndexView(scoped_views.ScopedIndexView):
    """The listing (the user's collectivities' candidates), with a "Review" button on those waiting for it."""

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if instance.status == Candidate.Status.PENDING and rules.may_review_candidates(self.request.user, instance):
            review = reverse(f"{CANDIDATES_NAMESPACE}:review", args=[instance.pk])
            buttons = [ListingButton(_("Review"), url=review, icon_name="tick", priority=5), *buttons]
        return buttons


class FrozenCandidateMixin:
    """A candidate of a sealed ballot is what voters saw: no more edits (the engine's frozen rules)."""

    def dispatch(self, request, *args, **kwargs):
        candidate = get_object_or_404(user_candidates(request.user, ["councils.change_candidate"]), pk=kwargs["pk"])
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


class CandidateEditView(FrozenCandidateMixin, scoped_views.ScopedEditView):
    def save_instance(self):
        candidate = super().save_instance()
        ballot = _candidate_ballot(candidate)
        log(contest=ballot.contest if ballot else None, action="candidate_edited", actor=self.request.user,
            candidate=candidate.pk, fields=sorted(self.form.changed_data))
        if ballot:
            elections.prepare_ballots(election=candidate.election, actor=self.request.user)
        return candidate


class CandidateReviewView(SitePermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """One application in full, and the decision: approve, or reject with a note to the candidate."""

    permission_required = "councils.review_candidate"
    template_name = "councils/election_admin_review.html"
    header_icon = "user"

    @cached_property
    def candidate(self) -> Candidate:
        candidates = user_candidates(self.request.user, [self.permission_required])
        return get_object_or_404(candidates.select_related("election", "council", "photo"), pk=self.kwargs["pk"])

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


class CandidateFilterSet(WagtailFilterSet):
    """Filters offering the user's own collectivities' elections and councils only."""

    election = django_filters.ModelChoiceFilter(
        label=_("Election"), queryset=lambda request: scoped(
            ElectionPage.objects.all(), request.user, rules.CANDIDATE_PERMISSIONS, page="")
        if request else ElectionPage.objects.none())
    council = django_filters.ModelChoiceFilter(
        label=_("Council"), queryset=lambda request: scoped(
            Council.objects.all(), request.user, rules.CANDIDATE_PERMISSIONS, site="site")
        if request else Council.objects.none())

    class Meta:
        model = Candidate
        fields = ["election", "council", "status"]


class CandidateViewSet(scoped_views.ScopedViewSetMixin, ModelViewSet):
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
    filterset_class = CandidateFilterSet
    list_display = [
        "name",
        "council",
        "election",
        StatusTagColumn("status", label=_("Status"), accessor="get_status_display",
                        primary=lambda candidate: candidate.status == Candidate.Status.PENDING),
        Column("applied_at", label=_("Applied at"), sort_key="applied_at"),
    ]
    search_fields = ["name"]
    search_backend_name = None  # a few dozen rows: the ORM searches them, no index to keep
    edit_handler = ObjectList([
        FieldPanel("election"),
        FieldPanel("council"),
        FieldPanel("name"),
        FieldPanel("photo"),
        FieldPanel("statement"),
        FieldPanel("video_url"),
    ], base_form_class=CandidateAdminForm)

    @property
    def menu_hook(self):
        return VotesMenu.submenu_hook

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("review/<int:pk>/", CandidateReviewView.as_view(), name="review"),
        ]
