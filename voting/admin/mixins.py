"""What every per-contest admin view shares: its contest and its permission check."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from common.scoping import SitePermissionRequiredMixin, scoped

from ..models import Contest
from . import CONTESTS_NAMESPACE


class ContestPermissionMixin(SitePermissionRequiredMixin):
    """The contest named in the URL, for a user holding ``permission_required`` for its site.

    A user without the permission anywhere is refused (PermissionDenied, which the Wagtail admin
    turns into its "no permission" message); another collectivity's contest is not found (404).
    Override ``contest_queryset`` to restrict which contests the view serves.
    """

    contest_queryset = Contest.objects.all()

    @cached_property
    def contest(self) -> Contest:
        contests = scoped(self.contest_queryset, self.request.user, self.get_permission_required(), site="site")
        return get_object_or_404(contests, pk=self.kwargs["pk"])

    def contest_url(self, name: str, *args) -> str:
        return reverse(f"{CONTESTS_NAMESPACE}:{name}", args=[self.contest.pk, *args])


class ContestPageMixin(WagtailAdminTemplateMixin):
    """An admin page about one contest, under "Contests > <title>" breadcrumbs.

    Comes after ``ContestPermissionMixin``, which provides the contest.
    """

    header_icon = "tasks"

    def get_page_subtitle(self):
        return self.contest.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{CONTESTS_NAMESPACE}:index"), "label": capfirst(Contest._meta.verbose_name_plural)},
            {"url": self.contest_url("manage"), "label": self.contest.title},
            *self.get_parent_breadcrumbs(),
            {"url": "", "label": self.get_page_title()},
        ]

    def get_parent_breadcrumbs(self) -> list[dict]:
        """Pages between the contest and this one (none by default)."""
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(contest=self.contest, **kwargs)
