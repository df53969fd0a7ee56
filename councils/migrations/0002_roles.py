"""Create the staff roles (see councils/roles.py): a fresh install has them from the start."""

from django.db import migrations

from councils import roles


def create_roles(apps, schema_editor):
    roles.create_roles(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0001_initial"),
        ("home", "0001_initial"),
        # After Wagtail's own data migrations, which create the sample "Editors" and "Moderators".
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
