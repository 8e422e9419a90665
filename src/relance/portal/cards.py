"""Recording a card payment a provider confirmed: a ledger Payment, its allocations to
the invoices paid, the open amounts refreshed, a timeline row; once per session."""
from django.db import IntegrityError, transaction

from relance.ledger import balances, timeline
from relance.ledger.models import Allocation, Customer, Invoice, Payment
from relance.portal import rules
from relance.portal.models import CardPayment


class Unknown(LookupError):
    """The confirmation names no customer of that company."""


def record(confirmation, today):
    """The Payment for `confirmation`, created the first time, found on a replay.
    Returns (payment, created)."""
    done = CardPayment.objects.filter(provider=confirmation.provider,
                                      session_id=confirmation.session_id).first()
    if done is not None:
        return done.payment, False
    try:
        with transaction.atomic():
            return _create(confirmation, today), True
    except IntegrityError:   # the same event delivered twice at once: the other won
        done = CardPayment.objects.get(provider=confirmation.provider,
                                       session_id=confirmation.session_id)
        return done.payment, False


def _create(confirmation, today):
    customer = Customer.objects.select_related("company").filter(
        pk=confirmation.customer_id, company_id=confirmation.company_id).first()
    if customer is None:
        raise Unknown(confirmation.customer_id)
    payment = Payment.objects.create(
        company=customer.company, customer=customer,
        reference=f"{confirmation.provider}:{confirmation.session_id}"[:60], date=today,
        currency=confirmation.currency, amount=confirmation.amount,
        unapplied_amount=confirmation.amount, method="card")
    CardPayment.objects.create(provider=confirmation.provider,
                               session_id=confirmation.session_id, payment=payment)
    invoices = (Invoice.objects.filter(customer=customer, pk__in=confirmation.invoice_ids,
                                       currency=confirmation.currency, open_amount__gt=0)
                .order_by("due_date", "number"))
    shares = rules.allocations(confirmation.amount,
                               [(i.pk, i.open_amount) for i in invoices])
    Allocation.objects.bulk_create(Allocation(invoice_id=pk, payment=payment, amount=amount,
                                              date=today) for pk, amount in shares)
    balances.refresh_invoices([pk for pk, _amount in shares])
    balances.refresh_payments([payment.pk])
    timeline.record(customer.company, "payment.received", customer=customer,
                    actor_label="debtor",
                    message=confirmation.reference,
                    data={"payment": payment.pk, "amount": str(confirmation.amount),
                          "currency": confirmation.currency, "method": "card",
                          "provider": confirmation.provider,
                          "session": confirmation.session_id})
    return payment
