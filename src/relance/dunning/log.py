"""The action log as data: every action planned or sent in a window of days, with its
customer, step, channel, status and the invoices it claimed at the amounts it saw.

`relance actions export` prints it (JSON or CSV) and the actions page lists, filters
and exports it; both read `between` and describe each action with `entry`.
"""
import datetime as dt

from django.db.models import Prefetch, Q
from django.utils import timezone

from relance.delivery.models import Message, MessageState
from relance.dunning.models import ActionInvoice

# the invoices of each action, as the action saw them
_LINES = Prefetch("lines", ActionInvoice.objects.select_related("invoice")
                  .only("action_id", "open_amount", "invoice__number").order_by("id"))
_SENT = Prefetch("messages", Message.objects.filter(state=MessageState.SENT)
                 .only("action_id", "sent_at").order_by("sent_at", "id"),
                 to_attr="sent_messages")


def between(actions, start, end, *, channel="", status="", customer=""):
    """Those of `actions` (already scoped to what the reader may see) planned on a day
    from `start` to `end`, or whose message went out on such a day, oldest first;
    `channel`, `status` and `customer` (a reference or part of a name) narrow it."""
    sent = (Message.objects.filter(state=MessageState.SENT, sent_at__gte=_midnight(start),
                                   sent_at__lt=_midnight(end + dt.timedelta(days=1)))
            .values("action_id"))
    found = actions.filter(Q(planned_on__range=(start, end)) | Q(pk__in=sent))
    if channel:
        found = found.filter(channel=channel)
    if status:
        found = found.filter(status=status)
    if customer:
        found = found.filter(Q(customer__reference__iexact=customer)
                             | Q(customer__name__icontains=customer))
    return (found.select_related("customer__owner", "step")
            .prefetch_related(_LINES, _SENT).order_by("planned_on", "id"))


def _midnight(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def sent_at(action):
    """When the action's message last went out, or None."""
    sent = getattr(action, "sent_messages", None)
    if sent is None:
        sent = list(action.messages.filter(state=MessageState.SENT).order_by("sent_at"))
    return sent[-1].sent_at if sent else None


def invoices(action):
    return [{"number": line.invoice.number, "amount": str(line.open_amount)}
            for line in action.lines.all()]


def entry(action):
    """One action as plain data (what `relance actions export --json` prints)."""
    when = sent_at(action)
    return {
        "id": action.pk,
        "customer_ref": action.customer.reference,
        "customer": action.customer.name,
        "planned_on": action.planned_on.isoformat(),
        "kind": action.kind,
        "step": action.step.name if action.step_id else "",
        "channel": action.channel,
        "status": action.status,
        "amount": str(action.amount),
        "currency": action.currency,
        "sent_at": when.isoformat() if when else None,
        "invoices": invoices(action),
    }
