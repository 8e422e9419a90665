"""The open amounts by due date and by customer move from the insights app to the
ledger, which keeps them in step: in Django's state only. Their tables, indexes and
constraints stay as they are, under their insights_ names (db_table); insights
0007 drops the models from its own state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0010_open_invoice_indexes_for_the_daily_run'),
        ('insights', '0006_payment_cover_with_currency_and_unapplied'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='OpenByCustomer',
                fields=[
                    ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='ledger.customer')),
                    ('invoiced', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='open amount of invoices')),
                    ('credits', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='open amount of credit notes')),
                    ('invoices', models.PositiveIntegerField(default=0)),
                    ('first_due', models.DateField(null=True)),
                    ('last_due', models.DateField(null=True)),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ledger.company')),
                ],
                options={
                    'db_table': 'insights_openbycustomer',
                    'indexes': [models.Index(fields=['company', '-invoiced', 'customer'], name='insights_open_by_customer')],
                },
            ),
            migrations.CreateModel(
                name='OpenByDueDate',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('due_date', models.DateField()),
                    ('kind', models.CharField(max_length=12)),
                    ('amount', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='open amount')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ledger.company')),
                ],
                options={
                    'db_table': 'insights_openbyduedate',
                    'constraints': [models.UniqueConstraint(fields=('company', 'due_date', 'kind'), name='one_open_total_per_due_date')],
                },
            ),
        ]),
    ]
