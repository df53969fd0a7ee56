"""Election officers review candidates (and add those who apply on paper)."""

from django.db import migrations

from councils import roles

CANDIDATE_PERMISSIONS = [
    "councils.add_candidate",
    "councils.change_candidate",
    "councils.view_candidate",
    "councils.review_candidate",
]


def grant(apps, schema_editor):
    roles.grant(roles.ELECTION_OFFICERS, CANDIDATE_PERMISSIONS, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("councils", "0005_elections_and_consultations")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
