"""Wagtail's generic model views, serving only the objects of the user's sites (``common.scoping``).

Another collectivity's object is *not found* (404), as if it did not exist: its staff learn nothing,
not even that the number is taken. The model's permission policy (a ``SiteScopedPolicy`` registered
with ``wagtail.permissions.register_permission_policy``) says which objects that is.

``ScopedViewSetMixin`` puts every per-object view of a ``ModelViewSet`` or ``SnippetViewSet`` behind
it (edit, delete, inspect, copy, history, usage, and the listing); ``SiteOnCreateMixin`` gives a new
object the site it is created for.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView

from .scoping import creation_site, site_ids_with_perm

READ_ACTIONS = ("view", "change", "delete")


class ScopedObjectMixin:
    """The object among those of the user's sites; one they only read there is refused (403), not edited.

    ``scope_actions``: what the view does to it (``change`` for an edit view).
    """

    scope_actions = ("change",)

    def get_queryset(self):
        actions = {*READ_ACTIONS, *self.scope_actions}
        return self.permission_policy.instances_user_has_any_permission_for(self.request.user, actions)

    def get_object(self, queryset=None):
        return self.check_instance(super().get_object(queryset))

    def check_instance(self, instance):
        if not self.permission_policy.user_has_any_permission_for_instance(
                self.request.user, self.scope_actions, instance):
            raise PermissionDenied
        return instance


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    scope_actions = ("delete",)


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    scope_actions = ("view", "change")

    def get_object(self, queryset=None):
        # Wagtail's inspect view reads the model's default manager: go through the scoped queryset.
        return self.check_instance(get_object_or_404(self.get_queryset(), pk=unquote(str(self.pk))))


class ScopedCopyView(ScopedObjectMixin, generic.CopyView):
    scope_actions = ("add",)

    def get_object(self, queryset=None):
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return self.check_instance(get_object_or_404(self.get_queryset(), pk=pk))


class ScopedBaseObjectMixin:
    """For Wagtail's views built on ``BaseObjectMixin`` (history, usage): the object among the user's sites'."""

    scope_actions = READ_ACTIONS

    def get_base_object_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(self.request.user, self.scope_actions)


class ScopedHistoryView(ScopedBaseObjectMixin, HistoryView):
    pass


class ScopedUsageView(ScopedBaseObjectMixin, UsageView):
    pass


class ScopedIndexMixin:
    """The listing shows the objects of the user's sites only."""

    scope_actions = READ_ACTIONS

    def get_base_queryset(self):
        mine = self.permission_policy.instances_user_has_any_permission_for(self.request.user, self.scope_actions)
        return super().get_base_queryset().filter(pk__in=mine.values("pk"))


class ScopedIndexView(ScopedIndexMixin, generic.IndexView):
    pass


class SiteOnCreateMixin:
    """A new object belongs to the site it is created for (``common.scoping.creation_site``).

    ``site_field`` names its site foreign key. Refused (403) when that site cannot be told: a staff
    member of several collectivities creates from their own sites' addresses.
    """

    site_field = "site"

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        perm = self.permission_policy._get_permission_name("add")
        site = creation_site(self.request, [perm])
        if site is None and site_ids_with_perm(self.request.user, perm) is not None:
            raise PermissionDenied
        setattr(instance, self.site_field, site)
        return instance


class ScopedViewSetMixin:
    """Every view of the viewset about one object finds it among the user's sites' objects only (404)."""

    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    copy_view_class = ScopedCopyView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    index_view_class = ScopedIndexView
