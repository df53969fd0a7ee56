"""The "Votes" admin menu: contests (and their manage and paper-day pages), electoral rolls, audit log."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin.audit import AuditLogAdmin
from .admin.contests import ContestViewSet
from .admin.rolls import RollViewSet


class VotesMenu(ViewSetGroup):
    """The election officers' menu; shown only to users allowed into one of its items."""

    menu_label = _("Votes")
    menu_icon = "tasks"
    menu_order = 260
    items = (ContestViewSet, RollViewSet)
    # The audit log is a wagtail-modeladmin listing: it joins the menu through this hook.
    submenu_hook = "register_votes_menu_item"


@hooks.register("register_admin_viewset")
def register_votes_menu():
    return VotesMenu()


audit_log = AuditLogAdmin()
audit_log.register_with_wagtail()
hooks.register(VotesMenu.submenu_hook, audit_log.get_menu_item)
