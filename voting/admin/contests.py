"""Contests in the admin: listing, the create/edit form with options and trustees inline.

A sealed contest's rules are frozen (design, "Frozen rules"): its edit and
delete views refuse it and send the officer to its manage page instead.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, ListingButton
from wagtail.models import Site
from wagtail.permissions import register_permission_policy

from common.admin_views import ScopedObjectMixin
from common.scoping import SiteScopedPolicy, scoped

from ..exceptions import ContestFrozen
from ..models import Contest
from ..phases import contest_phase
from ..services import setup
from . import CONTESTS_NAMESPACE, letters, manage, paper
from .forms import ContestAdminForm


def manage_url(contest_pk) -> str:
    """The contest's manage page: where an officer runs the vote, and where its forms lead back."""
    return reverse(f"{CONTESTS_NAMESPACE}:manage", args=[contest_pk])


# A contest belongs to the site it was issued from: that collectivity's officers run it (common.scoping).
register_permission_policy(Contest, SiteScopedPolicy(Contest, site="site"))


class ContestIndexView(generic.IndexView):
    """The listing (the user's sites' contests), with a "Manage" button on each row."""

    def get_base_queryset(self):
        contests = scoped(Contest.objects.all(), self.request.user, manage.MANAGE_PERMISSIONS, site="site")
        return super().get_base_queryset() & contests

    def get_list_buttons(self, instance):
        manage_button = ListingButton(_("Manage"), url=manage_url(instance.pk), icon_name="cogs", priority=5)
        return [manage_button, *super().get_list_buttons(instance)]


class ContestCreateView(generic.CreateView):
    def get_form(self, *args, **kwargs):
        # The issuing site is known before validation: the form checks the vote's territory against it.
        form = super().get_form(*args, **kwargs)
        if not form.instance.site_id:
            form.instance.site = Site.find_for_request(self.request)
        return form

    def save_instance(self):
        # Issued from the site the officer works on, unless they chose one of theirs.
        if not self.form.instance.site_id:
            self.form.instance.site = Site.find_for_request(self.request)
        return super().save_instance()

    def get_success_url(self):
        return manage_url(self.object.pk)


class FrozenOnceSealedMixin:
    """Refuse a sealed contest, with the reason, and go to its manage page.

    Checked on GET and POST (after Wagtail's permission check) for the
    officer's sake; the write itself is guarded under a row lock in
    ``ContestEditView.save_instance``.
    """

    def get(self, request, *args, **kwargs):
        return self.refuse_if_sealed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse_if_sealed() or super().post(request, *args, **kwargs)

    def refuse_if_sealed(self):
        try:
            setup.assert_editable(self.get_object())
        except ContestFrozen as error:
            return self.refuse(error)
        return None

    def refuse(self, error: ContestFrozen):
        messages.error(self.request, error.message)
        return redirect(manage_url(self.kwargs["pk"]))


class ContestEditView(ScopedObjectMixin, FrozenOnceSealedMixin, generic.EditView):
    def save_instance(self):
        # Sealing locks the contest row: locking it too means an edit cannot
        # slip in while options and trustees are written into the manifest,
        # nor overwrite the seal with this form's stale copy of the row.
        setup.assert_editable(Contest.objects.select_for_update().get(pk=self.object.pk))
        return super().save_instance()

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ContestFrozen as error:
            return self.refuse(error)

    def get_success_url(self):
        return manage_url(self.object.pk)

    def get_header_more_buttons(self):
        manage_button = Button(_("Manage"), url=manage_url(self.object.pk), icon_name="cogs", priority=5)
        return sorted([manage_button, *super().get_header_more_buttons()])


class ContestDeleteView(ScopedObjectMixin, FrozenOnceSealedMixin, generic.DeleteView):
    scope_actions = ("delete",)
    """A sealed contest stays, with its box and audit trail."""


class ContestViewSet(ModelViewSet):
    """Contests: question, options, rule, dates, roll and trustees, edited in one form."""

    model = Contest
    name = CONTESTS_NAMESPACE
    url_prefix = "votes/contests"
    icon = "tasks"
    menu_label = _("Contests")
    index_view_class = ContestIndexView
    add_view_class = ContestCreateView
    edit_view_class = ContestEditView
    delete_view_class = ContestDeleteView
    copy_view_enabled = False
    list_display = [
        "title",
        StatusTagColumn("phase", label=_("Phase"), accessor=lambda contest: contest_phase(contest).label),
        "opens_at",
        "closes_at",
        Column("ballot_count", label=_("Online ballots"), sort_key="ballot_count"),
    ]
    search_fields = ["title", "question"]
    search_backend_name = None  # a few dozen rows: the ORM searches them, no index to keep
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("title"), FieldPanel("question"), FieldPanel("description")], heading=_("Question")
            ),
            MultiFieldPanel(
                [
                    FieldPanel("rule"),
                    FieldRowPanel([FieldPanel("max_choices"), FieldPanel("seats"), FieldPanel("envelope")]),
                    FieldPanel("allow_blank"),
                    FieldPanel("winners_rule"),
                ],
                heading=_("Counting rule"),
            ),
            InlinePanel(
                "options",
                heading=_("Options"),
                label=_("Option"),
                panels=[FieldPanel("label"), FieldPanel("description"), FieldPanel("cost"), FieldPanel("position"),
                        FieldPanel("reference")],
            ),
            FieldRowPanel(
                [FieldPanel("opens_at"), FieldPanel("closes_at"), FieldPanel("proclaims_at")], heading=_("Dates")
            ),
            MultiFieldPanel(
                [FieldPanel("eligibility"), FieldPanel("area"), FieldPanel("roll"), FieldPanel("polling_stations")],
                heading=_("Who may vote"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("threshold"),
                    InlinePanel("trustees", label=_("Trustee"), panels=[FieldPanel("name"), FieldPanel("user")]),
                ],
                heading=_("Trustees of the key"),
            ),
        ],
        base_form_class=ContestAdminForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("manage/<int:pk>/", manage.ContestManageView.as_view(), name="manage"),
            *[path(f"manage/<int:pk>/{action.name}/", action.as_view(), name=action.name) for action in manage.ACTIONS],
            path("paper/<int:pk>/", paper.PaperDayView.as_view(), name="paper"),
            path("paper/<int:pk>/<str:station>/", paper.PaperStationView.as_view(), name="paper_station"),
            path("paper/<int:pk>/<str:station>/list/", paper.PaperListView.as_view(), name="paper_list"),
            path("paper/<int:pk>/<str:station>/list.csv", paper.PaperExportView.as_view(), name="paper_export"),
            path("paper/<int:pk>/voter/<int:entry_pk>/", paper.PaperVoterView.as_view(), name="paper_voter"),
            path("letters/<int:pk>/", letters.LettersView.as_view(), name="letters"),
            path("letters/<int:pk>/print/", letters.PrintAllView.as_view(), name="letters_print"),
            path("letters/<int:pk>/reissue/<int:entry_pk>/", letters.ReissueView.as_view(), name="letters_reissue"),
            path("letters/<int:pk>/revoke/<int:entry_pk>/", letters.RevokeView.as_view(), name="letters_revoke"),
            path("letters/<int:pk>/run/<int:run_pk>/delete/", letters.DeleteFilesView.as_view(), name="letters_delete"),
            path("letters/<int:pk>/run/<int:run_pk>/<int:number>.pdf", letters.DownloadView.as_view(),
                 name="letters_file"),
        ]
