"""Admin for councils: a snippet, so council pages choose theirs with the snippet chooser.

A council belongs to the collectivity's site it was created on: its staff list, edit, inspect and
choose their councils only; another's is not found (``common.scoping``).
"""

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from common import admin_views as scoped_views
from common.scoping import SiteScopedPolicy, creation_site, site_ids_with_perm

from .forms import CouncilAdminForm
from .models import Council
from .votes import hooks as _vote_hooks  # noqa: F401  (elections' and consultations' admin and hooks)
from .kits import hooks as _kit_hooks  # noqa: F401  (campaign kits' admin and hooks)

register_permission_policy(Council, SiteScopedPolicy(Council, site="site"))

# Who may choose a council (a page's, a mission block's): whoever may see or edit councils there.
CHOOSE_ACTIONS = ("view", "change", "add")


def user_councils(user, actions=CHOOSE_ACTIONS):
    policy = SiteScopedPolicy(Council, site="site")
    return policy.instances_user_has_any_permission_for(user, actions)


class CouncilFilterSet(WagtailFilterSet):
    """Which council covers a postcode, straight from the listing."""

    postcode = django_filters.CharFilter(label=_("Postcode"), field_name="areas__postcode", distinct=True)

    class Meta:
        model = Council
        fields: list[str] = []


class CouncilIndexView(scoped_views.ScopedIndexMixin, snippet_views.IndexView):
    pass


class CouncilCreateView(scoped_views.SiteOnCreateMixin, snippet_views.CreateView):
    pass


class CouncilEditView(scoped_views.ScopedObjectMixin, snippet_views.EditView):
    pass


class CouncilDeleteView(scoped_views.ScopedObjectMixin, snippet_views.DeleteView):
    scope_actions = ("delete",)


class CouncilCopyView(scoped_views.SiteOnCreateMixin, scoped_views.ScopedObjectMixin, snippet_views.CopyView):
    scope_actions = ("add",)

    def get_object(self, queryset=None):
        return self.check_instance(get_object_or_404(self.get_queryset(), pk=self.kwargs[self.pk_url_kwarg]))


class CouncilInspectView(scoped_views.ScopedObjectMixin, snippet_views.InspectView):
    scope_actions = ("view", "change")

    def get_object(self, queryset=None):
        return self.check_instance(get_object_or_404(self.get_queryset(), pk=self.pk))


class CouncilHistoryView(scoped_views.ScopedBaseObjectMixin, snippet_views.HistoryView):
    pass


class CouncilUsageView(scoped_views.ScopedBaseObjectMixin, snippet_views.UsageView):
    pass


class ChooseCouncilMixin:
    def get_object_list(self):
        return user_councils(self.request.user)


class CouncilChooseView(ChooseCouncilMixin, snippet_chooser.ChooseView):
    pass


class CouncilChooseResultsView(ChooseCouncilMixin, snippet_chooser.ChooseResultsView):
    pass


class CouncilChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        return user_councils(self.request.user).get(pk=pk)


class CouncilChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return user_councils(self.request.user).filter(pk__in=pks)


class CouncilChooserCreateView(snippet_chooser.SnippetCreateView):
    """Councils are created in their own form (territory, stations); the chooser has no creation form."""

    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404  # rather than Wagtail's error on a post without a form
        return super().dispatch(request, *args, **kwargs)

    def save_form(self, form):
        form.instance.site = creation_site(self.request, ["councils.add_council"])
        if form.instance.site is None and site_ids_with_perm(self.request.user, "councils.add_council") is not None:
            raise PermissionDenied
        return super().save_form(form)


class CouncilChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = CouncilChooseView
    choose_results_view_class = CouncilChooseResultsView
    chosen_view_class = CouncilChosenView
    chosen_multiple_view_class = CouncilChosenMultipleView
    create_view_class = CouncilChooserCreateView


class CouncilViewSet(SnippetViewSet):
    """Councils and their territory (postcodes, streets, polling stations), edited in one form."""

    model = Council
    icon = "group"
    menu_label = _("Councils")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "email", "population"]
    filterset_class = CouncilFilterSet
    search_fields = ["name"]
    search_backend_name = None  # a handful of rows: the ORM searches them, no index to keep
    inspect_view_enabled = True
    edit_handler = ObjectList(Council.panels, base_form_class=CouncilAdminForm)

    index_view_class = CouncilIndexView
    add_view_class = CouncilCreateView
    edit_view_class = CouncilEditView
    delete_view_class = CouncilDeleteView
    copy_view_class = CouncilCopyView
    inspect_view_class = CouncilInspectView
    history_view_class = CouncilHistoryView
    usage_view_class = CouncilUsageView
    chooser_viewset_class = CouncilChooserViewSet


register_snippet(CouncilViewSet)
