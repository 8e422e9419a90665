"""Open amounts by due date and by customer (insights/open_totals.py), filled from the
open invoices already in the ledger; the ledger's changes keep them in step from then
on."""

import django.db.models.deletion
from django.db import migrations, models

FILL = [
    """INSERT INTO insights_openbyduedate (company_id, due_date, kind, amount)
       SELECT company_id, due_date, kind, ROUND(SUM(open_amount), 2)
       FROM ledger_invoice WHERE status = 'open' GROUP BY company_id, due_date, kind""",
    """INSERT INTO insights_openbycustomer
           (customer_id, company_id, invoiced, credits, invoices, first_due, last_due)
       SELECT customer_id, company_id,
           ROUND(SUM(CASE WHEN kind = 'invoice' THEN open_amount ELSE 0 END), 2),
           ROUND(SUM(CASE WHEN kind = 'credit_note' THEN open_amount ELSE 0 END), 2),
           SUM(CASE WHEN kind = 'invoice' THEN 1 ELSE 0 END),
           MIN(CASE WHEN kind = 'invoice' THEN due_date END),
           MAX(CASE WHEN kind = 'invoice' THEN due_date END)
       FROM ledger_invoice WHERE status = 'open' GROUP BY customer_id, company_id""",
]


class Migration(migrations.Migration):

    dependencies = [
        ('insights', '0003_open_invoices_covering_index'),
        ('ledger', '0009_customer_terms_and_terms_of_sale'),
    ]

    operations = [
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
                'constraints': [models.UniqueConstraint(fields=('company', 'due_date', 'kind'), name='one_open_total_per_due_date')],
            },
        ),
        *[migrations.RunSQL(sql, migrations.RunSQL.noop) for sql in FILL],
    ]
