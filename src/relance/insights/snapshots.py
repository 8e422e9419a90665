"""Month-end figures (sales, receivables, not-due receivables, cash collected) derived
from invoices, allocations and payments by their dates, and kept per closed month.

How a month ending on E is derived (docs/insights.md):
- sales: invoices issued in the month, incl. tax, minus credit notes issued in it;
- receivables: everything issued up to E (credit notes deducted) minus the payments
  allocated up to E; cancelled documents count nowhere;
- not due: invoices issued up to E and due on E or later, minus every allocation
  (payment or credit note) made on them up to E;
- collected: payments received in the month.
Each is one conditional SUM per month in a single pass over each table: a handful of
queries for two years, run once per closed month and scope, then read from `MonthEnd`.
"""
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When

from relance.insights import metrics
from relance.insights.models import MonthEnd
from relance.ledger.models import Allocation, Invoice, InvoiceKind, InvoiceStatus, Payment

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0.00")
# Two years of months: the countback of the oldest of twelve trend points still finds
# the sales it walks back through.
HISTORY_MONTHS = 24


def _signed_total():
    return Case(When(kind=InvoiceKind.CREDIT_NOTE, then=-F("amount_total")),
                default=F("amount_total"), output_field=MONEY)


def _sum(expression, condition):
    return Sum(expression, filter=condition, output_field=MONEY, default=ZERO)


def compute(scope, ends):
    """{month end: metrics.Month with `collected` alongside} for `ends` (month ends)."""
    invoices = scope.filter(Invoice.objects.exclude(status=InvoiceStatus.CANCELLED))
    allocations = scope.filter(
        Allocation.objects.exclude(invoice__status=InvoiceStatus.CANCELLED),
        prefix="invoice__customer__")
    payments = scope.filter(Payment.objects.all())
    issued, paid, cash = {}, {}, {}
    for i, end in enumerate(ends):
        start = metrics.month_start(end)
        issued[f"s{i}"] = _sum(_signed_total(), Q(issue_date__range=(start, end)))
        issued[f"r{i}"] = _sum(_signed_total(), Q(issue_date__lte=end))
        issued[f"c{i}"] = _sum("amount_total", Q(kind=InvoiceKind.INVOICE,
                                                 issue_date__lte=end, due_date__gte=end))
        paid[f"r{i}"] = _sum("amount", Q(payment__isnull=False, date__lte=end,
                                         invoice__issue_date__lte=end))
        paid[f"c{i}"] = _sum("amount", Q(date__lte=end, invoice__kind=InvoiceKind.INVOICE,
                                         invoice__issue_date__lte=end,
                                         invoice__due_date__gte=end))
        cash[f"k{i}"] = _sum("amount", Q(date__range=(start, end)))
    issued = invoices.aggregate(**issued)
    paid = allocations.aggregate(**paid)
    cash = payments.aggregate(**cash)
    return {end: (metrics.Month(end, end.day, issued[f"s{i}"],
                                issued[f"r{i}"] - paid[f"r{i}"],
                                issued[f"c{i}"] - paid[f"c{i}"]), cash[f"k{i}"])
            for i, end in enumerate(ends)}


def closed_months(scope, today, count=HISTORY_MONTHS):
    """The last `count` closed months as `metrics.Month`s, oldest first, with
    {end: collected}; months not kept yet are computed and kept."""
    ends = metrics.month_ends(today, count)
    kept = {m.end: m for m in MonthEnd.objects.filter(
        company=scope.company, scope=scope.key, end__in=ends)}
    missing = [end for end in ends if end not in kept]
    if missing:
        rows = [MonthEnd(company=scope.company, scope=scope.key, end=end, sales=m.sales,
                         receivables=m.receivables, current=m.current, collected=cash)
                for end, (m, cash) in compute(scope, missing).items()]
        MonthEnd.objects.bulk_create(rows, ignore_conflicts=True)
        kept.update({row.end: row for row in rows})
    months = [metrics.Month(end, end.day, kept[end].sales, kept[end].receivables,
                            kept[end].current) for end in ends]
    return months, {end: kept[end].collected for end in ends}


def forget(company, since=None):
    """Drop kept months (from `since` on) so the next view recomputes them: after a
    back-dated import, or daily for the last months, where late entries land."""
    rows = MonthEnd.objects.filter(company=company)
    if since is not None:
        rows = rows.filter(end__gte=since)
    rows.delete()
