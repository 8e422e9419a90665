"""Open amounts summed by due date and by customer, kept in step with the ledger.

The dashboard's aging balance and top overdue customers used to add up every open
invoice on each view (200,000 at a million invoices). These two tables hold the same
sums, already added: `OpenByDueDate` (a few thousand rows: one per due date and kind)
and `OpenByCustomer` (one row per customer with open documents). Neither depends on
the day, so they change only when the ledger does.

Every change of open amounts goes through `ledger.balances` (allocations: payments,
credit notes, the portal's card payments, matching) or an import, and both call in here
inside their transaction: the rows of the touched due dates and customers are summed
again from the invoices (never adjusted by a difference, so they cannot drift). The
daily refresh compares the sums by due date with the invoices and rebuilds both tables
when they differ: a safety net for edits made by hand in the admin.
"""
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from relance.db.batch import analyze
from relance.ledger import queries
from relance.ledger.queries import HOME_CURRENCY
from relance.ledger.models import (Invoice, InvoiceKind, InvoiceStatus, OpenByCustomer,
                                   OpenByDueDate)

# Past this many touched invoices, summing the whole company again is cheaper.
KEYED_AT_MOST = 20_000
CHUNK = 1_000
CENT = Decimal("0.01")

# The unique key of each table, which the upserts name.
_KEYS = {OpenByDueDate: "company_id, currency, due_date, kind", OpenByCustomer: "customer_id"}
_DUE_DATE_COLUMNS = "company_id, currency, due_date, kind, amount"
_DUE_DATE_SUMS = "company_id, currency, due_date, kind, ROUND(SUM(open_amount), 2)"
_DUE_DATE_GROUP = "company_id, currency, due_date, kind"
# OpenByCustomer bounds the top overdue customers in euros: only euro documents.
_IN_EUROS = f" AND currency = '{HOME_CURRENCY}'"
_CUSTOMER_COLUMNS = "customer_id, company_id, invoiced, credits, invoices, first_due, last_due"
_CUSTOMER_SUMS = f"""customer_id, company_id,
    ROUND(SUM(CASE WHEN kind = '{InvoiceKind.INVOICE}' THEN open_amount ELSE 0 END), 2),
    ROUND(SUM(CASE WHEN kind = '{InvoiceKind.CREDIT_NOTE}' THEN open_amount ELSE 0 END), 2),
    SUM(CASE WHEN kind = '{InvoiceKind.INVOICE}' THEN 1 ELSE 0 END),
    MIN(CASE WHEN kind = '{InvoiceKind.INVOICE}' THEN due_date END),
    MAX(CASE WHEN kind = '{InvoiceKind.INVOICE}' THEN due_date END)"""


def rebuild(company_id):
    """Sum every open document of the company again: after an import, and daily."""
    OpenByDueDate.objects.filter(company_id=company_id).delete()
    OpenByCustomer.objects.filter(company_id=company_id).delete()
    where = "company_id = %s"
    _insert(OpenByDueDate, _DUE_DATE_COLUMNS, _DUE_DATE_SUMS, where, _DUE_DATE_GROUP,
            [company_id])
    _insert(OpenByCustomer, _CUSTOMER_COLUMNS, _CUSTOMER_SUMS, where + _IN_EUROS,
            "customer_id, company_id", [company_id])
    analyze(OpenByDueDate, OpenByCustomer)   # a first import's views follow at once


def rebuild_if_out_of_step(company_id):
    """The daily safety net: rebuild when the sums by due date differ from the open
    invoices' (an amount, status or due date edited by hand in the admin, which goes
    through neither the balances nor an import). Comparing costs one streaming GROUP BY
    on the open-invoice index; rebuilding, a second or two at a million invoices."""
    kept = set(OpenByDueDate.objects.filter(company_id=company_id)
               .values_list("currency", "due_date", "kind", "amount"))
    summed = {(currency, due, kind, Decimal(amount).quantize(CENT))
              for currency, due, kind, amount in
              queries.open_invoices().filter(company_id=company_id)
              .values_list("currency", "due_date", "kind").annotate(Sum("open_amount"))
              .order_by()}
    if kept != summed:
        rebuild(company_id)
        return True
    return False


def refresh_invoices(invoice_ids):
    """Sum again the due dates and customers of these invoices (their open amounts or
    statuses just changed; their due dates and customers did not)."""
    invoice_ids = list(invoice_ids)
    if len(invoice_ids) > KEYED_AT_MOST:
        companies = Invoice.objects.filter(pk__in=invoice_ids).values_list(
            "company_id", flat=True).distinct()
        for company_id in list(companies):
            rebuild(company_id)
        return
    keys = set()
    for start in range(0, len(invoice_ids), CHUNK):
        keys.update(Invoice.objects.filter(pk__in=invoice_ids[start:start + CHUNK])
                    .values_list("company_id", "due_date", "kind", "customer_id"))
    _refresh_due_dates({(company, due, kind) for company, due, kind, _c in keys})
    _refresh_customers(sorted({customer for *_key, customer in keys}))


def _refresh_due_dates(keys):
    by_company = {}
    for company_id, due_date, kind in keys:
        by_company.setdefault((company_id, kind), []).append(due_date)
    for (company_id, kind), dates in by_company.items():
        for start in range(0, len(dates), CHUNK):
            chunk = dates[start:start + CHUNK]
            OpenByDueDate.objects.filter(company_id=company_id, kind=kind,
                                         due_date__in=chunk).delete()
            marks = ",".join(["%s"] * len(chunk))
            _insert(OpenByDueDate, _DUE_DATE_COLUMNS, _DUE_DATE_SUMS,
                    f"company_id = %s AND kind = %s AND due_date IN ({marks})",
                    _DUE_DATE_GROUP, [company_id, kind, *chunk])


def _refresh_customers(customer_ids):
    for start in range(0, len(customer_ids), CHUNK):
        chunk = customer_ids[start:start + CHUNK]
        OpenByCustomer.objects.filter(customer_id__in=chunk).delete()
        marks = ",".join(["%s"] * len(chunk))
        _insert(OpenByCustomer, _CUSTOMER_COLUMNS, _CUSTOMER_SUMS,
                f"customer_id IN ({marks}){_IN_EUROS}", "customer_id, company_id", chunk)


def _insert(model, columns, sums, where, group, params):
    """INSERT INTO the table SELECT the sums of open documents, in the database.

    An upsert: two transactions summing the same key at once (two card payments on
    the same due date) would otherwise both insert it after both deleted it. The one
    that waits for the other's commit then writes sums that include the other's."""
    key = _KEYS[model]
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns.split(", ")
                        if column not in key.split(", "))
    sql = (f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {sums} "
           f"FROM {Invoice._meta.db_table} WHERE status = '{InvoiceStatus.OPEN}' "
           f"AND {where} GROUP BY {group} ON CONFLICT ({key}) DO UPDATE SET {updates}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
