"""The committee's per-edition admin: the editions, finalist selection, statistics, Pabulib.

Each edition belongs to its budget page's site: a collectivity's committee sees and acts on its own
(``common.scoping``); another's is not found.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from common.scoping import SitePermissionRequiredMixin, has_any_perm, has_perm, scoped
from voting.models import Result

from . import services
from .exceptions import BudgetError, InvalidData
from .forms import FinalistsForm
from .models import BudgetPage, FinalistVote, Idea
from .phases import Phase

EDITIONS_NAMESPACE = "budget_editions"
EDITION_PERMISSIONS = ("budget.review_idea", "budget.select_finalists", "budget.view_statistics")


def user_budgets(request):
    """The editions of the sites the user works for (the ideas queue's filter lists no one else's)."""
    if request is None:
        return BudgetPage.objects.none()
    return scoped(BudgetPage.objects.order_by("-ideas_open_at"), request.user, EDITION_PERMISSIONS, page="")


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
        from .admin_pabulib import ProfileDownloadView, WhatIfView  # they build on EditionMixin

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
