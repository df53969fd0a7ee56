"""Give the staff roles their volunteering permissions (councils.roles documents the roles).

Moderators approve or refuse associations, correct their details, and
correct or remove missions. Communications keep the list of skills (an
editorial vocabulary, like tags) and may read associations and missions to
feature them on pages.
"""

from django.db import migrations

from councils import roles

MODERATORS = [
    "volunteering.view_association",
    "volunteering.change_association",
    "volunteering.review_association",
    "volunteering.view_mission",
    "volunteering.change_mission",
    "volunteering.delete_mission",
    "volunteering.view_skill",
]
COMMUNICATIONS = [
    "volunteering.view_association",
    "volunteering.view_mission",
    "volunteering.add_skill",
    "volunteering.change_skill",
    "volunteering.delete_skill",
    "volunteering.view_skill",
]


def grant_volunteering_roles(apps, schema_editor):
    roles.grant(roles.MODERATORS, MODERATORS, apps=apps)
    roles.grant(roles.COMMUNICATIONS, COMMUNICATIONS, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("volunteering", "0001_initial"), ("councils", "0002_roles")]
    operations = [migrations.RunPython(grant_volunteering_roles, migrations.RunPython.noop)]
