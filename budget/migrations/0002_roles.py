"""Give the staff roles their budget permissions (councils.roles documents the roles)."""

from django.db import migrations

from councils import roles

STEERING_COMMITTEE = [
    "budget.view_idea",
    "budget.change_idea",  # rewrite an idea, with its author's agreement
    "budget.review_idea",
    "budget.select_finalists",
    "budget.view_statistics",
]
MODERATORS = ["budget.view_idea", "budget.hide_idea"]
COMMUNICATIONS = ["budget.view_statistics"]


def grant_budget_roles(apps, schema_editor):
    roles.grant(roles.STEERING_COMMITTEE, STEERING_COMMITTEE, apps=apps)
    roles.grant(roles.MODERATORS, MODERATORS, apps=apps)
    roles.grant(roles.COMMUNICATIONS, COMMUNICATIONS, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial"), ("councils", "0002_roles")]
    operations = [migrations.RunPython(grant_budget_roles, migrations.RunPython.noop)]
