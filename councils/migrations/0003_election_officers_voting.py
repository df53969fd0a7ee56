"""Election officers get the ballot engine's permissions (voting imports none of our apps, so the grant lives here)."""

from django.db import migrations

from councils import roles

ELECTION_OFFICER_PERMISSIONS = [
    "voting.add_contest",
    "voting.change_contest",
    "voting.view_contest",
    "voting.seal_contest",
    "voting.count_contest",
    "voting.record_paper",
    "voting.add_voterroll",
    "voting.change_voterroll",
    "voting.view_voterroll",
    "voting.view_auditevent",
]


def grant(apps, schema_editor):
    roles.grant(roles.ELECTION_OFFICERS, ELECTION_OFFICER_PERMISSIONS, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("councils", "0002_roles"), ("voting", "0001_initial")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
