"""The admin chooser for contests, used by the ballot and results blocks."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.chooser import ChooserViewSet


class ContestChooserViewSet(ChooserViewSet):
    model = "voting.Contest"
    icon = "tasks"
    choose_one_text = _("Choose a vote")
    choose_another_text = _("Choose another vote")
    edit_item_text = _("Edit this vote")


contest_chooser_viewset = ContestChooserViewSet("contest_chooser")


@hooks.register("register_admin_viewset")
def register_contest_chooser():
    return contest_chooser_viewset
