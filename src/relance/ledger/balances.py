"""Keeping open amounts, statuses and unapplied cash in step with the allocations.

One set-based statement per table and chunk of ids, so it serves one invoice as well as
the million touched by an import:

- an invoice's open amount is its total less what payments and credit notes allocate to
  it (never below zero); it is paid when that falls under the tolerance, and `paid_on` is
  the date of the latest allocation;
- a credit note's open amount is its total less what it allocates to invoices;
- a payment's unapplied amount is its amount less its allocations.
"""
from decimal import Decimal

from django.db import connection

from relance.ledger import open_totals
from relance.ledger.models import Allocation, Invoice, Payment

PAID_TOLERANCE = Decimal("0.01")
CHUNK = 10_000


def refresh_invoices(invoice_ids):
    """Recompute open_amount, status and paid_on of the given invoices and credit notes."""
    invoice_ids = list(invoice_ids)
    for kind, link in (("invoice", "invoice_id"), ("credit_note", "credit_note_id")):
        _run_in_chunks(_invoice_statement(kind, link), invoice_ids)
    # The dashboard's sums of open amounts follow, in the same transaction.
    open_totals.refresh_invoices(invoice_ids)


def refresh_payments(payment_ids):
    pay, alloc = Payment._meta.db_table, Allocation._meta.db_table
    statement = f"""
        UPDATE {pay} SET unapplied_amount = {{greatest}}(ROUND(amount - t.applied, 2), 0)
        FROM (SELECT p.id AS pid, COALESCE(SUM(a.amount), 0) AS applied
              FROM {pay} p LEFT JOIN {alloc} a ON a.payment_id = p.id
              WHERE p.id IN ({{ids}}) GROUP BY p.id) AS t
        WHERE {pay}.id = t.pid"""
    _run_in_chunks(statement, payment_ids)


def refresh_all_allocated_invoices(company_id):
    """The same rules at once for every invoice and credit note of the company that has
    an allocation: one pass over the allocations, no index needed (a bulk import drops
    them). Invoices without allocations are not touched; payments neither (an import
    writes them with their unapplied amounts)."""
    inv, alloc = Invoice._meta.db_table, Allocation._meta.db_table
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    remaining = "ROUND(amount_total - t.allocated, 2)"
    paid = f"{remaining} < {PAID_TOLERANCE}"
    statements = [f"""
        UPDATE {inv} SET
            open_amount = {greatest}({remaining}, 0),
            status = CASE WHEN status = 'cancelled' THEN status
                          WHEN {paid} THEN 'paid' ELSE 'open' END,
            paid_on = CASE WHEN {paid} THEN t.last_date ELSE NULL END
        FROM (SELECT {link} AS iid, SUM(amount) AS allocated, MAX(date) AS last_date
              FROM {alloc} WHERE {link} IS NOT NULL GROUP BY {link}) AS t
        WHERE {inv}.id = t.iid AND {inv}.kind = '{kind}' AND {inv}.company_id = %s"""
        for kind, link in (("invoice", "invoice_id"), ("credit_note", "credit_note_id"))]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [company_id])


def _invoice_statement(kind, link):
    inv, alloc = Invoice._meta.db_table, Allocation._meta.db_table
    remaining = "ROUND(amount_total - t.allocated, 2)"
    paid = f"{remaining} < {PAID_TOLERANCE}"
    return f"""
        UPDATE {inv} SET
            open_amount = {{greatest}}({remaining}, 0),
            status = CASE WHEN status = 'cancelled' THEN status
                          WHEN {paid} THEN 'paid' ELSE 'open' END,
            paid_on = CASE WHEN {paid} THEN t.last_date ELSE NULL END
        FROM (SELECT i.id AS iid, COALESCE(SUM(a.amount), 0) AS allocated,
                     MAX(a.date) AS last_date
              FROM {inv} i LEFT JOIN {alloc} a ON a.{link} = i.id
              WHERE i.id IN ({{ids}}) AND i.kind = '{kind}' GROUP BY i.id) AS t
        WHERE {inv}.id = t.iid"""


def _run_in_chunks(statement, ids):
    ids = list(ids)
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            sql = statement.format(greatest=greatest, ids=",".join(["%s"] * len(chunk)))
            cursor.execute(sql, chunk)
