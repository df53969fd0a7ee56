"""Election officers create and publish elections and consultations, in their section of the page tree only.

Wagtail's page permissions are given per place in the tree, not per page
type: the section is the ``ConsultationIndexPage``, and officers get add,
change and publish there when it is created (admin hook, demo loader).
Communications already hold those permissions on the whole tree.

On a platform of several collectivities, the officers of the section's own
site get them too: the groups that seal that site's votes
(``voting.seal_contest`` held for the site, ``common.scoping``), never
another collectivity's.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from .. import roles

OFFICER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def section_officers(index_page) -> list[Group]:
    """The platform's Election officers, and the groups running votes for the section's site."""
    group, _created = Group.objects.get_or_create(name=roles.ELECTION_OFFICERS)
    site = index_page.get_site()
    if site is None:
        return [group]
    of_the_site = Group.objects.filter(
        site_permissions__site=site, site_permissions__permission__content_type__app_label="voting",
        site_permissions__permission__codename="seal_contest",
    ).distinct()
    return [group, *of_the_site]


def open_section_to_election_officers(index_page) -> None:
    """Let Election officers (the platform's and the section's collectivity's) add, edit and publish under this page."""
    permissions = list(Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=OFFICER_PAGE_PERMISSIONS))
    for group in section_officers(index_page):
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=index_page, permission=permission)
