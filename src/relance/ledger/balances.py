"""Keeping open amounts, statuses and unapplied cash in step with the allocations.

The rule is one set-based statement per table, so it serves one invoice as well as the
million touched by an import:

- an invoice's open amount is its total less what payments and credit notes allocate to
  it (never below zero); it is paid when that falls under the tolerance, and `paid_on` is
  the date of the latest allocation;
- a credit note's open amount is its total less what it allocates to invoices;
- a payment's unapplied amount is its amount less its allocations.
"""
from decimal import Decimal

from django.db import connection

from relance.ledger.models import Allocation, Invoice, Payment

PAID_TOLERANCE = Decimal("0.01")
CHUNK = 20_000


def refresh_invoices(invoice_ids):
    """Recompute open_amount, status and paid_on of the given invoices and credit notes."""
    inv, alloc = Invoice._meta.db_table, Allocation._meta.db_table
    statements = [
        f"""UPDATE {inv} SET open_amount = CASE WHEN kind = 'invoice' THEN
              MAX_(ROUND(amount_total - COALESCE((SELECT SUM(a.amount) FROM {alloc} a
                                           WHERE a.invoice_id = {inv}.id), 0), 2), 0)
            ELSE
              MAX_(ROUND(amount_total - COALESCE((SELECT SUM(a.amount) FROM {alloc} a
                                           WHERE a.credit_note_id = {inv}.id), 0), 2), 0)
            END
            WHERE id IN ({{ids}})""",
        f"""UPDATE {inv} SET
              status = CASE WHEN status = 'cancelled' THEN status
                            WHEN open_amount < %s THEN 'paid' ELSE 'open' END,
              paid_on = CASE WHEN open_amount < %s AND kind = 'invoice' THEN
                   (SELECT MAX(a.date) FROM {alloc} a WHERE a.invoice_id = {inv}.id)
                ELSE NULL END
            WHERE id IN ({{ids}})""",
    ]
    _run_in_chunks(statements, invoice_ids, [PAID_TOLERANCE, PAID_TOLERANCE])


def refresh_payments(payment_ids):
    pay, alloc = Payment._meta.db_table, Allocation._meta.db_table
    statement = f"""UPDATE {pay} SET unapplied_amount = MAX_(ROUND(amount - COALESCE(
            (SELECT SUM(a.amount) FROM {alloc} a WHERE a.payment_id = {pay}.id), 0), 2), 0)
        WHERE id IN ({{ids}})"""
    _run_in_chunks([statement], payment_ids, [])


def _run_in_chunks(statements, ids, params):
    ids = list(ids)
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            placeholders = ",".join(["%s"] * len(chunk))
            for statement in statements:
                sql = statement.replace("MAX_(", f"{greatest}(").format(ids=placeholders)
                extra = params[: sql.count("%s") - len(chunk)]
                cursor.execute(sql, [*extra, *chunk])
