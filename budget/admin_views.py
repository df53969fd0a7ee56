"""The steering committee's and moderators' admin: the ideas queue, review, rewrite, hide, finalists, statistics.

Ideas use Wagtail's ``ModelViewSet`` rather than wagtail-modeladmin or a
``SnippetViewSet``: it is Wagtail 8's maintained way to administer a plain
model, and the review needs custom per-object views (checklist, hide) next
to the listing, which a viewset routes and permission-checks in one place.
wagtail-modeladmin is in maintenance mode; snippets would add a chooser,
drafts and revisions that ideas (written by residents, not editors) do
not need — their history is ``IdeaRevision``.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy

from common.scoping import SitePermissionRequiredMixin, SiteScopedPolicy, has_any_perm, has_perm, scoped

from voting.models import Result

from . import services
from .admin_pabulib import ProfileDownloadView, WhatIfView
from .exceptions import BudgetError, InvalidData
from .forms import FinalistsForm, HideForm, ReviewForm
from .models import BudgetPage, FinalistVote, Idea
from .phases import Phase

IDEAS_NAMESPACE = "budget_ideas"
EDITIONS_NAMESPACE = "budget_editions"
IDEA_FIELDS = ("title", "description", "council", "location", "category", "cost")
# Who may see the queue: ideas are scoped to the sites where the user holds one of these.
IDEA_PERMISSIONS = ("budget.review_idea", "budget.hide_idea", "budget.change_idea", "budget.view_idea")
EDITION_PERMISSIONS = ("budget.review_idea", "budget.select_finalists", "budget.view_statistics")


def user_budgets(request):
    """The editions of the sites the user works for (the queue's filter lists no one else's)."""
    if request is None:
        return BudgetPage.objects.none()
    return scoped(BudgetPage.objects.order_by("-ideas_open_at"), request.user, EDITION_PERMISSIONS, page="")


def user_ideas(user, perms=IDEA_PERMISSIONS):
    return scoped(Idea.objects.all(), user, perms, page="budget")


class IdeaFilterSet(WagtailFilterSet):
    """The review queue's filters: edition, state, neighbourhood, category, hidden."""

    budget = django_filters.ModelChoiceFilter(label=_("Budget"), queryset=user_budgets)
    hidden = django_filters.BooleanFilter(label=_("Hidden"), field_name="hidden_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Idea
        fields = ["budget", "status", "council", "category"]


class IdeaIndexView(generic.IndexView):
    """The queue, by state then date of submission; Review and Hide buttons on each row."""

    def get_add_url(self):
        return None  # residents submit ideas; the admin never creates them

    def get_base_queryset(self):
        return (super().get_base_queryset() & user_ideas(self.request.user)).select_related("budget", "council")

    def get_list_buttons(self, instance):
        user, buttons = self.request.user, []
        if has_perm(user, "budget.review_idea", instance) and instance.status in services.REVIEWABLE:
            buttons.append(ListingButton(_("Review"), url=reverse(f"{IDEAS_NAMESPACE}:review", args=[instance.pk]),
                                         icon_name="tasks", priority=5))
        if has_perm(user, "budget.hide_idea", instance):
            name, label = ("restore", _("Show again")) if instance.is_hidden else ("hide", _("Hide"))
            buttons.append(ListingButton(label, url=reverse(f"{IDEAS_NAMESPACE}:{name}", args=[instance.pk]),
                                         icon_name="no-view", priority=6))
        return [*buttons, *super().get_list_buttons(instance)]


class RewriteAdminForm(WagtailAdminModelForm):
    """The idea's fields plus the author's agreement and a note for the history."""

    author_agreed = forms.BooleanField(label=_("The author agreed to this new text"), required=False)
    note = forms.CharField(label=_("Note for the history"), required=False, max_length=500,
                           help_text=_("e.g. “merged with a similar idea, cost checked with the technical services”."))


class IdeaRewriteView(generic.EditView):
    """The committee rewrites an idea with its author's agreement; the service keeps the history."""

    def get_queryset(self):
        return user_ideas(self.request.user, ["budget.change_idea"])

    def save_instance(self):
        idea = Idea.objects.select_related("budget", "council").get(pk=self.object.pk)
        return services.rewrite_idea(
            idea=idea, editor=self.request.user, data={name: self.form.cleaned_data.get(name) for name in IDEA_FIELDS},
            author_agreed=self.form.cleaned_data["author_agreed"], note=self.form.cleaned_data["note"],
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except InvalidData as error:
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except BudgetError as error:
            form.add_error(None, error.message)
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)

    def get_success_message(self):
        return gettext("The idea “%(title)s” is rewritten; the previous text stays in its history.") % {"title": self.object.title}

    def get_context_data(self, **kwargs):
        return super().get_context_data(revisions=self.object.revisions.select_related("editor"), **kwargs)


class IdeaInspectView(generic.InspectView):
    template_name = "budget/admin/idea_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(user_ideas(self.request.user), pk=self.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(revisions=self.object.revisions.select_related("editor"), **kwargs)


class IdeaObjectMixin(SitePermissionRequiredMixin, WagtailAdminTemplateMixin):
    """An admin page about one idea of a site where the user holds ``permission_required`` (404 otherwise)."""

    header_icon = "help"

    @cached_property
    def idea(self) -> Idea:
        ideas = user_ideas(self.request.user, self.get_permission_required())
        return get_object_or_404(ideas.select_related("budget", "council", "author", "image"), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.idea.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{IDEAS_NAMESPACE}:index"), "label": gettext("Ideas")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(idea=self.idea, **kwargs)

    def back_to_queue(self):
        return redirect(f"{reverse(f'{IDEAS_NAMESPACE}:index')}?budget={self.idea.budget_id}")


class ReviewView(IdeaObjectMixin, FormView):
    """One idea against the published criteria: checklist, verdict, reason; the author is told."""

    template_name = "budget/admin/review.html"
    form_class = ReviewForm
    page_title = _("Review")
    permission_required = "budget.review_idea"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "idea": self.idea}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            revisions=self.idea.revisions.select_related("editor"),
            phase=services.budget_phase(self.idea.budget), phases=Phase, **kwargs,
        )

    def form_valid(self, form):
        try:
            services.review_idea(idea=self.idea, reviewer=self.request.user, eligible=form.cleaned_data["eligible"],
                                 reason=form.cleaned_data["reason"], checklist=form.checklist())
        except InvalidData as error:
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
            return self.form_invalid(form)
        except BudgetError as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(self.request, gettext("“%(title)s”: %(verdict)s.") % {
            "title": self.idea.title, "verdict": self.idea.get_status_display()})
        return self.back_to_queue()


class HideView(IdeaObjectMixin, FormView):
    """A moderator hides an idea, giving the reason shown in its place."""

    template_name = "budget/admin/hide.html"
    page_title = _("Hide an idea")
    form_class = HideForm
    permission_required = "budget.hide_idea"

    def form_valid(self, form):
        services.hide_idea(idea=self.idea, moderator=self.request.user, reason=form.cleaned_data["reason"])
        messages.success(self.request, gettext("The idea “%(title)s” is hidden.") % {"title": self.idea.title})
        return self.back_to_queue()


class RestoreView(IdeaObjectMixin, TemplateView):
    """Show a hidden idea again, after a confirmation."""

    template_name = "budget/admin/restore.html"
    page_title = _("Show an idea again")
    permission_required = "budget.hide_idea"

    def post(self, request, *args, **kwargs):
        services.restore_idea(idea=self.idea, moderator=request.user)
        messages.success(request, gettext("The idea “%(title)s” is shown again.") % {"title": self.idea.title})
        return self.back_to_queue()


# Ideas belong to the site of their budget page: its staff review them, no one else's (common.scoping).
register_permission_policy(Idea, SiteScopedPolicy(Idea, page="budget"))


class IdeaViewSet(ModelViewSet):
    """Residents' ideas: the steering committee's review queue and the moderators' hiding."""

    model = Idea
    name = IDEAS_NAMESPACE
    url_prefix = "budget/ideas"
    icon = "help"
    menu_label = _("Ideas")
    index_view_class = IdeaIndexView
    edit_view_class = IdeaRewriteView
    inspect_view_class = IdeaInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = IdeaFilterSet
    search_fields = ["title", "description", "location"]
    search_backend_name = None  # a few hundred rows an edition: the ORM searches them, no index to keep
    list_display = [
        "title",
        Column("budget", label=_("Budget"), accessor="budget"),
        Column("council", label=_("Neighbourhood"), accessor=lambda idea: idea.council or gettext("Whole town")),
        Column("cost", label=_("Cost (EUR)"), sort_key="cost"),
        StatusTagColumn("status", label=_("State"), accessor="get_status_display", primary=lambda idea: idea.status == Idea.Status.SUBMITTED),
        Column("hidden", label=_("Hidden"), accessor=lambda idea: gettext("hidden") if idea.is_hidden else ""),
        "submitted_at",
    ]
    ordering = ["status", "submitted_at"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel([FieldPanel(name) for name in IDEA_FIELDS], heading=_("The idea")),
            MultiFieldPanel([FieldPanel("author_agreed"), FieldPanel("note")], heading=_("Rewriting with the author's agreement")),
        ],
        base_form_class=RewriteAdminForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("review/<int:pk>/", ReviewView.as_view(), name="review"),
            path("hide/<int:pk>/", HideView.as_view(), name="hide"),
            path("restore/<int:pk>/", RestoreView.as_view(), name="restore"),
        ]


# --- Editions: finalists and statistics -------------------------------------------------------


class EditionMixin(SitePermissionRequiredMixin, WagtailAdminTemplateMixin):
    header_icon = "list-ul"

    @cached_property
    def budget(self) -> BudgetPage:
        editions = scoped(BudgetPage.objects.all(), self.request.user, self.get_permission_required(), page="")
        return get_object_or_404(editions, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.budget.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{EDITIONS_NAMESPACE}:index"), "label": gettext("Budget editions")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(budget=self.budget, **kwargs)


class EditionIndexView(SitePermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every edition of the user's sites with its phase, its ideas by state, and the committee's next steps."""

    template_name = "budget/admin/editions.html"
    page_title = _("Budget editions")
    header_icon = "list-ul"
    permission_required = EDITION_PERMISSIONS

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        from django.db.models import Count

        budgets = list(user_budgets(self.request))
        counts = {}
        for row in Idea.objects.filter(budget__in=budgets).values("budget_id", "status").annotate(n=Count("pk")):
            counts.setdefault(row["budget_id"], {})[row["status"]] = row["n"]
        labels = dict(Idea.Status.choices)
        editions = [
            {"budget": budget, "phase": services.budget_phase(budget),
             "counts": [(labels[status], counts.get(budget.pk, {}).get(status, 0)) for status in Idea.Status.values],
             "has_finalists": services.finalist_contest(budget) is not None,
             "has_profile": Result.objects.filter(approvals__isnull=False, contest_id__in=FinalistVote.objects.filter(
                 budget=budget).values("contest_id")).exists()}
            for budget in budgets
        ]
        user = self.request.user
        return super().get_context_data(
            editions=editions, phases=Phase, can_select=has_perm(user, "budget.select_finalists"),
            can_see_statistics=has_perm(user, "budget.view_statistics"), **kwargs,
        )


class FinalistsView(EditionMixin, FormView):
    """Choose the finalists among eligible ideas; creates and seals the finalist vote."""

    template_name = "budget/admin/finalists.html"
    form_class = FinalistsForm
    page_title = _("Select the finalists")
    permission_required = "budget.select_finalists"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "budget": self.budget}

    def get_context_data(self, **kwargs):
        contest = services.finalist_contest(self.budget)
        return super().get_context_data(
            contest=contest, finalists=services.finalists(self.budget) if contest else [],
            phase=services.budget_phase(self.budget), phases=Phase, rule=services.rule_text(self.budget), **kwargs,
        )

    def form_valid(self, form):
        try:
            contest = services.select_finalists(budget=self.budget, ideas=form.cleaned_data["ideas"], actor=self.request.user)
        except InvalidData as error:
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
            return self.form_invalid(form)
        except BudgetError as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(self.request, gettext(
            "The finalist vote is created (%(count)d finalists) and frozen. Each trustee has been asked to make their "
            "part of its key; the vote opens once they all have."
        ) % {"count": contest.options.count()})
        return redirect(reverse(f"{EDITIONS_NAMESPACE}:finalists", args=[self.budget.pk]))


class StatisticsView(EditionMixin, TemplateView):
    template_name = "budget/admin/statistics.html"
    page_title = _("Statistics")
    permission_required = "budget.view_statistics"

    def get_context_data(self, **kwargs):
        return super().get_context_data(stats=services.statistics(budget=self.budget), **kwargs)


class StatisticsCsvView(EditionMixin, View):
    permission_required = "budget.view_statistics"

    def get(self, request, *args, **kwargs):
        response = HttpResponse(services.statistics_csv(services.statistics(budget=self.budget)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statistiques-{self.budget.slug}.csv"'
        return response


class EditionViewSet(ViewSet):
    """Per-edition admin pages: the list of editions, finalist selection, statistics."""

    name = EDITIONS_NAMESPACE
    url_prefix = "budget/editions"
    icon = "list-ul"
    menu_label = _("Editions, finalists, statistics")

    def get_urlpatterns(self):
        return [
            path("", EditionIndexView.as_view(), name="index"),
            path("finalists/<int:pk>/", FinalistsView.as_view(), name="finalists"),
            path("statistics/<int:pk>/", StatisticsView.as_view(), name="statistics"),
            path("statistics/<int:pk>/csv/", StatisticsCsvView.as_view(), name="statistics_csv"),
            path("profile/<int:pk>.pb", ProfileDownloadView.as_view(), name="profile_pb"),
            path("what-if/", WhatIfView.as_view(), name="what_if"),
        ]

    @cached_property
    def menu_item_class(self):
        class EditionsMenuItem(MenuItem):
            def is_shown(self, request):
                return has_any_perm(request.user, EDITION_PERMISSIONS)

        return EditionsMenuItem


class BudgetMenu(ViewSetGroup):
    """The "Participatory budget" menu; shown only to users allowed into one of its items."""

    menu_label = _("Participatory budget")
    menu_icon = "help"
    menu_order = 255
    items = (IdeaViewSet, EditionViewSet)
