"""Two indexes the dashboard's month-to-date figures read on every view: invoices by
issue date (sales this month) and payments by date (cash collected this month and
last). Without them both are full scans of a million-row table.

They are on ledger tables but created here, where the dashboard that needs them lives;
`IF NOT EXISTS` keeps this harmless if the ledger declares the same ones later (then
this migration's reverse is a no-op to drop).
"""
from django.db import migrations

INDEXES = [
    ("insights_invoice_issued", "ledger_invoice", "company_id, issue_date"),
    ("insights_payment_dated", "ledger_payment", "company_id, date"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("ledger", "0009_customer_terms_and_terms_of_sale"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
                          f"DROP INDEX IF EXISTS {name}")
        for name, table, columns in INDEXES
    ]
