"""Month-end figures (sales, receivables, not-due receivables, cash collected) derived
from invoices, allocations and payments by their dates, and kept per closed month.

How a month ending on E is derived (docs/insights.md):
- sales: invoices issued in the month, incl. tax, minus credit notes issued in it;
- receivables: everything issued up to E (credit notes deducted) minus the payments
  allocated up to E; cancelled documents count nowhere;
- not due: invoices issued up to E and due on E or later, minus every allocation
  (payment or credit note) made on them up to E;
- collected: payments received in the month.
Each table is read once, grouped by month: three queries for two years, run once per
closed month and scope, then read from `MonthEnd`.
"""
import bisect
import itertools
from decimal import Decimal

from django.db.models import CharField, Func, Q, Sum

from relance.insights import metrics
from relance.insights.models import MonthEnd
from relance.ledger.models import Allocation, Invoice, InvoiceKind, InvoiceStatus, Payment
from relance.ledger.queries import HOME_CURRENCY

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# Two years of months: the countback of the oldest of twelve trend points still finds
# the sales it walks back through.
HISTORY_MONTHS = 24


class MonthOf(Func):
    """'YYYY-MM' of a date column, in the database's own cheap way."""
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)",
                           **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="to_char(%(expressions)s, 'YYYY-MM')", **extra)


def compute(scope, ends):
    """{month end: (metrics.Month, collected)} for `ends` (month ends, oldest first).

    Three GROUP BY queries, read once each, over documents and payments in euros
    (other currencies are never added to them: docs/insights.md, "Currencies"):
    1. documents by issue month, due date and kind: sales of a month; issued by E is
       every issue month up to E's; not due at E, invoices issued by E and due from E on;
    2. allocations by their month, the invoice's issue month, due date and kind, and
       whether a payment made them: what was paid by E, on all and on not-due invoices;
    3. payments by month.
    Each group then adds its amount to a run of months (`_Runs`).
    """
    last = ends[-1]
    documents = (scope.filter(Invoice.objects.exclude(status=InvoiceStatus.CANCELLED)
                              .filter(issue_date__lte=last, currency=HOME_CURRENCY))
                 .values_list(MonthOf("issue_date"), "due_date", "kind")
                 .annotate(Sum("amount_total")).order_by())
    paid = (scope.filter(Allocation.objects.exclude(invoice__status=InvoiceStatus.CANCELLED)
                         .filter(date__lte=last, invoice__currency=HOME_CURRENCY),
                         prefix="invoice__customer__")
            .values_list(MonthOf("date"), MonthOf("invoice__issue_date"),
                         "invoice__due_date", "invoice__kind", Q(payment__isnull=False))
            .annotate(Sum("amount")).order_by())
    cash = scope.filter(Payment.objects.filter(date__lte=last, currency=HOME_CURRENCY)
                        ).values_list(
        MonthOf("date")).annotate(Sum("amount")).order_by()
    return _months(ends, documents, paid, cash)


class _Runs:
    """Amounts per month added over runs of months (a difference array)."""

    def __init__(self, ends):
        self.ends, self.steps = ends, [ZERO] * (len(ends) + 1)
        self.index = {end.strftime("%Y-%m"): i for i, end in enumerate(ends)}
        self.first = ends[0].strftime("%Y-%m")

    def month(self, text):
        """The month's index; -1 before the first month (it counts from month 0 on)."""
        return -1 if text < self.first else self.index.get(text, len(self.ends))

    def not_due_until(self, due_date):
        """The first month whose end is after `due_date`: due from E on means k < this."""
        return bisect.bisect_right(self.ends, due_date)

    def add(self, amount, start, stop=None):
        start = max(start, 0)
        stop = len(self.ends) if stop is None else stop
        if start < stop:
            self.steps[start] += Decimal(amount)
            self.steps[stop] -= Decimal(amount)

    def totals(self):
        return list(itertools.accumulate(self.steps[:-1]))


def _months(ends, documents, paid, cash):
    sales, issued, current, settled, settled_current, collected = (
        _Runs(ends) for _ in range(6))
    for month, due, kind, total in documents:
        k, signed = sales.month(month), -total if kind == InvoiceKind.CREDIT_NOTE else total
        sales.add(signed, k, k + 1)       # nothing before the first month
        issued.add(signed, k)
        if kind == InvoiceKind.INVOICE:
            current.add(total, k, current.not_due_until(due))
    for month, issue_month, due, kind, by_payment, total in paid:
        k = max(settled.month(month), settled.month(issue_month))
        if by_payment:
            settled.add(total, k)
        if kind == InvoiceKind.INVOICE:
            settled_current.add(total, k, settled.not_due_until(due))
    for month, total in cash:
        k = collected.month(month)
        collected.add(total, k, k + 1)
    rows = zip(ends, sales.totals(), issued.totals(), settled.totals(), current.totals(),
               settled_current.totals(), collected.totals())
    return {end: (metrics.Month(end, end.day, _cents(s), _cents(i - p), _cents(c - pc)),
                  _cents(cash_in))
            for end, s, i, p, c, pc, cash_in in rows}


def _cents(amount):
    # SQLite sums decimals as floats: back to cents.
    return Decimal(amount).quantize(CENT)


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
    forget_company(company.pk, since)


def forget_company(company_id, since=None):
    rows = MonthEnd.objects.filter(company_id=company_id)
    if since is not None:
        rows = rows.filter(end__gte=since)
    rows.delete()
