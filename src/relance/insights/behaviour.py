"""How a customer pays: average days late, share paid on time, and whether it is paying
later than it used to.

`payment_behaviour(paid, today)` is pure: `paid` holds (due date, paid on) pairs of the
customer's settled invoices. `summary_for(customer, today)` loads them, the open totals,
disputes and credit limit, and hands everything to the pure functions here and in
`risk.py`: it is what the customer page's header shows (`_customer_risk.html`).
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# "Recent" is the last quarter of payments, "usual" the year before it.
RECENT_DAYS = 90
USUAL_DAYS = 365
# Paying this many days later than usual, on this many recent invoices, raises an alert:
# fewer would flag a single slow payment.
LATER_BY_DAYS = 10
MIN_RECENT_INVOICES = 2
# Rows loaded per customer: the last few hundred invoices say everything about habits.
HISTORY_LIMIT = 500

STEADY, LATER, EARLIER, UNKNOWN = "steady", "later", "earlier", "unknown"


@dataclass(frozen=True)
class Behaviour:
    invoices: int                    # settled invoices considered
    average_days_late: Decimal | None
    on_time_share: Decimal | None    # percent paid on or before the due date
    recent_days_late: Decimal | None
    usual_days_late: Decimal | None
    trend: str                       # STEADY, LATER, EARLIER or UNKNOWN

    @property
    def paying_later(self):
        return self.trend == LATER

    @property
    def drift(self):
        """Recent minus usual average days late; None when either is unknown."""
        if self.recent_days_late is None or self.usual_days_late is None:
            return None
        return self.recent_days_late - self.usual_days_late


def days_late(due_date, paid_on):
    """Days after the due date a settled invoice was paid; paying early counts as 0."""
    return max(0, (paid_on - due_date).days)


def _average(values):
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1")) if values else None


def payment_behaviour(paid, today):
    """1. average days late and on-time share over every (due, paid on) pair;
    2. the recent average over invoices paid in the last RECENT_DAYS, the usual one
       over the USUAL_DAYS before that;
    3. the trend: LATER when recent is LATER_BY_DAYS or more above usual on at least
       MIN_RECENT_INVOICES, EARLIER when as far below, STEADY otherwise, UNKNOWN when
       either period has no payment."""
    paid = list(paid)
    lateness = [days_late(due, paid_on) for due, paid_on in paid]
    recent_from = today - dt.timedelta(days=RECENT_DAYS)
    usual_from = recent_from - dt.timedelta(days=USUAL_DAYS)
    recent = [days_late(d, p) for d, p in paid if recent_from < p <= today]
    usual = [days_late(d, p) for d, p in paid if usual_from < p <= recent_from]
    on_time = sum(1 for late in lateness if late == 0)
    share = (Decimal(on_time) * 100 / len(lateness)).quantize(Decimal("0.1")) if paid else None
    return Behaviour(len(paid), _average(lateness), share, _average(recent), _average(usual),
                     _trend(recent, usual))


def _trend(recent, usual):
    return trend_of(_average(recent), len(recent), _average(usual))


def trend_of(recent_average, recent_count, usual_average):
    """The trend from the two periods' averages (None: no payment in that period)."""
    if recent_average is None or usual_average is None or not recent_count:
        return UNKNOWN
    drift = Decimal(recent_average) - Decimal(usual_average)
    if drift >= LATER_BY_DAYS and recent_count >= MIN_RECENT_INVOICES:
        return LATER
    if drift <= -LATER_BY_DAYS:
        return EARLIER
    return STEADY


@dataclass(frozen=True)
class Summary:
    """What the customer page's risk header shows."""
    behaviour: Behaviour
    risk: object            # risk.Risk
    balance: Decimal
    overdue: Decimal
    credit_limit: Decimal | None
    oldest_due: object = None        # the oldest overdue invoice's due date, if any

    @property
    def over_credit_limit(self):
        return self.credit_limit is not None and self.balance > self.credit_limit


def paid_rows(customer_ids):
    """{customer id: [(due date, paid on)]} of settled invoices, the latest first."""
    from relance.ledger.models import Invoice, InvoiceKind, InvoiceStatus

    rows, customer_ids = {}, list(customer_ids)
    found = (Invoice.objects.filter(customer_id__in=customer_ids,
                                    status=InvoiceStatus.PAID, kind=InvoiceKind.INVOICE,
                                    paid_on__isnull=False)
             .order_by("customer_id", "-paid_on")
             .values_list("customer_id", "due_date", "paid_on"))
    if len(customer_ids) == 1:
        found = found[:HISTORY_LIMIT]   # one customer's page: the database stops early
    for customer_id, due, paid_on in found.iterator():
        history = rows.setdefault(customer_id, [])
        if len(history) < HISTORY_LIMIT:
            history.append((due, paid_on))
    return rows


def open_disputes(customer_ids):
    """{customer id: number of open disputes}."""
    from django.db.models import Count

    from relance.cases.models import Dispute, DisputeStatus

    rows = (Dispute.objects.filter(invoice__customer_id__in=list(customer_ids),
                                   status=DisputeStatus.OPEN)
            .values("invoice__customer_id").annotate(n=Count("id")))
    return {row["invoice__customer_id"]: row["n"] for row in rows}


def summaries_for(customers, today):
    """{customer id: Summary} for several customers, in four queries."""
    from relance.insights import risk
    from relance.ledger import queries

    ids = [c.pk for c in customers]
    paid, disputes = paid_rows(ids), open_disputes(ids)
    totals = queries.open_totals_for(ids, today)
    found = {}
    for customer in customers:
        row = totals.get(customer.pk, {})
        behaviour = payment_behaviour(paid.get(customer.pk, []), today)
        exposure = risk.Exposure(balance=row.get("balance") or queries.ZERO,
                                 overdue=row.get("overdue") or queries.ZERO,
                                 credit_limit=customer.credit_limit,
                                 open_disputes=disputes.get(customer.pk, 0),
                                 country=customer.country)
        found[customer.pk] = Summary(behaviour, risk.score(behaviour, exposure),
                                     exposure.balance, exposure.overdue,
                                     customer.credit_limit, row.get("oldest_due"))
    return found


def summary_for(customer, today):
    """The customer's payment behaviour and risk on `today` (see `_customer_risk.html`)."""
    return summaries_for([customer], today)[customer.pk]
