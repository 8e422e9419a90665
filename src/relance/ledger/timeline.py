"""Writing to the timeline. Every service that changes a customer's story calls `record`."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Event


def record(company, type, *, customer=None, invoice=None, actor=None, actor_label="",
           message="", data=None, at=None):
    if invoice is not None and customer is None:
        customer = invoice.customer
    return Event.objects.create(
        company=company, customer=customer, invoice=invoice, type=type,
        at=at or timezone.now(), actor=actor, actor_label=actor_label,
        message=message, data=data or {})


def actor_of(user):
    """The `record` keywords naming who acted: a signed-in user, else the system."""
    if user is not None and user.is_authenticated:
        return {"actor": user}
    return {"actor_label": "system"}


def for_customer(customer, limit=200):
    return (Event.objects.filter(customer=customer)
            .select_related("actor", "invoice").order_by("-at", "-id")[:limit])


# What each dotted type means to a reader of the timeline; unknown types show as they are.
EVENT_LABELS = {
    "import.completed": _("Import"),
    "invoice.issued": _("Invoice issued"),
    "invoice.amount_changed": _("Amount changed"),
    "credit_note.issued": _("Credit note issued"),
    "payment.received": _("Payment received"),
    "dispute.opened": _("Dispute opened"),
    "dispute.resolved": _("Dispute resolved"),
    "customer.put_on_hold": _("Put on hold"),
    "customer.hold_released": _("Hold released"),
    "customer.scenario_changed": _("Scenario changed"),
    "invoice.put_on_hold": _("Invoice put on hold"),
    "invoice.hold_released": _("Invoice hold released"),
    "promise.recorded": _("Promise to pay"),
    "promise.cancelled": _("Promise cancelled"),
    "action.planned": _("Reminder planned"),
    "action.extended": _("Invoices added to a reminder"),
    "action.manual": _("Manual reminder"),
    "action.approved": _("Reminder approved"),
    "action.edited": _("Reminder edited"),
    "action.cancelled": _("Reminder cancelled"),
    "payment.declared": _("Payment declared by the customer"),
    "payment.declaration_rejected": _("Declared payment rejected"),
    "payment.declaration_expired": _("Declared payment expired"),
    "call.reached": _("Call: reached"),
    "call.no_answer": _("Call: no answer"),
    "call.wrong_number": _("Call: wrong number"),
    "call.promise": _("Call: promise to pay"),
    "call.dispute": _("Call: dispute"),
    "call.says_paid": _("Call: says it has paid"),
    "message.email": _("Email sent"),
    "message.letter": _("Letter ready to print"),
    "message.registered_letter": _("Registered letter ready to print"),
    "message.call": _("Call handed to the collector"),
    "message.task": _("Task handed to the collector"),
    "message.skipped": _("Reminder not sent"),
    "message.failed": _("Delivery failed"),
    "message.rerouted": _("Reminder sent another way"),
    "message.retried": _("Delivery retried"),
    "contact.email_bounced": _("Email address bounced"),
    "letter.posted": _("Letter posted"),
    "alert.over_credit_limit": _("Alert: over its credit limit"),
    "alert.paying_later": _("Alert: paying later than usual"),
    "alert.cleared": _("Alert cleared"),
    "portal.link_issued": _("Portal link issued"),
    "portal.link_revoked": _("Portal links revoked"),
    "plan.requested": _("Payment plan requested"),
    "plan.accepted": _("Payment plan accepted"),
    "plan.refused": _("Payment plan refused"),
    "contact.updated": _("Contact updated by the customer"),
    "note.added": _("Note"),
    "statement.queued": _("Statement to be emailed"),
    "handover.started": _("Handed over to a collection agency"),
    "handover.report": _("Collection agency report"),
    "handover.ended": _("Hand-over to the agency ended"),
}


def label(event_type):
    return EVENT_LABELS.get(event_type, event_type)


# Who acted when it was not a user (Event.actor_label), in words.
ACTOR_LABELS = {
    "import": _("import"),
    "system": _("system"),
    "dunning run": _("dunning run"),
    "billing": _("billing"),
    "bank": _("bank"),
    "debtor": _("debtor"),
}


def who(event):
    if event.actor_id:
        return str(event.actor)
    return ACTOR_LABELS.get(event.actor_label, event.actor_label)
