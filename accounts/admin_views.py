"""The admin of assisted contributions: Communications names helpers and reads the log.

``ModelViewSet`` (Wagtail's current way) for both; the log's permission
policy allows only reading: it is append-only, superusers included.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import AccreditedHelper, AssistanceEvent


class NameHelperView(generic.CreateView):
    """Record who named the helper."""

    def save_instance(self):
        self.form.instance.named_by = self.request.user
        return super().save_instance()


class AccreditedHelperViewSet(ModelViewSet):
    """Desk agents and volunteer ambassadors allowed to contribute with residents present."""

    model = AccreditedHelper
    name = "accounts_helpers"
    icon = "user"
    menu_label = _("Accredited helpers")
    url_prefix = "helpers"
    form_fields = ["user", "role", "active"]
    list_display = ["user", "role", "active", "named_by", "named_at"]
    copy_view_enabled = False

    add_view_class = NameHelperView


class ReadOnlyPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


register_permission_policy(AssistanceEvent, ReadOnlyPolicy(AssistanceEvent))


class AssistanceLogViewSet(ModelViewSet):
    """Every step of every assisted contribution: who helped whom, to do what, and how it ended."""

    model = AssistanceEvent
    name = "accounts_assistance_log"
    icon = "history"
    menu_label = _("Assisted contributions log")
    url_prefix = "helpers/log"
    list_display = ["at", "helper", "resident", "action", "event", "object_id"]
    form_fields = ["action"]
    copy_view_enabled = False
    inspect_view_enabled = True


class HelpersMenu(ViewSetGroup):
    menu_label = _("Help for residents")
    menu_icon = "group"
    menu_order = 280
    items = (AccreditedHelperViewSet, AssistanceLogViewSet)
