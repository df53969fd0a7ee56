"""The platform administrators' "Territories" menu: the list, INSEE imports, joining with a site.

Wagtail's ``ModelViewSet`` (its maintained way to administer a plain model); the permissions are
Django's model permissions on ``Territory``, which only platform administrators hold.
"""

from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_views import ImportView, JoinView
from .models import Territory
from .services import votes


class TerritoryViewSet(ModelViewSet):
    """The département, its intercommunalities and communes; which have joined, at which address."""

    model = Territory
    name = "territories"
    url_prefix = "territories"
    icon = "globe"
    menu_label = _("Territories")
    menu_order = 850
    add_to_settings_menu = True
    copy_view_enabled = False
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    search_backend_name = None  # a département's few hundred rows: the ORM searches them
    list_display = [
        "name", "code", "kind",
        Column("parent", label=_("Part of"), accessor="parent"),
        Column("site", label=_("Site"), accessor=lambda territory: territory.site.hostname if territory.site_id
               else gettext("not joined")),
    ]
    ordering = ["kind", "name"]
    edit_handler = ObjectList([FieldPanel("kind"), FieldPanel("code"), FieldPanel("name"), FieldPanel("parent")])

    def get_queryset(self, request):
        return Territory.objects.select_related("parent", "site")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("import/", ImportView.as_view(), name="import"),
            path("join/<int:pk>/", JoinView.as_view(), name="join"),
        ]


@hooks.register("register_admin_viewset")
def register_territories():
    return TerritoryViewSet()


# Votes across territories: what the ballot engine asks (voting.services.areas).

hooks.register("parvis_voting_roll_communes", votes.roll_communes_refusal)
hooks.register("parvis_voting_contest_area", votes.contest_area_refusal)
hooks.register("parvis_voting_default_commune", votes.default_commune)
hooks.register("parvis_voting_paper_communes", votes.paper_communes)
hooks.register("parvis_voting_commune_names", votes.commune_names)
