"""The moderators' admin (associations awaiting approval, missions, skills) and the app's extension points.

Associations and missions use Wagtail's ``ModelViewSet``: Wagtail 8's
maintained way to administer plain models, routing the approve/refuse views
next to the listing with their permission checks. Skills are a snippet so the
``MissionListBlock`` can choose one with the snippet chooser.

- ``councils.participations``: a council's page lists its missions looking for volunteers;
- ``accounts.privacy``: offers and roles join the resident's download; on
  deletion, pending offers are withdrawn and the rest anonymised.
"""

import django_filters
from django.contrib import messages
from django.db.models import Case, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.privacy import ERASE_HOOK, EXPORT_HOOK
from common.admin_views import ScopedDeleteView, ScopedEditView, ScopedInspectView
from common.scoping import SitePermissionRequiredMixin, SiteScopedPolicy, has_perm, scoped
from councils.filters import council_filter
from councils.forms import limit_councils
from councils.participations import PARTICIPATIONS_HOOK, Participation
from home.open_now import OPEN_NOW_HOOK, OpenItem, site_of

from . import services
from .exceptions import InvalidData, VolunteeringError
from .forms import RefuseAssociationForm
from .models import Association, Mission, Skill

ASSOCIATIONS = "volunteering_associations"
MISSIONS = "volunteering_missions"
ASSOCIATION_PERMISSIONS = ("volunteering.review_association", "volunteering.change_association",
                           "volunteering.view_association")
MISSION_PERMISSIONS = ("volunteering.change_mission", "volunteering.delete_mission", "volunteering.view_mission")

# Associations belong to the site they registered on, missions to their association's: each
# collectivity's moderators see theirs only (common.scoping).
register_permission_policy(Association, SiteScopedPolicy(Association, site="site"))
register_permission_policy(Mission, SiteScopedPolicy(Mission, site="association__site"))


def user_associations(user, perms=ASSOCIATION_PERMISSIONS):
    return scoped(Association.objects.all(), user, perms, site="site")


def user_missions(user, perms=MISSION_PERMISSIONS):
    return scoped(Mission.objects.all(), user, perms, site="association__site")


class CouncilOfItsSiteForm(WagtailAdminModelForm):
    """An association's or mission's neighbourhood is one of its own collectivity's councils."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_councils(self, self.instance.get_site() if self.instance.pk else None, "council")


class SkillViewSet(SnippetViewSet):
    """The short list of skills missions ask for and residents filter by."""

    model = Skill
    icon = "tag"
    menu_label = _("Skills")
    list_display = ["name", "slug"]
    search_fields = ["name"]
    search_backend_name = None
    add_to_admin_menu = False


register_snippet(SkillViewSet)


class AssociationFilterSet(WagtailFilterSet):
    council = council_filter(ASSOCIATION_PERMISSIONS)

    class Meta:
        model = Association
        fields = ["status", "council"]


class AssociationIndexView(generic.IndexView):
    """Awaiting approval first; Approve and Refuse buttons on pending rows."""

    def get_base_queryset(self):
        awaiting_first = Case(When(status=Association.Status.PENDING, then=Value(0)), default=Value(1))
        associations = super().get_base_queryset() & user_associations(self.request.user)
        return associations.select_related("council").annotate(review_order=awaiting_first)

    def get_list_buttons(self, instance):
        buttons = []
        if (has_perm(self.request.user, "volunteering.review_association", instance)
                and instance.status == Association.Status.PENDING):
            buttons += [
                ListingButton(_("Approve"), url=reverse(f"{ASSOCIATIONS}:approve", args=[instance.pk]), icon_name="check", priority=5),
                ListingButton(_("Refuse"), url=reverse(f"{ASSOCIATIONS}:refuse", args=[instance.pk]), icon_name="cross", priority=6),
            ]
        return [*buttons, *super().get_list_buttons(instance)]


class AssociationReviewMixin(SitePermissionRequiredMixin, WagtailAdminTemplateMixin):
    """An admin page about one association, for its collectivity's moderators (404 for others)."""

    header_icon = "group"
    permission_required = "volunteering.review_association"

    @cached_property
    def association(self) -> Association:
        associations = user_associations(self.request.user, [self.permission_required])
        return get_object_or_404(associations.select_related("council", "submitted_by"), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.association.name

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse(f"{ASSOCIATIONS}:index"), "label": gettext("Associations")},
                {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(association=self.association, **kwargs)

    def back(self):
        return redirect(f"{reverse(f'{ASSOCIATIONS}:index')}?status={Association.Status.PENDING}")


class ApproveView(AssociationReviewMixin, TemplateView):
    """Approve after a confirmation: the association is published, its representatives told."""

    template_name = "volunteering/admin/approve.html"
    page_title = _("Approve an association")

    def post(self, request, *args, **kwargs):
        try:
            services.approve_association(association=self.association, moderator=request.user)
        except VolunteeringError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("“%(name)s” is approved.") % {"name": self.association.name})
        return self.back()


class RefuseView(AssociationReviewMixin, FormView):
    """Refuse with a reason, sent to the representatives."""

    template_name = "volunteering/admin/refuse.html"
    page_title = _("Refuse an association")
    form_class = RefuseAssociationForm

    def form_valid(self, form):
        try:
            services.refuse_association(association=self.association, moderator=self.request.user,
                                        reason=form.cleaned_data["reason"])
        except InvalidData as error:
            form.add_error("reason", error.errors["reason"])
            return self.form_invalid(form)
        except VolunteeringError as error:
            messages.error(self.request, error.message)
            return self.back()
        messages.success(self.request, gettext("“%(name)s” is refused.") % {"name": self.association.name})
        return self.back()


class AssociationViewSet(ModelViewSet):
    """Associations: the moderators' approval queue, and their public details (editable for typos)."""

    model = Association
    name = ASSOCIATIONS
    url_prefix = "volunteering/associations"
    icon = "group"
    menu_label = _("Associations")
    index_view_class = AssociationIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = AssociationFilterSet
    search_fields = ["name", "description"]
    search_backend_name = None  # tens of rows: the ORM searches them, no index to keep
    list_display = [
        "name",
        Column("council", label=_("Neighbourhood"), accessor=lambda association: association.council or gettext("Whole town")),
        StatusTagColumn("status", label=_("State"), accessor="get_status_display",
                        primary=lambda association: association.status == Association.Status.PENDING),
        "submitted_at",
    ]
    ordering = ["review_order", "-submitted_at"]  # awaiting approval first (annotated by the index view)
    edit_handler = ObjectList([FieldPanel(name) for name in
                               ("name", "description", "logo", "contact_email", "contact_phone", "website", "council")],
                              base_form_class=CouncilOfItsSiteForm)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("approve/<int:pk>/", ApproveView.as_view(), name="approve"),
            path("refuse/<int:pk>/", RefuseView.as_view(), name="refuse"),
        ]


class MissionFilterSet(WagtailFilterSet):
    association = django_filters.ModelChoiceFilter(
        label=_("Association"),
        queryset=lambda request: user_associations(request.user) if request else Association.objects.none())
    council = council_filter(MISSION_PERMISSIONS)

    class Meta:
        model = Mission
        fields = ["association", "council"]


class MissionIndexView(generic.IndexView):
    def get_base_queryset(self):
        missions = super().get_base_queryset() & user_missions(self.request.user)
        return missions.select_related("association").with_accepted_count()


class MissionViewSet(ModelViewSet):
    """Missions, for moderators to correct or remove one (associations post them from the public site)."""

    model = Mission
    name = MISSIONS
    url_prefix = "volunteering/missions"
    icon = "calendar-alt"
    menu_label = _("Missions")
    index_view_class = MissionIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    copy_view_enabled = False
    filterset_class = MissionFilterSet
    search_fields = ["title", "description", "place"]
    search_backend_name = None
    list_display = [
        "title",
        Column("association", label=_("Association"), accessor="association"),
        "starts_at",
        Column("volunteers", label=_("Volunteers accepted"),
               accessor=lambda mission: f"{mission.accepted_count} / {mission.volunteers_needed}"),
    ]
    ordering = ["-starts_at"]
    edit_handler = ObjectList([FieldPanel(name) for name in
                               ("title", "description", "skills", "starts_at", "ends_at", "schedule", "place", "council",
                                "volunteers_needed", "minimum_age")], base_form_class=CouncilOfItsSiteForm)


class VolunteeringMenu(ViewSetGroup):
    """The "Volunteering" menu; shown only to users allowed into one of its items."""

    menu_label = _("Volunteering")
    menu_icon = "group"
    menu_order = 256
    items = (AssociationViewSet, MissionViewSet)


@hooks.register("register_admin_viewset")
def register_volunteering_menu():
    return VolunteeringMenu()


@hooks.register(PARTICIPATIONS_HOOK)
def council_missions(council, *, now):
    """The council's missions still looking for volunteers."""
    missions = services.council_missions(council, now=now)
    index = services.index_page() if missions else None
    if index is None:
        return []
    return [Participation(title=mission.title, url=index.mission_url(mission), kind=gettext("Volunteering"),
                          closes_at=mission.offers_close_at) for mission in missions]


@hooks.register(OPEN_NOW_HOOK)
def open_missions(sites, *, now, limit):
    """The missions of these sites' associations still looking for volunteers, on their site's space."""
    return [OpenItem(title=mission.title, url=index.get_full_url() + index.reverse_subpage(
                "mission", args=[mission.pk, mission.slug]), kind=gettext("Volunteering"),
                     closes_at=mission.offers_close_at, site=site_of(index.path, sites))
            for mission, index in services.missions_on_sites(sites, now=now, limit=limit)]


@hooks.register(EXPORT_HOOK)
def export_volunteering(user):
    return services.export_personal_data(user)


@hooks.register(ERASE_HOOK)
def erase_volunteering(user):
    services.erase_personal_data(user)
