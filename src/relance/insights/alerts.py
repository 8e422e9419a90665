"""Alerts: a customer over its credit limit, or paying later than usual.

The daily refresh (`relance insights refresh`, or the first dashboard or worklist view
of the day) raises an alert when its condition starts and clears it when it ends; both
go on the customer's timeline once. Between refreshes the pages read the live rows.
"""
import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, FloatField, Func, Q
from django.utils import timezone

from relance.insights import behaviour, snapshots
from relance.insights.models import Alert, AlertKind, Refresh
from relance.insights.scope import Scope
from relance.ledger import open_totals, queries
from relance.ledger.models import Customer, Event, Invoice, InvoiceKind, InvoiceStatus

# Closed months recomputed every day: payments are often entered a few days late.
RECOMPUTED_MONTHS = 2


def over_credit_limit(company, today):
    """{customer: (balance, limit)} of customers whose open balance exceeds their limit."""
    customers = queries.annotate_open_totals(
        Customer.objects.filter(company=company, credit_limit__isnull=False), today)
    return {c: {"balance": str(c.open_balance), "limit": str(c.credit_limit)}
            for c in customers.filter(open_balance__gt=F("credit_limit"))}


class DaysLate(Func):
    """Days from the due date to the payment, 0 when paid early, in the database."""
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, arg_joiner=") - julianday(",
                           template="MAX(0, julianday(%(expressions)s))", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, arg_joiner=" - ",
                           template="GREATEST(0, %(expressions)s)", **extra)


def paying_later(company, today):
    """{customer: averages} of customers whose recent payments drift later than their
    usual ones (behaviour.trend_of), from one GROUP BY over the last 455 days' payments."""
    recent_from = today - dt.timedelta(days=behaviour.RECENT_DAYS)
    usual_from = recent_from - dt.timedelta(days=behaviour.USUAL_DAYS)
    late, recent = DaysLate("paid_on", "due_date"), Q(paid_on__gt=recent_from)
    rows = (Invoice.objects.filter(company=company, status=InvoiceStatus.PAID,
                                   kind=InvoiceKind.INVOICE, paid_on__gt=usual_from,
                                   paid_on__lte=today)
            .values("customer_id")
            .annotate(recent=Avg(late, filter=recent), n=Count("id", filter=recent),
                      usual=Avg(late, filter=~recent))
            .filter(n__gte=behaviour.MIN_RECENT_INVOICES, usual__isnull=False).order_by())
    found = {}
    for row in rows:
        averages = [_tenths(row["recent"]), _tenths(row["usual"])]
        if behaviour.trend_of(averages[0], row["n"], averages[1]) == behaviour.LATER:
            found[row["customer_id"]] = {"recent": str(averages[0]), "usual": str(averages[1])}
    customers = Customer.objects.in_bulk(list(found))
    return {customers[pk]: data for pk, data in found.items()}


def _tenths(days):
    return Decimal(str(days)).quantize(Decimal("0.1"))


def refresh(company, today):
    """Check the kept open amounts, raise and clear both kinds of alerts for `company`,
    and let the last closed months be recomputed on the next view."""
    open_totals.rebuild_if_out_of_step(company.pk)   # after edits made by hand
    snapshots.forget(company, since=_months_back(today, RECOMPUTED_MONTHS))
    snapshots.closed_months(Scope(company), today)    # the company's, ready for the day
    _sync(company, AlertKind.OVER_CREDIT_LIMIT, over_credit_limit(company, today), today)
    _sync(company, AlertKind.PAYING_LATER, paying_later(company, today), today)
    Refresh.objects.update_or_create(company=company, defaults={"as_of": today})


def refresh_if_stale(company, today):
    """Refresh once a day; concurrent first views may both refresh: harmless."""
    if not Refresh.objects.filter(company=company, as_of__gte=today).exists():
        refresh(company, today)


def _months_back(today, months):
    day = today.replace(day=1)
    for _ in range(months):
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return day


def _sync(company, kind, current, today):
    """Raise the alerts that start, clear the ones that ended: in bulk, as the first
    refresh of a big ledger may raise thousands."""
    live = {a.customer_id: a for a in Alert.objects.filter(
        company=company, kind=kind, cleared_on__isnull=True).select_related("customer")}
    new = [(customer, data) for customer, data in current.items() if customer.pk not in live]
    try:
        with transaction.atomic():
            _raise(company, kind, new, today)
    except IntegrityError:
        for customer, data in new:       # another refresh raised some a moment ago
            try:
                with transaction.atomic():
                    _raise(company, kind, [(customer, data)], today)
            except IntegrityError:
                pass
    still = {c.pk for c in current}
    ended = [alert for customer_id, alert in live.items() if customer_id not in still]
    Alert.objects.filter(pk__in=[a.pk for a in ended]).update(cleared_on=today)
    Event.objects.bulk_create([_event(company, a.customer, "alert.cleared",
                                      a.get_kind_display(), {"alert": a.pk, "kind": kind})
                               for a in ended])


def _raise(company, kind, new, today):
    alerts = Alert.objects.bulk_create([
        Alert(company=company, customer=customer, kind=kind, raised_on=today, data=data)
        for customer, data in new])
    label = str(AlertKind(kind).label)
    Event.objects.bulk_create([_event(company, alert.customer, f"alert.{kind}", label,
                                      {"alert": alert.pk, **alert.data})
                               for alert in alerts])


def _event(company, customer, type, message, data):
    """The timeline row `timeline.record` would write, for a bulk insert."""
    return Event(company=company, customer=customer, type=type, at=timezone.now(),
                 actor_label="system", message=message, data=data)
