"""Communications may send notices to residents who opted in (councils.roles documents the roles)."""

from django.db import migrations

from councils import roles


def grant(apps, schema_editor):
    roles.grant(roles.COMMUNICATIONS, ["notices.send_notice"], apps=apps)


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial"), ("councils", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
