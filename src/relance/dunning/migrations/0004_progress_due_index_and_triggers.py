"""The next day's run reads only the progress whose date has come: an index on
`next_on`, and triggers that clear `next_on` (to be recomputed) where the inputs it was
computed from change in the ledger, whatever writes them (the ORM, an import's raw
UPDATE, the admin): an invoice's due date or status, a customer's own scenario or
segment (dunning/triggers.py).
Changes of the scenarios' steps and of the segment rules are caught by the run
itself (loading.RunSignature)."""
from django.db import migrations, models

from relance.dunning.triggers import create_triggers, drop_triggers


def forwards(apps, schema_editor):
    create_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('dunning', '0003_fewer_indexes'),
        ('ledger', '0009_customer_terms_and_terms_of_sale'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='invoiceprogress',
            index=models.Index(fields=['next_on'], name='progress_next_on'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
