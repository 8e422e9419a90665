"""The dashboard's figures for one scope on one day: a handful of aggregate queries
over indexed columns, closed months read from the month-end cache, then the pure
metrics. Nothing here loops over invoices in Python."""
import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (Case, CharField, Count, DecimalField, F, Min, OuterRef, Q,
                              Subquery, Sum, Value, When)

from relance.cases.models import Dispute, DisputeStatus, Promise, PromiseStatus
from relance.insights import metrics, snapshots
from relance.insights.models import Alert
from relance.ledger import aging, queries
from relance.ledger.models import (Customer, Invoice, InvoiceKind, OpenByCustomer, OpenByDueDate,
                                   Payment)
from relance.legal import exchange

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0.00")
TOP_OVERDUE = 10
TREND_MONTHS = 12
# Ages of open disputes, in days since they were opened: (key, first day, last day).
DISPUTE_AGES = (("0_7", 0, 7), ("8_30", 8, 30), ("31_60", 31, 60), ("over_60", 61, None))
OLDEST_DISPUTES = 10
ALERTS_SHOWN = 10
TOP_PAGE = 50


def _sum(field, condition=None):
    return Sum(field, filter=condition, output_field=MONEY, default=ZERO)


def aging_balance(scope, today):
    """{bucket: open amount of invoices} in bucket order, and the open credit notes, in
    one pass with CASE buckets on the due date: over the company's open amounts by due
    date (`open_totals`), or over a portfolio's open invoices."""
    if scope.key == "":
        return aging_of(OpenByDueDate.objects.filter(company=scope.company,
                                                     currency=queries.HOME_CURRENCY),
                        "amount", today)
    return aging_of(scope.filter(queries.open_invoices().filter(
        currency=queries.HOME_CURRENCY)), "open_amount", today)


def aging_of(rows, amount, today):
    sums = {"credits": _sum(amount, Q(kind=InvoiceKind.CREDIT_NOTE))}
    for key in aging.BUCKET_KEYS:
        earliest, latest = aging.due_date_range(key, today)
        condition = Q(kind=InvoiceKind.INVOICE)
        if earliest is not None:
            condition &= Q(due_date__gte=earliest)
        if latest is not None:
            condition &= Q(due_date__lte=latest)
        sums[key] = _sum(amount, condition)
    row = rows.aggregate(**sums)
    credits = row.pop("credits")
    return {key: row[key] for key in aging.BUCKET_KEYS}, credits


def other_currencies(scope, today, receivables):
    """The open and overdue amounts in each currency but the euro, which every other
    figure leaves out (never added to euros), each with its value in euros at the ECB
    reference rate of `today` or the latest before it (`legal.exchange`), and the
    receivables in euros with every convertible currency added: an EuroTotal naming
    its rates, or the currencies it could not convert. None without other currencies.
    """
    if scope.key == "":
        rows, amount = OpenByDueDate.objects.filter(company=scope.company), "amount"
    else:
        rows, amount = scope.filter(queries.open_invoices()), "open_amount"
    signed = Case(When(kind=InvoiceKind.CREDIT_NOTE, then=-F(amount)), default=F(amount),
                  output_field=MONEY)
    found = list(rows.exclude(currency=queries.HOME_CURRENCY).values("currency").annotate(
        open=_sum(signed),
        overdue=_sum(amount, Q(kind=InvoiceKind.INVOICE, due_date__lt=today)))
        .order_by("currency"))
    if not found:
        return None
    rates = exchange.load([row["currency"] for row in found], until=today)
    for row in found:
        row["euros"] = exchange.to_euros(row["open"], row["currency"], rates, today)
    amounts = {queries.HOME_CURRENCY: receivables, **{r["currency"]: r["open"] for r in found}}
    return {"rows": found, "total": exchange.total_in_euros(amounts, rates, today)}


def top_overdue(scope, today, limit=TOP_OVERDUE):
    """The customers owing the most overdue money, with their oldest due date and how
    many overdue invoices: from the company's open amounts by customer, or grouped over
    a portfolio's overdue invoices."""
    if scope.key == "":
        rows = _top_overdue_of_company(scope.company, today, limit)
    else:
        rows = list(overdue_by_customer(scope.filter(queries.overdue_invoices(today).filter(
            currency=queries.HOME_CURRENCY))).order_by("-overdue", "customer_id")[:limit])
    names = Customer.objects.in_bulk([row["customer_id"] for row in rows])
    for row in rows:
        row["customer__name"] = names[row["customer_id"]].name
        row["customer__reference"] = names[row["customer_id"]].reference
    return rows


def overdue_by_customer(invoices):
    """Grouped on the invoice index alone; names are read for the ten found, not
    joined to every overdue invoice."""
    return invoices.values("customer_id").annotate(
        overdue=Sum("open_amount"), oldest_due=Min("due_date"), invoices=Count("id"))


def _top_overdue_of_company(company, today, limit):
    """A customer cannot owe more overdue than it has open on its invoices, and owes
    exactly that when its last open invoice fell due before today. So the customers
    are read by open amount, highest first, in pages; those with an invoice not due
    yet have their overdue amount summed from their invoices; reading stops once the
    `limit`-th best found owes more than any customer still unread can
    (`metrics.top_by_bound`)."""
    customers = (OpenByCustomer.objects.filter(company=company, first_due__lt=today)
                 .order_by("-invoiced", "customer_id"))
    pages = (list(customers[start:start + TOP_PAGE]) for start in itertools.count(0, TOP_PAGE))
    return metrics.top_by_bound(pages, lambda page: _exact_overdue(page, today), limit)


def _exact_overdue(page, today):
    """(bound, overdue row) of each customer of `page`."""
    partly = [c.customer_id for c in page if c.last_due >= today]
    summed = {row["customer_id"]: row for row in overdue_by_customer(
        queries.overdue_invoices(today).filter(customer_id__in=partly,
                                               currency=queries.HOME_CURRENCY)).order_by()}
    return [(c.invoiced, summed.get(c.customer_id) if c.last_due >= today else
             {"customer_id": c.customer_id, "overdue": c.invoiced, "oldest_due": c.first_due,
              "invoices": c.invoices}) for c in page]


def cash_periods(today):
    """((first of this month, today), (first, last of last month)): the days the cash
    collected figures sum, which the payment list behind them is filtered on."""
    this_start = metrics.month_start(today)
    last_end = this_start - dt.timedelta(days=1)
    return (this_start, today), (metrics.month_start(last_end), last_end)


def month_to_date(scope, today):
    """Sales issued and cash received this month and last, by the same boundaries as
    `metrics.cash_collected`, one query per table on the (company, date) indexes."""
    (this_start, _today), (last_start, last_end) = cash_periods(today)
    same_day = last_start.replace(day=min(today.day, last_end.day))
    sales = scope.filter(Invoice.objects.filter(
        issue_date__range=(this_start, today), currency=queries.HOME_CURRENCY)
        .exclude(status="cancelled")).aggregate(
        invoiced=_sum("amount_total", Q(kind=InvoiceKind.INVOICE)),
        credited=_sum("amount_total", Q(kind=InvoiceKind.CREDIT_NOTE)))
    cash = scope.filter(Payment.objects.filter(date__range=(last_start, today),
                                               currency=queries.HOME_CURRENCY)).aggregate(
        this=_sum("amount", Q(date__gte=this_start)),
        last=_sum("amount", Q(date__lte=last_end)),
        last_to_date=_sum("amount", Q(date__lte=same_day)))
    return (sales["invoiced"] - sales["credited"],
            metrics.CashCollected(cash["this"], cash["last"], cash["last_to_date"]))


def promises_this_week(scope, today):
    monday = today - dt.timedelta(days=today.weekday())
    promises = Promise.objects.filter(status=PromiseStatus.OPEN,
                                      promised_for__range=(monday, monday + dt.timedelta(6)))
    if not (scope.alone and scope.key == ""):
        # With a single company there is nothing to compare: filtering on the company
        # made SQLite walk all its customers for their promises.
        promises = scope.filter(promises)
    return list(promises.select_related("customer").order_by("promised_for", "id"))


def open_disputes(scope, today):
    """Counts and open amounts per age, and the oldest disputes, in three queries.

    Each dispute's open amount is read by key from its invoice (a subquery per dispute
    row), never by a join: a join lets PostgreSQL's planner scan every invoice to find
    the few thousand disputed ones.
    """
    disputes = scope.filter(Dispute.objects.filter(status=DisputeStatus.OPEN),
                            prefix="invoice__customer__")
    # in euros: a disputed invoice in another currency is counted, its amount not added
    open_amount = Subquery(Invoice.objects.filter(pk=OuterRef("invoice_id"),
                                                  currency=queries.HOME_CURRENCY)
                           .values("open_amount")[:1], output_field=MONEY)
    # Grouped by age, the subquery is in the plan once: PostgreSQL then estimates it
    # cheap enough not to JIT-compile it, which costs more than the query.
    rows = {row["age"]: row for row in disputes.annotate(amount=open_amount, age=_age(today))
            .values("age").annotate(n=Count("id"), total=_sum("amount")).order_by()}
    ages = [(key, rows[key]["n"] if key in rows else 0,
             rows[key]["total"] if key in rows else ZERO) for key, _f, _l in DISPUTE_AGES]
    first = list(disputes.order_by("opened_on", "id").values_list("id", flat=True)
                 [:OLDEST_DISPUTES])    # sorted alone, then the ten joined
    oldest = list(Dispute.objects.filter(pk__in=first)
                  .select_related("invoice", "invoice__customer").order_by("opened_on", "id"))
    for dispute in oldest:
        dispute.age = (today - dispute.opened_on).days
    return ages, oldest


def _age(today):
    """The DISPUTE_AGES key of a dispute's opening date on `today`."""
    whens = []
    for key, first, last in DISPUTE_AGES:
        since = Q(opened_on__lte=today - dt.timedelta(days=first))
        if last is not None:
            since &= Q(opened_on__gte=today - dt.timedelta(days=last))
        whens.append(When(since, then=Value(key)))
    return Case(*whens, default=Value(""), output_field=CharField())


def live_alerts(scope, shown=ALERTS_SHOWN):
    """{kind: (how many, the latest `shown`)} of the alerts still live; the worklist
    lists them all."""
    alerts = scope.filter(Alert.objects.filter(cleared_on__isnull=True))
    counts = dict(alerts.values_list("kind").annotate(n=Count("id")).order_by())
    return {kind: (n, _latest(alerts.filter(kind=kind), shown))
            for kind, n in sorted(counts.items())}


def _latest(alerts, shown):
    """The latest alerts, sorted alone and then joined to their customers: joined
    first, PostgreSQL read every customer for a few rows."""
    ids = list(alerts.order_by("-raised_on", "-id").values_list("id", flat=True)[:shown])
    return list(Alert.objects.filter(pk__in=ids).select_related("customer")
                .order_by("-raised_on", "-id"))


@dataclass
class Figures:
    aging: dict
    credits: Decimal
    receivables: Decimal
    overdue: Decimal
    overdue_share: Decimal | None
    dso: Decimal
    best_dso: Decimal
    add: Decimal
    trend: list
    cei_month: Decimal | None
    cei_quarter: Decimal | None
    sales_month: Decimal
    cash: metrics.CashCollected


def figures(scope, today):
    """Every number of the dashboard's upper half for `scope` on `today`."""
    buckets, credits = aging_balance(scope, today)
    receivables = sum(buckets.values(), ZERO) - credits
    overdue = receivables - buckets[aging.NOT_DUE] + credits
    sales_month, cash = month_to_date(scope, today)
    closed, _collected = snapshots.closed_months(scope, today)
    running = metrics.Month(today, today.day, sales_month, receivables,
                            buckets[aging.NOT_DUE])
    history = [running] + closed[::-1]             # newest first
    dso = metrics.dso_countback(receivables, history)
    best = metrics.best_possible_dso(buckets[aging.NOT_DUE], history)
    trend_months = closed[-TREND_MONTHS:]
    return Figures(
        aging=buckets, credits=credits, receivables=receivables, overdue=overdue,
        overdue_share=metrics.share(overdue, sum(buckets.values(), ZERO)),
        dso=dso, best_dso=best, add=dso - best,
        trend=metrics.dso_trend(trend_months, closed),
        cei_month=metrics.cei_over(closed[-2].receivables, closed[-1:]),
        cei_quarter=metrics.cei_over(closed[-4].receivables, closed[-3:]),
        sales_month=sales_month, cash=cash)
