"""Staff roles: Django groups holding the Wagtail permissions each job needs.

A fresh install gets them from ``councils/migrations/0002_roles.py``.
Residents belong to no group and have no admin access.

- ``COMMUNICATIONS`` edits and publishes pages, images, documents, councils
  and the town's settings.
- ``STEERING_COMMITTEE`` reviews ideas and selects finalists.
- ``ELECTION_OFFICERS`` run elections: rolls, contests, paper results,
  counting, proclamation.
- ``MODERATORS`` hide abusive contributions, giving a reason.

The last three get the admin access now; the permissions of their job arrive
with the models of that job. An app adds them from a data migration::

    from django.db import migrations

    from councils import roles


    def grant_review(apps, schema_editor):
        roles.grant(roles.STEERING_COMMITTEE, ["budget.review_idea", "budget.select_finalists"], apps=apps)


    class Migration(migrations.Migration):
        dependencies = [("budget", "0003_idea_review"), ("councils", "0002_roles")]
        operations = [migrations.RunPython(grant_review, migrations.RunPython.noop)]

``budget`` may import ``councils`` and calls ``grant`` from its own
migrations. ``voting`` imports no other app of ours: the grant of its
permissions to ``ELECTION_OFFICERS`` is a ``councils`` migration that
depends on the ``voting`` migration creating them.
"""

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

COMMUNICATIONS = "Communications"
STEERING_COMMITTEE = "Steering committee"
ELECTION_OFFICERS = "Election officers"
MODERATORS = "Moderators"

ADMIN_ACCESS = "wagtailadmin.access_admin"

ROLE_PERMISSIONS = {
    COMMUNICATIONS: [
        ADMIN_ACCESS,
        "councils.add_council",
        "councils.change_council",
        "councils.view_council",
        "home.change_sitesettings",
    ],
    STEERING_COMMITTEE: [ADMIN_ACCESS],  # budget adds idea review and finalist selection
    ELECTION_OFFICERS: [ADMIN_ACCESS, "councils.view_council"],  # voting adds rolls, contests, counting
    MODERATORS: [ADMIN_ACCESS],  # contributions bring their "hide with a reason" permission
}
# Page permissions Communications holds on the whole tree (no bulk deletion of sections).
COMMUNICATIONS_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
# Image and document permissions Communications holds on every collection.
COMMUNICATIONS_MEDIA_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image", "delete_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document", "delete_document"],
}


def _permissions(perms: Iterable[str], *, apps):
    """Permission rows for ``"app_label.codename"`` strings, created first if the app's are missing.

    In a fresh database, model permissions are only created after all
    migrations ran; a data migration granting them must create them itself.
    """
    Permission = apps.get_model("auth", "Permission")
    wanted = [perm.split(".", 1) for perm in perms]
    for app_label in {app_label for app_label, _ in wanted}:
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, apps=apps)
    return [Permission.objects.get(content_type__app_label=label, codename=codename) for label, codename in wanted]


def grant(group_name: str, perms: Iterable[str], *, apps=global_apps):
    """Give the group (created if missing) these ``"app_label.codename"`` permissions; return it.

    Pass a migration's ``apps`` when calling from a data migration.
    """
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*_permissions(perms, apps=apps))
    return group


def create_roles(*, apps=global_apps) -> None:
    """Create the four roles, replacing the sample groups of a new Wagtail site.

    Wagtail's migrations create "Editors" (Communications does that job here)
    and "Moderators", who may publish pages and approve them in the default
    workflow. Our Moderators hide abusive contributions and must not touch
    pages: the group starts empty and Communications approves pages instead.
    """
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Group.objects.filter(name="Editors", user__isnull=True).delete()
    for moderators in Group.objects.filter(name=MODERATORS):
        moderators.permissions.clear()
        GroupPagePermission.objects.filter(group=moderators).delete()
        GroupCollectionPermission.objects.filter(group=moderators).delete()

    for name, perms in ROLE_PERMISSIONS.items():
        grant(name, perms, apps=apps)

    communications = Group.objects.get(name=COMMUNICATIONS)
    root_page = apps.get_model("wagtailcore", "Page").objects.get(depth=1)
    pages = [f"wagtailcore.{codename}" for codename in COMMUNICATIONS_PAGE_PERMISSIONS]
    for permission in _permissions(pages, apps=apps):
        GroupPagePermission.objects.get_or_create(group=communications, page=root_page, permission=permission)
    root_collection = apps.get_model("wagtailcore", "Collection").objects.get(depth=1)
    media = [f"{label}.{code}" for label, codes in COMMUNICATIONS_MEDIA_PERMISSIONS.items() for code in codes]
    for permission in _permissions(media, apps=apps):
        GroupCollectionPermission.objects.get_or_create(
            group=communications, collection=root_collection, permission=permission
        )

    for task in apps.get_model("wagtailcore", "GroupApprovalTask").objects.filter(groups__name=MODERATORS):
        task.groups.set([communications])
        if task.name == "Moderators approval":
            task.name = "Communications approval"
            task.save()
            apps.get_model("wagtailcore", "Workflow").objects.filter(name="Moderators approval").update(
                name="Communications approval"
            )
