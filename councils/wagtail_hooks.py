"""Admin for councils: a snippet, so council pages choose theirs with the snippet chooser."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Council
from .votes import hooks as _vote_hooks  # noqa: F401  (elections' and consultations' admin and hooks)
from .kits import hooks as _kit_hooks  # noqa: F401  (campaign kits' admin and hooks)


class CouncilFilterSet(WagtailFilterSet):
    """Which council covers a postcode, straight from the listing."""

    postcode = django_filters.CharFilter(label=_("Postcode"), field_name="areas__postcode", distinct=True)

    class Meta:
        model = Council
        fields: list[str] = []


class CouncilViewSet(SnippetViewSet):
    """Councils and their territory (postcodes, streets, polling stations), edited in one form."""

    model = Council
    icon = "group"
    menu_label = _("Councils")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "email", "population"]
    filterset_class = CouncilFilterSet
    search_fields = ["name"]
    search_backend_name = None  # a handful of rows: the ORM searches them, no index to keep
    inspect_view_enabled = True


register_snippet(CouncilViewSet)
