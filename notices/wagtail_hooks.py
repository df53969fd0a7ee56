"""Wiring of notices: listener of announcements, residents' data rights, Communications' admin pages."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.notifications import NOTIFY_HOOK
from common.scoping import has_perm
from accounts.privacy import ERASE_HOOK, EXPORT_HOOK

from . import services
from .admin_views import PERMISSION, StaffNoticeLogView, StaffNoticeSendView

hooks.register(NOTIFY_HOOK, services.on_announcement)
hooks.register(EXPORT_HOOK, services.export_personal_data)
hooks.register(ERASE_HOOK, services.erase_personal_data)

admin_urls = (
    [
        path("", StaffNoticeLogView.as_view(), name="log"),
        path("envoyer/", StaffNoticeSendView.as_view(), name="send"),
    ],
    "notices_admin",
)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("avis-aux-habitants/", include(admin_urls))]


class StaffNoticeMenuItem(MenuItem):
    def is_shown(self, request):
        return has_perm(request.user, PERMISSION)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return StaffNoticeMenuItem(_("Notices to residents"), reverse("notices_admin:log"), icon_name="mail", order=850)
