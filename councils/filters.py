"""A "council" filter for admin listings that offers the user's own collectivities' councils only."""

import django_filters
from django.utils.translation import gettext_lazy as _

from common.scoping import scoped

from .models import Council


def council_filter(perms, *, label=_("Neighbourhood"), **kwargs) -> django_filters.ModelChoiceFilter:
    """The councils of the sites where the user holds one of ``perms`` (the listing's own permissions)."""

    def councils(request):
        return scoped(Council.objects.all(), request.user, perms, site="site") if request else Council.objects.none()

    return django_filters.ModelChoiceFilter(label=label, queryset=councils, **kwargs)
