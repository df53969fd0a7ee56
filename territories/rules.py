"""Who may see what: the collectivities a staff member works for.

Every admin view, export and API of a collectivity's records filters with ``collectivities_of``;
platform administrators (superusers) see everything.
"""

from django.db.models import QuerySet

from .models import StaffGroup, Territory


def collectivities_of(user, role: str | None = None) -> QuerySet:
    """The territories ``user`` is staff of (in ``role``, if given); every territory for a superuser."""
    if not user.is_authenticated or not user.is_active:
        return Territory.objects.none()
    if user.is_superuser:
        return Territory.objects.all()
    groups = StaffGroup.objects.filter(group__user=user)
    if role:
        groups = groups.filter(role=role)
    return Territory.objects.filter(pk__in=groups.values("territory"))


def may_act_for(user, territory: Territory, role: str | None = None) -> bool:
    return collectivities_of(user, role).filter(pk=territory.pk).exists()
