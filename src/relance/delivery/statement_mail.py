"""A customer's statement of claim emailed from the customer view, through the outbox.

The statement goes like a reminder: a manual action (no step, its own text) and its
message, delivered once by the worker and kept as evidence. The message is composed
here, at once, with the statement of claim's PDF (relance.legal) as its attachment, so
the worker finds it ready and only delivers it. If the customer's invoices change
before it goes (one paid, one disputed), the worker composes it again from the
action's own text, as for any reminder; the action's summary says `statement`, so the
email is composed with the statement of claim as of the sending day, not the invoices.
"""
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relance.compose import messages
from relance.compose.wording import message_for
from relance.delivery import outbox
from relance.delivery.sending import due_now
from relance.dunning.actions import ActionRefused
from relance.dunning.models import Action, ActionInvoice, ActionKind, ActionStatus, Channel, Tone
from relance.dunning.snapshots import snapshot
from relance.ledger import timeline
from relance.ledger.models import InvoiceKind, InvoiceStatus
from relance.portal import links as portal_links


@transaction.atomic
def send(customer, contact, user, today, note=""):
    """Queue the statement of claim to `contact`; the action, its message ready to go."""
    invoices = list(customer.invoices.filter(status=InvoiceStatus.OPEN,
                                             kind=InvoiceKind.INVOICE).order_by("due_date", "id"))
    currencies = {i.currency for i in invoices}
    if not invoices:
        raise ActionRefused(_("The customer has no open invoice: there is no statement to send."))
    if not (contact and contact.email) or contact.customer_id != customer.pk:
        raise ActionRefused(_("Choose a contact of this customer with an email address."))
    action = _action(customer, contact, user, today, invoices, note, currencies)
    message = outbox.enqueue(action)
    _compose(message, customer, today, timezone.now())
    timeline.record(customer.company, "statement.queued", customer=customer, actor=user,
                    message=contact.email, data={"action": action.pk, "message": message.pk})
    return action


def _action(customer, contact, user, today, invoices, note, currencies):
    with translation.override(customer.language):
        subject = _("Statement of account %(reference)s at %(day)s") % {
            "reference": customer.reference, "day": "{{ today }}"}
        body = _("Hello,\n\nPlease find attached the statement of your account with us "
                 "at %(day)s: the open invoices, the payments received, and the late "
                 "penalties and recovery indemnities due under French law.") % {
            "day": "{{ today }}"}
    if note:
        body += "\n\n" + note.replace("{", "(").replace("}", ")")  # text, not template
    # The statement covers every currency; the action's amount is in one of them (euros
    # first), never a sum across currencies.
    currency = min(currencies, key=lambda c: (c != "EUR", c))
    total = sum(i.open_amount for i in invoices if i.currency == currency)
    action = Action.objects.create(
        company=customer.company, customer=customer, kind=ActionKind.MANUAL,
        planned_on=today, currency=currency, channel=Channel.EMAIL,
        tone=Tone.COURTEOUS, status=ActionStatus.PLANNED, contact=contact, amount=total,
        overdue_total=total, note=note, created_by=user, subject=subject, body=body,
        summary={**snapshot(invoices), "statement": True})
    ActionInvoice.objects.bulk_create(
        ActionInvoice(action=action, invoice=i, open_amount=i.open_amount,
                      days_late=(today - i.due_date).days) for i in invoices)
    return action


def _compose(message, customer, today, now):
    """What the worker's composition does (an email whose action is a statement's
    attaches the statement of claim), done at once so the worker only delivers it; the
    customer's portal link is reused or issued `now`, as when the worker sends."""
    action = message.action
    wording = message_for(action, today,
                          portal_url=portal_links.for_reminder(customer, now))
    if wording.problem:
        raise ActionRefused(wording.problem)
    messages.email(message, wording, [])
    message.language = wording.language
    message.invoices = due_now(action, today)[0]
    message.save()
