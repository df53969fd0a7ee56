"""Councils' population, for turnout as a share of the residents ("taux de pénétration")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("councils", "0003_election_officers_voting")]

    operations = [
        migrations.AddField(
            model_name='council',
            name='population',
            field=models.PositiveIntegerField(blank=True, help_text='Residents of the territory (latest census): turnout is also reported as a share of it.', null=True, verbose_name='population'),
        ),
    ]
