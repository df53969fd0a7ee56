"""Wagtail's generic model views, serving only the objects of the user's sites (``common.scoping``).

Another collectivity's object is *not found* (404), as if it did not exist: its staff learn nothing,
not even that the number is taken. The model's permission policy (a ``SiteScopedPolicy`` registered
with ``wagtail.permissions.register_permission_policy``) says which objects that is.
"""

from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404
from wagtail.admin.views import generic


class ScopedObjectMixin:
    scope_actions = ("change",)

    def get_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(self.request.user, self.scope_actions)


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    scope_actions = ("delete",)


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    scope_actions = ("view", "change")

    def get_object(self, queryset=None):
        # Wagtail's inspect view reads the model's default manager: go through the scoped queryset.
        return get_object_or_404(self.get_queryset(), pk=unquote(str(self.pk)))
