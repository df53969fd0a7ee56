"""Election officers create and publish elections and consultations, in their section of the page tree only.

Wagtail's page permissions are given per place in the tree, not per page
type: the section is the ``ConsultationIndexPage``, and officers get add,
change and publish there when it is created (admin hook, demo loader).
Communications already hold those permissions on the whole tree.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from .. import roles

OFFICER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def open_section_to_election_officers(index_page) -> None:
    """Let Election officers add, edit and publish elections and consultations under this page."""
    group, _created = Group.objects.get_or_create(name=roles.ELECTION_OFFICERS)
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=OFFICER_PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=index_page, permission=permission)
