"""A stop recorded after the run stops the reminders already queued, at once.

Every case that stops dunning leaves a timeline event (`ledger.timeline.record`). When
such an event is written for a customer, the customer's messages still waiting in the
outbox (pending, or held for approval) are judged again, after the commit, by the rule
the worker applies before sending (`sending.due_now`): a message none of whose
invoices may be claimed any more is skipped and its action cancelled, with the reasons
on the timeline, without waiting for a worker to pick it up. A message that keeps some
invoices waits: the worker sends it with those only.

Bulk imports write no events one by one (no signal): once one that changed invoices
or payments commits, it judges again every waiting message of its company
(`recheck_company`).
"""
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from relance.delivery.models import Message, MessageState
from relance.delivery.sending import due_now, nothing_due, skipped
from relance.ledger.models import Event

# the timeline events that may stop dunning an invoice
STOPPING = frozenset({
    "payment.received", "dispute.opened", "invoice.put_on_hold", "customer.put_on_hold",
    "promise.recorded", "plan.accepted", "payment.declared", "handover.started",
})
WAITING = (MessageState.PENDING, MessageState.HELD)


def connect():
    post_save.connect(_event_written, sender=Event, dispatch_uid="delivery.recheck")


def _event_written(sender, instance, created, **kwargs):
    if created and instance.type in STOPPING and instance.customer_id:
        customer_id = instance.customer_id
        transaction.on_commit(lambda: recheck(customer_id))


def recheck_company(company_id, now=None):
    """`recheck` for every customer of the company with a message waiting."""
    customers = (Message.objects.filter(action__company_id=company_id, state__in=WAITING)
                 .values_list("action__customer_id", flat=True).distinct())
    return [pk for customer_id in list(customers) for pk in recheck(customer_id, now)]


def recheck(customer_id, now=None):
    """Skip the customer's waiting messages that may claim nothing any more; returns
    the ids of the messages skipped."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    found = []
    waiting = (Message.objects.filter(action__customer_id=customer_id, state__in=WAITING)
               .select_related("action__company", "action__customer"))
    for message in waiting:
        due, stopped = due_now(message.action, today)
        if not due and _skip(message, nothing_due(stopped), now):
            found.append(message.pk)
    return found


@transaction.atomic
def _skip(message, reason, now):
    """Compare-and-set: a worker that claimed the message meanwhile keeps it."""
    if not Message.objects.filter(pk=message.pk, state=message.state).update(
            state=MessageState.SKIPPED, last_error=reason):
        return False
    skipped(message, reason, now)
    return True
