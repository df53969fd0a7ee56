"""Communications' admin of campaign kits: one template per election, in the "Votes" menu.

A ``ModelViewSet`` rather than a panel on the election page: the page is
edited by election officers and frozen once its ballots are sealed, which
is exactly when the campaign runs and Communications polishes its kit.
"""

from django.contrib import messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from voting.wagtail_hooks import VotesMenu

from .models import KitTemplate

TEMPLATES_NAMESPACE = "councils_kit_templates"


class RenderAgainMixin:
    """After saving, say that the approved candidates' kits follow (the signal queues them)."""

    def save_instance(self):
        template = super().save_instance()
        messages.info(self.request, gettext("The approved candidates' kits are being rendered again with this template."))
        return template


class KitTemplateCreateView(RenderAgainMixin, generic.CreateView):
    pass


class KitTemplateEditView(RenderAgainMixin, generic.EditView):
    pass


class KitTemplateViewSet(ModelViewSet):
    """Campaign kit templates: colours, logo, background, texts with placeholders, flyer wording."""

    model = KitTemplate
    name = TEMPLATES_NAMESPACE
    url_prefix = "votes/campaign-kits"
    icon = "image"
    menu_label = _("Campaign kits")
    menu_order = 260
    add_view_class = KitTemplateCreateView
    edit_view_class = KitTemplateEditView
    copy_view_enabled = False
    list_display = ["election", Column("updated_at", label=_("Updated at"), sort_key="updated_at")]
    search_fields = ["election__title"]
    search_backend_name = None  # one row per election: the ORM searches them

    @property
    def menu_hook(self):
        return VotesMenu.submenu_hook
