"""Read-side queries over open invoices, shaped for lists of 100,000 customers.

Every aggregate reads only `status = 'open'` rows through the (customer, status,
due_date) index. Lists aggregate for the customers of one page; only sorting or
filtering on a total needs the per-customer subqueries of `annotate_open_totals`.

Amounts in different currencies are never added: a customer's `balance` and
`overdue` are in euros, the company's currency (what credit limits, sorting and the
risk score compare), and its documents in other currencies are summed apart, one row
per currency (`others`).
"""
from decimal import Decimal

from django.db.models import (Case, DecimalField, Exists, F, Min, OuterRef, Q, Subquery,
                              Sum, Value, When)
from django.db.models.functions import Coalesce

from relance.ledger.models import Invoice, InvoiceKind, InvoiceStatus

ZERO = Decimal("0.00")
# The company's currency: what balances, limits and the dashboard's figures are in.
HOME_CURRENCY = "EUR"
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _signed_open_amount():
    # A credit note's open amount is money the customer can still use: it lowers the balance.
    return Case(When(kind=InvoiceKind.CREDIT_NOTE, then=-F("open_amount")),
                default=F("open_amount"), output_field=MONEY)


def _overdue_amount(as_of):
    return Case(When(kind=InvoiceKind.INVOICE, due_date__lt=as_of, then=F("open_amount")),
                default=Value(ZERO), output_field=MONEY)


def open_invoices():
    return Invoice.objects.filter(status=InvoiceStatus.OPEN)


def overdue_invoices(as_of):
    return open_invoices().filter(kind=InvoiceKind.INVOICE, due_date__lt=as_of)


def open_totals_for(customer_ids, as_of):
    """{customer id: {"balance", "overdue", "oldest_due", "others"}} for the given
    customers: balance and overdue in euros, `others` a list of {"currency",
    "balance", "overdue"} for the other currencies (A to Z), `oldest_due` the oldest
    overdue invoice's due date in any currency."""
    rows = (open_invoices().filter(customer_id__in=list(customer_ids))
            .values("customer_id", "currency")
            .annotate(balance=Sum(_signed_open_amount()),
                      overdue=Sum(_overdue_amount(as_of)),
                      oldest_due=Min("due_date", filter=Q(kind=InvoiceKind.INVOICE,
                                                          due_date__lt=as_of)))
            .order_by("customer_id", "currency"))
    found = {}
    for row in rows:
        totals = found.setdefault(row["customer_id"], {
            "balance": ZERO, "overdue": ZERO, "oldest_due": None, "others": []})
        if row["currency"] == HOME_CURRENCY:
            totals["balance"], totals["overdue"] = row["balance"], row["overdue"]
        else:
            totals["others"].append({"currency": row["currency"], "balance": row["balance"],
                                     "overdue": row["overdue"]})
        if row["oldest_due"] and (totals["oldest_due"] is None
                                  or row["oldest_due"] < totals["oldest_due"]):
            totals["oldest_due"] = row["oldest_due"]
    return found


def _per_customer(expression):
    """A correlated subquery summing `expression` over one customer's open invoices
    in euros."""
    rows = (open_invoices().filter(customer=OuterRef("pk"), currency=HOME_CURRENCY)
            .values("customer").annotate(total=Sum(expression)).values("total"))
    return Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)


def annotate_open_totals(customers, as_of):
    """Add `open_balance` and `overdue_amount` (in euros) in SQL, for sorting and
    filtering."""
    return customers.annotate(open_balance=_per_customer(_signed_open_amount()),
                              overdue_amount=_per_customer(_overdue_amount(as_of)))


def with_overdue_only(customers, as_of):
    """Customers with at least one overdue invoice: an EXISTS probe on the index."""
    return customers.filter(Exists(overdue_invoices(as_of).filter(customer=OuterRef("pk"))))

