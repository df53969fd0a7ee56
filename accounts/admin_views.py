"""The admin of assisted contributions: Communications names helpers and reads the log.

``ModelViewSet`` (Wagtail's current way) for both; the log's permission
policy allows only reading: it is append-only, superusers included.
A helper is named for the collectivity of the site they are named on; its
Communications see them and their log, another's get "not found"
(``common.scoping``).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from common import admin_views as scoped_views
from common.scoping import SiteScopedPolicy

from .models import AccreditedHelper, AssistanceEvent

register_permission_policy(AccreditedHelper, SiteScopedPolicy(AccreditedHelper, site="site"))


class NameHelperView(scoped_views.SiteOnCreateMixin, generic.CreateView):
    """Record who named the helper, for the collectivity of the site they are named on."""

    def save_instance(self):
        self.form.instance.named_by = self.request.user
        return super().save_instance()


class ReadOnlyPolicy(SiteScopedPolicy):
    """Reading only, of the events of the collectivity's own helpers."""

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_any_permission(user, ["view"])

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return "view" in actions and super().user_has_any_permission_for_instance(user, ["view"], instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return super().instances_user_has_any_permission_for(user, ["view"])


register_permission_policy(AssistanceEvent, ReadOnlyPolicy(AssistanceEvent, site="helper__helper_accreditation__site"))


class AccreditedHelperViewSet(scoped_views.ScopedViewSetMixin, ModelViewSet):
    """Desk agents and volunteer ambassadors allowed to contribute with residents present."""

    model = AccreditedHelper
    name = "accounts_helpers"
    icon = "user"
    menu_label = _("Accredited helpers")
    url_prefix = "helpers"
    # Panels, not form_fields: Wagtail's admin form names the account by its e-mail (accounts.fields).
    panels = [FieldPanel("user"), FieldPanel("role"), FieldPanel("active")]
    list_display = ["user", "role", "active", "named_by", "named_at"]
    copy_view_enabled = False

    add_view_class = NameHelperView


class AssistanceLogViewSet(scoped_views.ScopedViewSetMixin, ModelViewSet):
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
