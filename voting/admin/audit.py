"""The audit log, read-only: who did what to which vote, and when.

wagtail-modeladmin rather than a ModelViewSet: this is the classic model
listing it was made for (columns, a per-contest filter from Django's
``list_filter``, nothing to create or edit), and its permission helper
closes every write view in one place.
"""

from django.contrib.admin import SimpleListFilter, display
from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from common.scoping import has_perm, scoped

from ..models import AuditEvent, Contest


class AuditLogPermissionHelper(PermissionHelper):
    """The log is append-only: read with ``voting.view_auditevent``; nobody edits it, superusers included."""

    def user_can_list(self, user):
        return has_perm(user, "voting.view_auditevent")

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ContestFilter(SimpleListFilter):
    """The contests of the user's sites only: another collectivity's titles are not listed either."""

    title = _("contest")
    parameter_name = "contest"

    def lookups(self, request, model_admin):
        contests = scoped(Contest.objects.all(), request.user, "voting.view_auditevent", site="site")
        return [(contest.pk, contest.title) for contest in contests]

    def queryset(self, request, queryset):
        return queryset.filter(contest_id=self.value()) if self.value() else queryset


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
    list_filter = (ContestFilter,)
    list_select_related = ("contest", "actor")
    list_per_page = 50

    def get_queryset(self, request):
        # The events of the contests of the sites the user reads the log for (common.scoping).
        return scoped(super().get_queryset(request), request.user, "voting.view_auditevent", site="contest__site")

    @display(description=_("Who"))
    def who(self, event):
        return event.actor or _("scheduler")

    def get_permissions_for_registration(self):
        """Only reading the log is a permission worth granting."""
        return Permission.objects.filter(content_type__app_label="voting", codename="view_auditevent")
