"""Communications edits the campaign kit templates; election officers may look at them."""

from django.db import migrations

from councils import roles


def grant(apps, schema_editor):
    roles.grant(roles.COMMUNICATIONS, [
        "councils.add_kittemplate", "councils.change_kittemplate", "councils.view_kittemplate",
        "councils.delete_kittemplate",
    ], apps=apps)
    roles.grant(roles.ELECTION_OFFICERS, ["councils.view_kittemplate"], apps=apps)


class Migration(migrations.Migration):
    dependencies = [("councils", "0007_campaign_kits")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
