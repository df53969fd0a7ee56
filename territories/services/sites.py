"""A collectivity joins the platform: its site, collection and staff groups, in one step.

Wagtail's own permissions then keep each collectivity's staff to what is theirs: page permissions
on its home page (they neither see nor edit another site's tree), collection permissions on its
collection (another collectivity's images never show in their chooser), and their role's
permissions granted for its site only (``GroupSitePermission``: its settings, ideas, votes…).

A role's permissions are those of the platform-wide group of the same job (``councils.roles``),
so an app that grants its job a new permission grants it to every collectivity's group too.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, GroupSitePermission, Page, Site

from councils import roles
from home import starter

from ..exceptions import AlreadyJoined, HostnameTaken
from ..models import StaffGroup, Territory

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}
# Every role reaches the admin; only editors touch pages, images and documents.
ADMIN_ACCESS = ("wagtailadmin", "access_admin")
ROLE_TEMPLATES = {
    StaffGroup.Role.EDITOR: roles.COMMUNICATIONS,
    StaffGroup.Role.STEERING: roles.STEERING_COMMITTEE,
    StaffGroup.Role.OFFICER: roles.ELECTION_OFFICERS,
    StaffGroup.Role.MODERATOR: roles.MODERATORS,
}


def permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "site"
    slug, number = base, 2
    while Page.objects.filter(depth=2, slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_site(*, territory: Territory, hostname: str, port: int = 80, name: str = "") -> Site:
    """Give ``territory`` its site at ``hostname``: home and starter pages, settings, collection, staff groups.

    Refused, with nothing created, if the territory already has a site or another site answers at
    that address.
    """
    hostname = hostname.strip().lower().rstrip(".")
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    if territory.site_id:
        raise AlreadyJoined(_("%(name)s already has its site, at %(hostname)s.")
                            % {"name": territory.name, "hostname": territory.site.hostname})
    if Site.objects.filter(hostname=hostname, port=port).exists():
        raise HostnameTaken(_("Another site already answers at %(hostname)s.") % {"hostname": hostname})
    name = name or territory.name

    home = starter.create_home(name=name, slug=_unique_slug(name))
    site = Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=name,
                               is_default_site=not Site.objects.exists())
    starter.create_starter_pages(site=site, name=name)
    _equip(territory, site, name)
    return site


@transaction.atomic
def adopt_site(*, territory: Territory, site: Site) -> Site:
    """Make an existing site (a one-town installation's) the collectivity's: collection and staff groups.

    Its pages and settings stay as they are. Refused if either already belongs to a collectivity.
    """
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    if territory.site_id:
        raise AlreadyJoined(_("%(name)s already has its site, at %(hostname)s.")
                            % {"name": territory.name, "hostname": territory.site.hostname})
    if Territory.objects.filter(site=site).exists():
        raise HostnameTaken(_("Another site already answers at %(hostname)s.") % {"hostname": site.hostname})
    _equip(territory, site, site.site_name or territory.name)
    return site


def _equip(territory: Territory, site: Site, name: str) -> None:
    collection = Collection.get_first_root_node().add_child(name=name)
    territory.site, territory.collection = site, collection
    territory.save(update_fields=["site", "collection"])
    for role in StaffGroup.Role:
        _staff_group(territory, role, site, collection)


def _staff_group(territory: Territory, role: str, site: Site, collection: Collection) -> StaffGroup:
    label = StaffGroup.Role(role).label
    group = Group.objects.create(name=f"{territory.name} ({territory.code}) — {label}")
    admin_access = permission(*ADMIN_ACCESS)
    group.permissions.add(admin_access)
    template = Group.objects.filter(name=ROLE_TEMPLATES[role]).first()
    if template:
        GroupSitePermission.objects.bulk_create(
            GroupSitePermission(group=group, site=site, permission=granted)
            for granted in template.permissions.exclude(pk=admin_access.pk)
        )
    if role == StaffGroup.Role.EDITOR:
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(group=group, page=site.root_page, permission=permission("wagtailcore", codename))
            for codename in PAGE_PERMISSIONS
        )
        GroupCollectionPermission.objects.bulk_create(
            GroupCollectionPermission(group=group, collection=collection, permission=permission(app, codename))
            for app, codenames in COLLECTION_PERMISSIONS.items() for codename in codenames
        )
    return StaffGroup.objects.create(territory=territory, group=group, role=role)
