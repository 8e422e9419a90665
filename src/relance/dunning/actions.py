"""What users do with actions: approve, edit or cancel what the run planned, and send a
one-off reminder by hand. Every decision goes on the customer's timeline."""
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.delivery import outbox
from relance.dunning import loading
from relance.dunning.models import Action, ActionInvoice, ActionKind, ActionStatus
from relance.dunning.recipients import route
from relance.dunning.snapshots import snapshot
from relance.ledger import timeline
from relance.ledger.models import Event, InvoiceKind, InvoiceStatus


class ActionRefused(ValueError):
    """The decision cannot be taken; the message says why, for the user."""


def _decide(action, status, user, event, message=""):
    if not action.is_open:
        raise ActionRefused(_("This action is already %(status)s.")
                            % {"status": action.get_status_display().lower()})
    action.status = status
    action.decided_at = timezone.now()
    action.decided_by = user
    action.save(update_fields=["status", "decided_at", "decided_by"])
    timeline.record(action.company, event, customer=action.customer, actor=user,
                    message=message, data={"action": action.pk})
    return action


@transaction.atomic
def approve(action, user):
    if action.status != ActionStatus.AWAITING_APPROVAL:
        raise ActionRefused(_("Only an action awaiting approval can be approved."))
    outbox.release(action)
    return _decide(action, ActionStatus.PLANNED, user, "action.approved")


@transaction.atomic
def cancel(action, user, reason=""):
    decided = _decide(action, ActionStatus.CANCELLED, user, "action.cancelled", reason)
    outbox.withdraw(action, reason or _("The action was cancelled."))
    return decided


@transaction.atomic
def edit(action, user, *, subject, body, note, contact):
    """Change what an open action will say and to whom, before it goes out."""
    if not action.is_open:
        raise ActionRefused(_("Only a planned action can be edited."))
    if contact is not None and contact.customer_id != action.customer_id:
        raise ActionRefused(_("The recipient must be one of the customer's contacts."))
    action.subject, action.body, action.note, action.contact = subject, body, note, contact
    action.save(update_fields=["subject", "body", "note", "contact"])
    outbox.recompose(action)
    timeline.record(action.company, "action.edited", customer=action.customer, actor=user,
                    message=note, data={"action": action.pk})
    return action


@transaction.atomic
def send_manual(customer, step, invoices, user, *, as_of, note=""):
    """A one-off reminder with a step's templates, for chosen open invoices. It does not
    move the invoices through their scenario."""
    invoices = [i for i in invoices if i.status == InvoiceStatus.OPEN
                and i.kind == InvoiceKind.INVOICE]
    if not invoices:
        raise ActionRefused(_("Choose at least one open invoice."))
    if any(i.customer_id != customer.pk for i in invoices):
        raise ActionRefused(_("The invoices must be this customer's."))
    currencies = {i.currency for i in invoices}
    if len(currencies) > 1:
        raise ActionRefused(_("A reminder covers invoices in one currency."))
    contacts = loading.contacts_of([customer.pk]).get(customer.pk, ())
    channel, contact = route(contacts, step.roles, step.channel)
    action = Action.objects.create(
        company=customer.company, customer=customer, kind=ActionKind.MANUAL, step=step,
        planned_on=as_of, currency=currencies.pop(), channel=channel, tone=step.tone,
        status=ActionStatus.PLANNED, contact_id=contact and contact.id,
        copy_sales_rep=step.copy_sales_rep, amount=sum(i.open_amount for i in invoices),
        overdue_total=sum(i.open_amount for i in invoices), note=note, created_by=user,
        summary=snapshot(invoices, step.scenario.name, step.name))
    ActionInvoice.objects.bulk_create(
        ActionInvoice(action=action, invoice=i, open_amount=i.open_amount,
                      days_late=(as_of - i.due_date).days) for i in invoices)
    outbox.enqueue(action)
    timeline.record(customer.company, "action.manual", customer=customer, actor=user,
                    message=", ".join(i.number for i in invoices),
                    data={"action": action.pk, "step": step.name, "channel": channel})
    return action


def awaiting_approval(company):
    return (Action.objects.filter(company=company, status=ActionStatus.AWAITING_APPROVAL)
            .select_related("customer", "step", "contact").order_by("planned_on", "id"))


def for_customer(customer, limit=100):
    return (Action.objects.filter(customer=customer)
            .select_related("step", "contact", "decided_by")
            .order_by("-planned_on", "-id")[:limit])


def for_invoice(invoice):
    return (Action.objects.filter(lines__invoice=invoice)
            .select_related("step", "contact").order_by("-planned_on", "-id"))


def invoice_timeline(invoice, limit=200):
    """The invoice's own events and those of the actions that concerned it: an action
    is recorded once, on the customer's timeline, and shows on each of its invoices."""
    action_ids = list(ActionInvoice.objects.filter(invoice=invoice)
                      .values_list("action_id", flat=True))
    about_actions = Q(type__startswith="action.") | Q(type__startswith="message.")
    mentioned = (Q(about_actions, customer_id=invoice.customer_id,
                   data__action__in=action_ids) if action_ids else Q(pk__in=[]))
    return (Event.objects.filter(Q(invoice=invoice) | mentioned)
            .select_related("actor").order_by("-at", "-id")[:limit])
