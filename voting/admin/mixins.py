"""What every per-contest admin view shares: its contest and its permission check."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..models import Contest
from . import CONTESTS_NAMESPACE


class ContestPermissionMixin(PermissionRequiredMixin):
    """The contest named in the URL, for a user holding ``permission_required``.

    A refusal raises PermissionDenied, which the Wagtail admin turns into its
    "no permission" message; admin access itself is checked by Wagtail for
    every admin URL. Override ``contest_queryset`` to restrict which contests
    the view serves.
    """

    raise_exception = True
    contest_queryset = Contest.objects.all()

    @cached_property
    def contest(self) -> Contest:
        return get_object_or_404(self.contest_queryset, pk=self.kwargs["pk"])

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
