"""What stops dunning an invoice: one rule, for the run that plans a reminder and for
the worker that is about to send it.

The run asks it of every open invoice it reads; the worker asks it again of a
reminder's invoices just before sending, with the facts as they stand then. Same
facts, same boundaries: a payment, dispute, hold, promise, payment plan, declared
payment or hand-over recorded after the run stops the queued reminder.

The facts an invoice is judged on:

- its open amount, against the company's *dunning tolerance*: an invoice whose open
  amount is below it counts as paid (1.00 EUR by default: 0.99 left open is not
  reminded, 1.00 is);
- whether it, or its customer, is on hold on the day (a hold ends on its date);
- the cases covering it (`Cases`): handed over to an agency, disputed, promised for
  a date not passed, in an active payment plan, declared paid and not reconciled.

Pure: the callers read the facts (`relance.dunning.loading.stopped_invoice_ids` reads
the cases for a company or a few customers).
"""
from django.utils.translation import gettext_lazy

# Stop reasons, in the order they are reported when several apply.
PAID = "paid"
HANDED_OVER = "handed_over"     # a collection agency has it: we no longer remind
DISPUTED = "disputed"
INVOICE_ON_HOLD = "invoice_on_hold"
CUSTOMER_ON_HOLD = "customer_on_hold"
PROMISED = "promised"
PAYMENT_PLAN = "payment_plan"
DECLARED_PAID = "declared_paid"
NO_SCENARIO = "no_scenario"     # the run's own: no scenario applies to the customer

# The cases that stop an invoice, as the `cases` mapping of `stop_reason` holds them.
CASE_REASONS = (HANDED_OVER, DISPUTED, PROMISED, PAYMENT_PLAN, DECLARED_PAID)
# What a collector's own message (a statement sent by hand) still respects: the
# agreements the collector knew of when deciding to write do not stop it.
MANUAL_REASONS = (PAID, HANDED_OVER, DISPUTED, INVOICE_ON_HOLD)

LABELS = {
    PAID: gettext_lazy("Paid (or left below the tolerance)"),
    HANDED_OVER: gettext_lazy("Handed over to a collection agency"),
    DISPUTED: gettext_lazy("Disputed"),
    INVOICE_ON_HOLD: gettext_lazy("Invoice on hold"),
    CUSTOMER_ON_HOLD: gettext_lazy("Customer on hold"),
    PROMISED: gettext_lazy("Promise to pay running"),
    PAYMENT_PLAN: gettext_lazy("In a payment plan"),
    DECLARED_PAID: gettext_lazy("Declared paid by the customer"),
    NO_SCENARIO: gettext_lazy("No scenario"),
}


def held(reason, until, day):
    """Whether a hold (a reason, until a date or without end) holds on `day`."""
    return bool(reason) and (until is None or until >= day)


def stop_reason(invoice_id, open_amount, invoice_held, customer_held, cases, tolerance):
    """The first reason, in the order of the module's constants, that stops dunning
    the invoice, or None when it may be reminded.

    `cases` maps each of CASE_REASONS to the ids of the invoices it covers."""
    if open_amount < tolerance:
        return PAID
    if invoice_id in cases[HANDED_OVER]:
        return HANDED_OVER
    if invoice_id in cases[DISPUTED]:
        return DISPUTED
    if invoice_held:
        return INVOICE_ON_HOLD
    if customer_held:
        return CUSTOMER_ON_HOLD
    if invoice_id in cases[PROMISED]:
        return PROMISED
    if invoice_id in cases[PAYMENT_PLAN]:
        return PAYMENT_PLAN
    if invoice_id in cases[DECLARED_PAID]:
        return DECLARED_PAID
    return None
