"""Communications names accredited helpers and reads their log; election officers print voting-code letters."""

from django.db import migrations

from councils import roles

COMMUNICATIONS_PERMISSIONS = [
    "accounts.add_accreditedhelper",
    "accounts.change_accreditedhelper",
    "accounts.view_accreditedhelper",
    "accounts.view_assistanceevent",
]


def grant(apps, schema_editor):
    roles.grant(roles.COMMUNICATIONS, COMMUNICATIONS_PERMISSIONS, apps=apps)
    roles.grant(roles.ELECTION_OFFICERS, ["voting.mail_codes"], apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0009_trustees_decrypt_the_totals"),
        ("accounts", "0004_assisted_contributions"),
        ("voting", "0008_voting_codes_and_letters"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
