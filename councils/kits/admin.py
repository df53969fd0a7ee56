"""Communications' admin of campaign kits: one template per election, in the "Votes" menu.

A ``ModelViewSet`` rather than a panel on the election page: the page is
edited by election officers and frozen once its ballots are sealed, which
is exactly when the campaign runs and Communications polishes its kit.
Templates and kits belong to the site of their election's page: another
collectivity's are not found, nor offered (``common.scoping``).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy

from common import admin_views as scoped_views
from common.scoping import SitePermissionRequiredMixin, SiteScopedPolicy, scoped

from voting.wagtail_hooks import VotesMenu

from ..votes.models import Candidate, ElectionPage
from . import rules, services
from .models import CandidateKit, KitTemplate

TEMPLATES_NAMESPACE = "councils_kit_templates"

register_permission_policy(KitTemplate, SiteScopedPolicy(KitTemplate, page="election"))


class KitTemplateForm(WagtailAdminModelForm):
    """Only the elections of the collectivities where the user edits templates are choices."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "election" in self.fields:
            self.fields["election"].queryset = scoped(
                ElectionPage.objects.all(), self.for_user, rules.TEMPLATE_PERMISSIONS, page="")


class RenderAgainMixin:
    """After saving, say that the approved candidates' kits follow (the signal queues them)."""

    def save_instance(self):
        template = super().save_instance()
        messages.info(self.request, gettext("The approved candidates' kits are being rendered again with this template."))
        return template


class KitTemplateCreateView(RenderAgainMixin, generic.CreateView):
    pass


class KitTemplateEditView(RenderAgainMixin, scoped_views.ScopedEditView):
    pass


class KitTemplateIndexView(scoped_views.ScopedIndexView):
    """The listing, with a button to each election's kits."""

    def get_list_buttons(self, instance):
        kits = reverse(f"{TEMPLATES_NAMESPACE}:kits", args=[instance.election_id])
        return [ListingButton(_("Candidates' kits"), url=kits, icon_name="image", priority=5),
                *super().get_list_buttons(instance)]


class ElectionKitsView(SitePermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """An election's approved candidates and their kits: rendered when, current or not, why a photo was left out.

    POST queues the rendering of every kit that changed (the same task as
    after a template is saved): what to do after fixing a candidate's photo.
    """

    template_name = "councils/kits/admin_election_kits.html"
    header_icon = "image"
    permission_required = rules.FOLLOW_KITS

    @cached_property
    def election(self) -> ElectionPage:
        elections = scoped(ElectionPage.objects.all(), self.request.user, self.permission_required, page="")
        return get_object_or_404(elections, pk=self.kwargs["pk"])

    def get_page_title(self):
        return gettext("Campaign kits: %(election)s") % {"election": self.election.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{TEMPLATES_NAMESPACE}:index"), "label": KitTemplateViewSet.menu_label},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        candidates = Candidate.objects.filter(election=self.election, status=Candidate.Status.APPROVED).select_related(
            "council", "photo", "election"
        ).order_by("council__name", "name")
        kits = {kit.candidate_id: kit for kit in CandidateKit.objects.filter(candidate__in=candidates)}
        rows = []
        for candidate in candidates:
            kit = kits.get(candidate.pk)
            rows.append({
                "candidate": candidate,
                "kit": kit,
                "current": kit is not None and services.current_kit(candidate=candidate) is not None,
                "url": f"{self.election.url}candidats/{candidate.pk}/kit/",
                "kilobytes": round((kit.file("zip") or {}).get("bytes", 0) / 1024, 1) if kit else None,
            })
        template = KitTemplate.objects.filter(election=self.election).first()
        return super().get_context_data(
            election=self.election, rows=rows,
            template_url=reverse(f"{TEMPLATES_NAMESPACE}:edit", args=[template.pk])
            if template and rules.may_edit_templates(self.request.user, template) else None,
            add_url=reverse(f"{TEMPLATES_NAMESPACE}:add"), **kwargs,
        )

    def post(self, request, *args, **kwargs):
        services.request_election_kits(self.election)
        messages.success(request, gettext("The kits that changed are being rendered again."))
        return redirect(request.path)


class KitTemplateViewSet(scoped_views.ScopedViewSetMixin, ModelViewSet):
    """Campaign kit templates: colours, logo, background, texts with placeholders, flyer wording."""

    model = KitTemplate
    name = TEMPLATES_NAMESPACE
    url_prefix = "votes/campaign-kits"
    icon = "image"
    menu_label = _("Campaign kits")
    menu_order = 260
    index_view_class = KitTemplateIndexView
    add_view_class = KitTemplateCreateView
    edit_view_class = KitTemplateEditView
    copy_view_enabled = False
    edit_handler = ObjectList(KitTemplate.panels, base_form_class=KitTemplateForm)
    list_display = ["election", Column("updated_at", label=_("Updated at"), sort_key="updated_at")]
    search_fields = ["election__title"]
    search_backend_name = None  # one row per election: the ORM searches them

    @property
    def menu_hook(self):
        return VotesMenu.submenu_hook

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("election/<int:pk>/kits/", ElectionKitsView.as_view(), name="kits"),
        ]
