"""The open amounts by due date and by customer now belong to the ledger (ledger
0011): they leave the insights app's state only; their tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('insights', '0006_payment_cover_with_currency_and_unapplied'),
        ('ledger', '0011_open_totals_move_from_insights'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(name='OpenByCustomer'),
            migrations.DeleteModel(name='OpenByDueDate'),
        ]),
    ]
