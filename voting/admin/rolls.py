"""Electoral rolls: upload a CSV, follow its import, read the report of a failed one.

A ``ModelViewSet`` rather than wagtail-modeladmin: uploading queues an
import and the roll's page shows its progress, which needs the create and
edit views' hooks (``save_instance``, ``is_valid``) more than a listing.
The roll's page is its edit view: status on top, then the form to rename
it or upload a new file (a new import).
"""

from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Site
from wagtail.permissions import register_permission_policy

from common.admin_views import ScopedObjectMixin
from common.scoping import SiteScopedPolicy

from ..exceptions import ContestFrozen
from ..models import VoterRoll
from ..services import roll as roll_service
from .forms import RollUploadForm


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
