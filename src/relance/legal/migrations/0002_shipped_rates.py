"""The rates shipped in data/rates.csv. A release that ships new rates adds a migration
running the same function: rates already in the table (maybe corrected) are kept."""
from django.db import migrations


def install(apps, schema_editor):
    from relance.legal.rates import install_shipped

    install_shipped(apps.get_model("legal", "RateTable"))


class Migration(migrations.Migration):

    dependencies = [
        ('legal', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
