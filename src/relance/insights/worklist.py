"""What a collector must do today, in one list, the most worth doing first.

Six sources, each row linking to where the work is done: calls due, actions waiting
for approval, broken promises, disputes past their target date, bounced email
addresses, customers over their credit limit (and paying later than usual). Rows are
weighed by `priority.priority` with the customer's risk score (behaviour.summaries_for).
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from relance.cases.models import Dispute, DisputeStatus, Promise, PromiseStatus
from relance.delivery import calls
from relance.dunning import actions
from relance.insights import behaviour, priority
from relance.insights.models import Alert, AlertKind
from relance.ledger import queries
from relance.ledger.models import Contact, Customer
from relance.legal import exchange

# A dispute should be settled within this many days of being opened; later, it is work.
DISPUTE_TARGET_DAYS = 30
# A promise missed longer ago than this has been dealt with, or will not be any more.
BROKEN_PROMISE_DAYS = 60
PER_SOURCE = 200

CALL, APPROVAL, BROKEN_PROMISE, DISPUTE, BOUNCED, OVER_LIMIT, PAYING_LATER = (
    "call", "approval", "broken_promise", "dispute", "bounced", "over_limit",
    "paying_later")


@dataclass
class Task:
    kind: str
    customer: Customer
    amount: Decimal
    days_late: int
    url: str
    detail: str
    risk: object = None
    priority: Decimal = field(default=Decimal(0))
    currency: str = queries.HOME_CURRENCY       # what `amount` is in


def tasks_for(user, scope, today):
    """Every task of `scope` on `today`, weighed and sorted, highest priority first."""
    found = _disputes(scope, today) + _promises(scope, today) + _limits(scope, today)
    found += _bounced(scope, today) + _drifting(scope)
    if user.role != "sales":
        found = _calls(user, scope, today) + _approvals(scope, today) + found
    summaries = behaviour.summaries_for({t.customer.pk: t.customer for t in found}.values(),
                                        today)
    rates = exchange.load({t.currency for t in found}, until=today)
    for task in found:
        summary = summaries[task.customer.pk]
        task.risk = summary.risk
        if task.kind == PAYING_LATER:
            # what a customer drifting later puts at stake is what it owes late already
            task.amount = summary.overdue
        if task.kind in (PAYING_LATER, OVER_LIMIT) and summary.oldest_due:
            task.days_late = max(0, (today - summary.oldest_due).days)
        task.priority = priority.priority(_weighed(task, rates, today), task.days_late,
                                          task.risk.score)
    return sorted(found, key=lambda t: (-t.priority, t.kind, t.customer.pk))


def _weighed(task, rates, today):
    """The task's amount in euros for its priority: another currency at the ECB rate
    (`legal.exchange`); without a recent rate, as it stands (it only orders the list;
    the amount shown stays in its own currency)."""
    converted = exchange.to_euros(task.amount, task.currency, rates, today)
    return task.amount if converted is None else converted.amount


def _calls(user, scope, today):
    rows = calls.call_list(scope.company, user, today, collector=scope.owner_id)
    return [Task(CALL, a.customer, a.overdue_total,
                 (today - a.oldest_due).days if a.oldest_due else 0,
                 reverse("delivery:call", args=[a.pk]),
                 _("%(channel)s planned on %(day)s") % {"channel": a.get_channel_display(),
                                                        "day": a.planned_on},
                 currency=a.currency)
            for a in rows[:PER_SOURCE]]


def _approvals(scope, today):
    rows = scope.filter(actions.awaiting_approval(scope.company)).annotate(
        latest=Max("lines__days_late"))[:PER_SOURCE]
    return [Task(APPROVAL, a.customer, a.amount or a.overdue_total, a.latest or 0,
                 reverse("dunning:action", args=[a.pk]),
                 _("%(step)s by %(channel)s") % {"step": a.step or _("Manual reminder"),
                                                 "channel": a.get_channel_display()},
                 currency=a.currency)
            for a in rows]


def _promises(scope, today):
    missed = Q(status=PromiseStatus.BROKEN) | Q(status=PromiseStatus.OPEN,
                                                 promised_for__lt=today)
    rows = scope.filter(Promise.objects.filter(
        missed, promised_for__gte=today - dt.timedelta(days=BROKEN_PROMISE_DAYS))
        .select_related("customer").order_by("promised_for", "id"))[:PER_SOURCE]
    return [Task(BROKEN_PROMISE, p.customer, p.amount, (today - p.promised_for).days,
                 _customer_url(p.customer), _("Promised for %(day)s") % {"day": p.promised_for},
                 currency=p.currency)
            for p in rows]


def _disputes(scope, today):
    target = today - dt.timedelta(days=DISPUTE_TARGET_DAYS)
    # The ids first, then the rows by key: joined at once, PostgreSQL scans every invoice.
    ids = list(scope.filter(Dispute.objects.filter(status=DisputeStatus.OPEN,
                                                   opened_on__lt=target),
                            prefix="invoice__customer__")
               .order_by("opened_on", "id").values_list("id", flat=True)[:PER_SOURCE])
    rows = Dispute.objects.filter(pk__in=ids).select_related(
        "invoice", "invoice__customer__owner").order_by("opened_on", "id")
    return [Task(DISPUTE, d.invoice.customer, d.invoice.open_amount,
                 (target - d.opened_on).days, reverse("web:invoice", args=[d.invoice_id]),
                 _("%(invoice)s: %(reason)s, opened on %(day)s")
                 % {"invoice": d.invoice.number, "reason": d.get_reason_display(),
                    "day": d.opened_on}, currency=d.invoice.currency)
            for d in rows]


def _bounced(scope, today):
    contacts = list(scope.filter(Contact.objects.filter(email_bounced=True)
                                 .select_related("customer"))[:PER_SOURCE])
    totals = queries.open_totals_for({c.customer_id for c in contacts}, today)
    tasks = []
    for contact in contacts:
        row = totals.get(contact.customer_id)
        if row and (row["balance"] > 0 or any(o["balance"] > 0 for o in row["others"])):
            oldest = row["oldest_due"]
            tasks.append(Task(BOUNCED, contact.customer, row["balance"],
                              (today - oldest).days if oldest else 0,
                              _customer_url(contact.customer),
                              _("%(name)s: %(email)s bounced") % {"name": contact.name,
                                                                 "email": contact.email}))
    return tasks


def _limits(scope, today):
    customers = queries.annotate_open_totals(
        scope.filter(Customer.objects.filter(credit_limit__isnull=False), prefix=""), today)
    rows = customers.filter(open_balance__gt=F("credit_limit")).order_by("pk")[:PER_SOURCE]
    return [Task(OVER_LIMIT, c, c.open_balance - c.credit_limit, 0, _customer_url(c),
                 _("Balance %(balance)s over a limit of %(limit)s")
                 % {"balance": c.open_balance, "limit": c.credit_limit})
            for c in rows]


def _drifting(scope):
    rows = scope.filter(Alert.objects.filter(kind=AlertKind.PAYING_LATER,
                                             cleared_on__isnull=True)
                        .select_related("customer").order_by("raised_on", "id"))[:PER_SOURCE]
    return [Task(PAYING_LATER, a.customer, Decimal(0), 0, _customer_url(a.customer),
                 _("%(recent)s days late lately against %(usual)s before")
                 % {"recent": a.data.get("recent"), "usual": a.data.get("usual")})
            for a in rows]


def _customer_url(customer):
    return reverse("web:customer", args=[customer.pk])
