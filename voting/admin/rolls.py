"""Electoral rolls: upload a CSV, follow its import, read the report of a failed one.

A ``ModelViewSet`` rather than wagtail-modeladmin: uploading queues an
import and the roll's page shows its progress, which needs the create and
edit views' hooks (``save_instance``, ``is_valid``) more than a listing.
The roll's page is its edit view: status on top, then the form to rename
it or upload a new file (a new import).
"""

from functools import partial

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.widgets import HeaderButton
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Site
from wagtail.permissions import register_permission_policy

from common.admin_views import ScopedObjectMixin
from common.scoping import SitePermissionRequiredMixin, SiteScopedPolicy

from ..exceptions import ContestFrozen, RollImportError
from ..models import VoterRoll
from ..services import roll as roll_service
from ..services import roll_combine
from .forms import CombineRollsForm, RollUploadForm


class ImportOnUploadMixin:
    """Queue the import of a newly uploaded file once it is committed, then show the roll's page."""

    def save_instance(self):
        voter_roll = super().save_instance()
        if "source_file" in self.form.changed_data and voter_roll.source_file:
            transaction.on_commit(partial(roll_service.request_import, voter_roll))
        return voter_roll

    def get_success_url(self):
        return reverse(self.edit_url_name, args=[self.object.pk])


# A roll belongs to the site it was uploaded for: that collectivity's officers hold it (common.scoping).
register_permission_policy(VoterRoll, SiteScopedPolicy(VoterRoll, site="site"))


class RollIndexView(generic.IndexView):
    @cached_property
    def header_buttons(self):
        combine = HeaderButton(_("Combine rolls"), url=reverse("voting_rolls:combine"), icon_name="list-ul")
        return [*super().header_buttons, combine]

    def get_base_queryset(self):
        return super().get_base_queryset() & self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change", "add"])


class RollCreateView(ImportOnUploadMixin, generic.CreateView):
    success_message = _("Electoral roll “%(object)s” uploaded: its import is under way.")

    def save_instance(self):
        self.form.instance.created_by = self.request.user
        self.form.instance.site = Site.find_for_request(self.request)
        return super().save_instance()


class RollEditView(ScopedObjectMixin, ImportOnUploadMixin, generic.EditView):
    template_name = "voting/admin/roll_edit.html"

    def is_valid(self, form):
        """A new file is refused for a roll a sealed vote uses; renaming it is fine."""
        if not super().is_valid(form):
            return False
        if "source_file" in form.changed_data:
            try:
                roll_service.assert_roll_replaceable(self.object)
            except ContestFrozen as error:
                form.add_error("source_file", error.message)
                self.produced_error_message = self.get_error_message()
                return False
        return True

    def get_context_data(self, **kwargs):
        voter_roll = self.object
        return super().get_context_data(
            importing=voter_roll.status in (VoterRoll.Status.PENDING, VoterRoll.Status.IMPORTING),
            rows_done=roll_service.roll_progress(voter_roll),
            contests=voter_roll.contests.all(),
            **kwargs,
        )


class CombineRollsView(SitePermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """Combine towns' rolls into a new roll of the site the officer works on (all or nothing)."""

    permission_required = "voting.add_voterroll"
    template_name = "voting/admin/roll_combine.html"
    form_class = CombineRollsForm
    page_title = _("Combine electoral rolls")
    header_icon = "list-ul"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("voting_rolls:index"), "label": capfirst(VoterRoll._meta.verbose_name_plural)},
                {"url": "", "label": self.get_page_title()}]

    def form_valid(self, form):
        try:
            combined = roll_combine.combine_rolls(
                sources=form.cleaned_data["rolls"], name=form.cleaned_data["name"],
                site=Site.find_for_request(self.request), actor=self.request.user)
        except RollImportError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Electoral roll “%(name)s” made of %(count)d electors.") % {
            "name": combined.name, "count": combined.rows_total})
        return redirect(reverse("voting_rolls:edit", args=[combined.pk]))


class RollViewSet(ModelViewSet):
    """Electoral rolls, each imported all-or-nothing from the town's CSV extract."""

    model = VoterRoll
    name = "voting_rolls"
    url_prefix = "votes/rolls"
    icon = "list-ul"
    menu_label = _("Electoral rolls")
    index_view_class = RollIndexView
    add_view_class = RollCreateView
    edit_view_class = RollEditView
    copy_view_enabled = False
    list_display = ["name", "status", "rows_total", "created_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("source_file"),
            HelpPanel(heading=_("Expected format"), template="voting/admin/roll_format.html"),
        ],
        base_form_class=RollUploadForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("combine/", CombineRollsView.as_view(), name="combine")]
