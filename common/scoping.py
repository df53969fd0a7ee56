"""Permissions granted for one site: a collectivity's staff act on what belongs to their site only.

Wagtail's ``GroupSitePermission`` gives a group a permission for one site (Wagtail uses it for site
settings); we use it for every record that belongs to a site, directly (a ``site`` foreign key) or
through a page of that site's tree (an idea through its budget page). A permission held the usual
Django way (a group's or user's permission, without a site) still means "on every site": the staff
of a one-town installation and the platform's administrators keep seeing everything.

- ``has_perm(user, "budget.review_idea")``: on some site at least (may they open the page at all);
- ``has_perm(user, "budget.review_idea", idea)``: on the site ``idea.get_site()`` returns;
- ``scoped(queryset, user, perm, site=… | page=…)``: the rows of the sites they hold it for;
- ``SiteScopedPolicy``: the same as a Wagtail permission policy, for ``ModelViewSet``\\ s.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Q, QuerySet
from wagtail.models import GroupSitePermission, Site
from wagtail.permission_policies.base import BaseDjangoAuthPermissionPolicy
from wagtail.permission_policies.sites import SitePermissionPolicy

_CACHE = "_parvis_site_permissions"


def _site_permissions(user) -> dict[str, set[int]]:
    """``{"app.codename": {site ids}}`` of the user's groups, read once per request (cached on the user)."""
    if not hasattr(user, _CACHE):
        found: dict[str, set[int]] = {}
        rows = GroupSitePermission.objects.filter(group__user=user).values_list(
            "permission__content_type__app_label", "permission__codename", "site_id")
        for app_label, codename, site_id in rows:
            found.setdefault(f"{app_label}.{codename}", set()).add(site_id)
        setattr(user, _CACHE, found)
    return getattr(user, _CACHE)


def everywhere(user, perm: str) -> bool:
    """Held on every site: a superuser, or the permission granted without a site."""
    return user.is_active and user.has_perm(perm)


def site_ids_with_perm(user, perm: str) -> set[int] | None:
    """The sites ``user`` holds ``perm`` for; None when it is every site."""
    if not (user.is_authenticated and user.is_active):
        return set()
    if everywhere(user, perm):
        return None
    return _site_permissions(user).get(perm, set())


def has_perm(user, perm: str, obj=None) -> bool:
    """``perm`` everywhere, or for ``obj``'s site (``obj.get_site()``), or for some site when ``obj`` is None."""
    sites = site_ids_with_perm(user, perm)
    if sites is None:
        return True
    if obj is None:
        return bool(sites)
    site = obj.get_site()
    return site is not None and site.pk in sites


def has_any_perm(user, perms, obj=None) -> bool:
    return any(has_perm(user, perm, obj) for perm in perms)


def sites_q(site_ids, *, site: str | None = None, page: str | None = None) -> Q:
    """Rows of these sites: through a ``site`` foreign key, or a ``page`` (``""``: the row is a page)."""
    if site is not None:
        return Q(**{f"{site}__in": site_ids})
    prefix = f"{page}__" if page else ""
    query = Q(pk__in=[])
    for path in Site.objects.filter(pk__in=site_ids).values_list("root_page__path", flat=True):
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def scoped(queryset: QuerySet, user, perms, *, site: str | None = None, page: str | None = None) -> QuerySet:
    """The rows of ``queryset`` on the sites where ``user`` holds one of ``perms`` (all of them: everywhere)."""
    perms = [perms] if isinstance(perms, str) else perms
    site_ids: set[int] = set()
    for perm in perms:
        found = site_ids_with_perm(user, perm)
        if found is None:
            return queryset
        site_ids |= found
    return queryset.filter(sites_q(site_ids, site=site, page=page)) if site_ids else queryset.none()


def creation_site(request, perms) -> Site | None:
    """The site a new record made in this request belongs to: the request's, if the user holds ``perms`` there.

    A collectivity's staff signed in at another collectivity's address still create for their own
    (the only site they hold ``perms`` for); None when that cannot be told (several sites of theirs,
    none of them the request's) or they hold it nowhere.
    """
    perms = [perms] if isinstance(perms, str) else perms
    site = Site.find_for_request(request)
    ids: set[int] = set()
    for perm in perms:
        found = site_ids_with_perm(request.user, perm)
        if found is None:
            return site
        ids |= found
    if site is not None and site.pk in ids:
        return site
    return Site.objects.get(pk=ids.pop()) if len(ids) == 1 else None


class SitePermissionRequiredMixin(PermissionRequiredMixin):
    """Django's mixin, but a permission held for some site opens the view (the objects are scoped)."""

    raise_exception = True

    def has_permission(self):
        return has_any_perm(self.request.user, self.get_permission_required())


class SiteScopedPolicy(SitePermissionPolicy):
    """Wagtail's site permission policy for records whose site is a foreign key or a page's tree.

    ``SiteScopedPolicy(Idea, page="budget")``; ``SiteScopedPolicy(Contest, site="site")``.
    """

    def __init__(self, model, *, site: str | None = None, page: str | None = None):
        BaseDjangoAuthPermissionPolicy.__init__(self, model)
        self.site_field_name, self.page_field_name = site, page

    def user_has_any_permission(self, user, actions):
        return has_any_perm(user, [self._get_permission_name(action) for action in actions])

    def instances_user_has_any_permission_for(self, user, actions):
        return scoped(self.model._default_manager.all(), user, [self._get_permission_name(a) for a in actions],
                      site=self.site_field_name, page=self.page_field_name)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return has_any_perm(user, [self._get_permission_name(action) for action in actions], instance)

    def sites_user_has_any_permission_for(self, user, actions):
        ids: set[int] = set()
        for action in actions:
            found = site_ids_with_perm(user, self._get_permission_name(action))
            if found is None:
                return Site.objects.all()
            ids |= found
        return Site.objects.filter(pk__in=ids)
