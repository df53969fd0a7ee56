"""The audit log, read-only: who did what to which vote, and when.

wagtail-modeladmin rather than a ModelViewSet: this is the classic model
listing it was made for (columns, a per-contest filter from Django's
``list_filter``, nothing to create or edit), and its permission helper
closes every write view in one place.
"""

from django.contrib.admin import display
from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from ..models import AuditEvent


class AuditLogPermissionHelper(PermissionHelper):
    """The log is append-only: read with ``voting.view_auditevent``; nobody edits it, superusers included."""

    def user_can_list(self, user):
        return user.has_perm("voting.view_auditevent")

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class AuditLogAdmin(ModelAdmin):
    """Listed in the "Votes" menu (see ``wagtail_hooks``), not on its own."""

    model = AuditEvent
    menu_label = _("Audit log")
    menu_icon = "history"
    base_url_path = "votes/audit"
    add_to_admin_menu = False
    history_view_enabled = False
    permission_helper_class = AuditLogPermissionHelper
    list_display = ("at", "action", "contest", "who", "detail")
    list_filter = ("contest",)
    list_select_related = ("contest", "actor")
    list_per_page = 50

    @display(description=_("Who"))
    def who(self, event):
        return event.actor or _("scheduler")

    def get_permissions_for_registration(self):
        """Only reading the log is a permission worth granting."""
        return Permission.objects.filter(content_type__app_label="voting", codename="view_auditevent")
