"""The platform administrators' "Territories" menu, and residents' address in other apps' extension points.

- the menu: the list, INSEE's and La Poste's imports, joining with a site. Wagtail's ``ModelViewSet``
  (its maintained way to administer a plain model); the permissions are Django's model permissions on
  ``Territory``, which only platform administrators hold;
- ``voting``: a collectivity's residents' votes admit its residents only (``eligibility``);
- ``home.open_now``: the sites of where a resident lives, for their home page;
- ``accounts``: the address on the profile page, and in the resident's data download (deleted with
  the account, by its foreign key).
"""

from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.models import Site

from accounts.privacy import EXPORT_HOOK
from accounts.services import PROFILE_SECTIONS_HOOK
from home.open_now import WHEREABOUTS_HOOK, Whereabouts
from voting.services import areas
from voting.services.eligibility import ELIGIBILITY_HOOK

from .admin_views import ImportView, JoinView, PostcodeImportView
from .eligibility import resident_commune, residents_only
from .models import Territory
from .services import residences, votes


class TerritoryIndexView(IndexView):
    """The list, with its two imports a click away (INSEE's lists, then La Poste's postcodes)."""

    @cached_property
    def header_buttons(self):
        return super().header_buttons + [
            HeaderButton(_("Import INSEE lists"), url=reverse("territories:import"), icon_name="upload"),
            HeaderButton(_("Import postcodes"), url=reverse("territories:import_postcodes"), icon_name="upload"),
        ]


class TerritoryViewSet(ModelViewSet):
    """The département, its intercommunalities and communes; which have joined, at which address."""

    model = Territory
    index_view_class = TerritoryIndexView
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
            path("import/postcodes/", PostcodeImportView.as_view(), name="import_postcodes"),
            path("join/<int:pk>/", JoinView.as_view(), name="join"),
        ]


@hooks.register("register_admin_viewset")
def register_territories():
    return TerritoryViewSet()


# Residents: one account for every collectivity, their commune saying which are theirs.

hooks.register(ELIGIBILITY_HOOK, residents_only)
hooks.register(areas.RESIDENT_COMMUNE_HOOK, resident_commune)


@hooks.register(WHEREABOUTS_HOOK)
def resident_whereabouts(user):
    """The sites of where the resident lives, for the home page's list of what is open for them.

    A one-town installation (a single site, read from Wagtail's cached list) has nothing to ask.
    """
    residence = residences.residence_of(user)
    if residence is None and len(Site.get_site_root_paths()) < 2:
        return None
    return Whereabouts(sites=residences.resident_sites(residence), place=residence.commune.name if residence else "",
                       change_url=reverse("residents:address"))


@hooks.register(PROFILE_SECTIONS_HOOK)
def address_on_profile(request):
    return render_to_string("territories/includes/profile_section.html",
                            {"residence": residences.residence_of(request.user)}, request=request)


@hooks.register(EXPORT_HOOK)
def export_residence(user):
    return residences.export_residence(user)


# Votes across territories: what the ballot engine asks (voting.services.areas).

hooks.register(areas.ROLL_COMMUNES_HOOK, votes.roll_communes_refusal)
hooks.register(areas.CONTEST_AREA_HOOK, votes.contest_area_refusal)
hooks.register(areas.DEFAULT_COMMUNE_HOOK, votes.default_commune)
hooks.register(areas.PAPER_COMMUNES_HOOK, votes.paper_communes)
hooks.register(areas.COMMUNE_NAMES_HOOK, votes.commune_names)
