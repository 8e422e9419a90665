"""Opening and closing the cases that stop dunning. Each one leaves a timeline event.

Views and the portal call these; they validate what the database cannot (dates, which
invoices belong to which customer) and raise `CaseRefused` with a message for the user.
"""
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from relance.cases.models import (
    DeclarationStatus, Dispute, DisputeStatus, PaymentDeclaration, Promise, PromiseStatus,
)
from relance.ledger import timeline
from relance.ledger.models import InvoiceStatus
from relance.team import notify


class CaseRefused(ValueError):
    """What the user asked cannot be done; the message says why, for the user."""


@transaction.atomic
def open_dispute(invoice, reason, comment, on_date, user=None, actor_label=""):
    if invoice.status != InvoiceStatus.OPEN:
        raise CaseRefused(_("Invoice %(number)s is not open.") % {"number": invoice.number})
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(invoice=invoice, reason=reason, comment=comment,
                                             opened_on=on_date, owner=user)
    except IntegrityError:
        raise CaseRefused(_("Invoice %(number)s is already disputed.")
                          % {"number": invoice.number}) from None
    timeline.record(invoice.company, "dispute.opened", invoice=invoice,
                    message=comment, data={"reason": reason, "dispute": dispute.pk},
                    **_with_label(user, actor_label))
    return dispute


@transaction.atomic
def resolve_dispute(dispute, resolution, on_date, user=None):
    dispute.status = DisputeStatus.RESOLVED
    dispute.resolution = resolution
    dispute.resolved_on = on_date
    dispute.save(update_fields=["status", "resolution", "resolved_on"])
    invoice = dispute.invoice
    timeline.record(invoice.company, "dispute.resolved", invoice=invoice,
                    message=resolution, data={"dispute": dispute.pk}, **timeline.actor_of(user))
    return dispute


@transaction.atomic
def put_on_hold(target, reason, until, on_date, user=None):
    """Hold a customer or an invoice until a date (None: until released)."""
    if not reason.strip():
        raise CaseRefused(_("Say why it is put on hold."))
    if until is not None and until < on_date:
        raise CaseRefused(_("The hold must end today or later."))
    target.hold_reason, target.hold_until = reason.strip(), until
    target.save(update_fields=["hold_reason", "hold_until"])
    _record_on(target, "put_on_hold", reason,
               {"until": until.isoformat() if until else None}, user)


@transaction.atomic
def release_hold(target, user=None):
    reason = target.hold_reason
    target.hold_reason, target.hold_until = "", None
    target.save(update_fields=["hold_reason", "hold_until"])
    _record_on(target, "hold_released", reason, {}, user)


def _record_on(target, verb, message, data, user):
    kind = target._meta.model_name   # "customer" or "invoice"
    where = {kind: target}
    timeline.record(target.company, f"{kind}.{verb}", message=message, data=data,
                    **where, **timeline.actor_of(user))


@transaction.atomic
def record_promise(customer, invoices, amount, promised_for, on_date, note="", user=None,
                   actor_label=""):
    """The customer promises to pay `amount` by `promised_for` for these invoices."""
    invoices = list(invoices)
    if not invoices:
        raise CaseRefused(_("Choose the invoices the promise covers."))
    if any(i.customer_id != customer.pk for i in invoices):
        raise CaseRefused(_("The invoices must be this customer's."))
    if promised_for < on_date:
        raise CaseRefused(_("The promised date cannot be in the past."))
    if amount is None or amount <= Decimal(0):
        raise CaseRefused(_("The promised amount must be positive."))
    currencies = {i.currency for i in invoices}
    if len(currencies) > 1:
        raise CaseRefused(_("A promise covers invoices in one currency."))
    promise = Promise.objects.create(customer=customer, amount=amount,
                                     currency=currencies.pop(), promised_for=promised_for,
                                     note=note, created_by=_user(user))
    promise.invoices.set(invoices)
    timeline.record(customer.company, "promise.recorded", customer=customer, message=note,
                    data={"promise": promise.pk, "amount": str(amount),
                          "currency": promise.currency,
                          "promised_for": promised_for.isoformat(),
                          "invoices": [i.number for i in invoices]},
                    **_with_label(user, actor_label))
    return promise


@transaction.atomic
def cancel_promise(promise, user=None):
    promise.status = PromiseStatus.CANCELLED
    promise.save(update_fields=["status"])
    timeline.record(promise.customer.company, "promise.cancelled", customer=promise.customer,
                    data={"promise": promise.pk}, **timeline.actor_of(user))


@transaction.atomic
def declare_payment(customer, invoices, amount, paid_on, on_date, note="", user=None,
                    actor_label=""):
    """The customer says it paid `amount` on `paid_on` for these invoices: reminders on
    them hold until the payment is matched (or the declaration rejected)."""
    invoices = list(invoices)
    if not invoices:
        raise CaseRefused(_("Choose the invoices the payment covers."))
    if any(i.customer_id != customer.pk for i in invoices):
        raise CaseRefused(_("The invoices must be this customer's."))
    if paid_on > on_date:
        raise CaseRefused(_("The payment date cannot be in the future."))
    if amount is None or amount <= Decimal(0):
        raise CaseRefused(_("The paid amount must be positive."))
    declaration = PaymentDeclaration.objects.create(customer=customer, amount=amount,
                                                    paid_on=paid_on, declared_on=on_date,
                                                    note=note)
    declaration.invoices.set(invoices)
    timeline.record(customer.company, "payment.declared", customer=customer, message=note,
                    data={"declaration": declaration.pk, "amount": str(amount),
                          "paid_on": paid_on.isoformat(),
                          "invoices": [i.number for i in invoices]},
                    **_with_label(user, actor_label))
    return declaration


@transaction.atomic
def reject_declaration(declaration, reason, user=None):
    """A collector found no such payment: the declaration stops holding reminders."""
    if not reason.strip():
        raise CaseRefused(_("Say why the declared payment is rejected."))
    if not _settle_declaration(declaration, DeclarationStatus.REJECTED):
        raise CaseRefused(_("This declared payment is no longer awaiting reconciliation."))
    timeline.record(declaration.customer.company, "payment.declaration_rejected",
                    customer=declaration.customer, message=reason.strip(),
                    data=_declaration_data(declaration), **timeline.actor_of(user))


def expire_declarations(company, declared_by):
    """Each declaration still pending that was made on or before `declared_by` (the
    company's `declaration_days` business days before the day: the caller counts
    them) expires: a timeline event, and a notice to the customer's owner, who may
    want to call. Returns the declarations expired."""
    pending = (PaymentDeclaration.objects
               .filter(customer__company=company, status=DeclarationStatus.PENDING,
                       declared_on__lte=declared_by)
               .select_related("customer__owner").prefetch_related("invoices"))
    expired = []
    for declaration in pending:
        with transaction.atomic():
            if not _settle_declaration(declaration, DeclarationStatus.EXPIRED):
                continue
            customer = declaration.customer
            said = _("No payment received matched the payment of %(amount)s the customer "
                     "declared on %(day)s: reminders resume.") % {
                "amount": _amount_of(declaration),
                "day": date_format(declaration.declared_on, "SHORT_DATE_FORMAT")}
            timeline.record(company, "payment.declaration_expired", customer=customer,
                            actor_label="system", message=said,
                            data=_declaration_data(declaration))
            if customer.owner is not None:
                _tell_expired(customer, declaration)
            expired.append(declaration)
    return expired


def _settle_declaration(declaration, status):
    """Compare-and-set: only a pending declaration changes, once."""
    changed = PaymentDeclaration.objects.filter(
        pk=declaration.pk, status=DeclarationStatus.PENDING).update(status=status)
    declaration.status = status if changed else declaration.status
    return changed == 1


def _declaration_data(declaration):
    return {"declaration": declaration.pk, "amount": str(declaration.amount),
            "paid_on": declaration.paid_on.isoformat(),
            "invoices": sorted(i.number for i in declaration.invoices.all())}


def _amount_of(declaration):
    """The declared amount with the currency of its invoices (one currency a case)."""
    first = next(iter(declaration.invoices.all()), None)
    return f"{declaration.amount} {first.currency if first else ''}".strip()


def _tell_expired(customer, declaration):
    link = reverse("web:customer", args=[customer.pk]) + "?tab=timeline"

    def compose():
        what = {"customer": customer.name, "reference": customer.reference,
                "amount": _amount_of(declaration),
                "paid_on": date_format(declaration.paid_on, "SHORT_DATE_FORMAT"),
                "url": notify.absolute(link)}
        text = _("%(customer)s: the declared payment was not received") % what
        body = _("%(customer)s (%(reference)s) declared a payment of %(amount)s made on "
                 "%(paid_on)s. No payment received matched it in time: the declaration "
                 "expired and reminders resume.\n\nSee the customer: %(url)s") % what
        return text, body
    notify.users([customer.owner], compose, link)


def _user(user):
    return user if user is not None and user.is_authenticated else None


def _with_label(user, actor_label):
    if actor_label:
        return {"actor": _user(user), "actor_label": actor_label}
    return timeline.actor_of(user)
