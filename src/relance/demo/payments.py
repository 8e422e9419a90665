"""Payments as a bank statement would show them, and what they pay.

Receipts settling several invoices of one customer on one day become a single transfer
with one allocation per invoice; a few payments overshoot (unapplied cash) and a few
cannot be matched to anything yet.
"""
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from relance.demo.invoices import currency_of, next_weekday
from relance.ledger.models import Allocation, Payment

METHODS = ["transfer"] * 15 + ["direct_debit"] * 2 + ["cheque"] * 2 + ["card"]


def plan_payments(rng, company, fates, as_of):
    """Return payments (unsaved) and, for each, the list of (fate, amount) it pays."""
    groups = defaultdict(list)
    for index, fate in enumerate(fates):
        for number, (day, amount, settles) in enumerate(fate.receipts):
            key = (fate.invoice.customer.reference, day) if settles else (index, number)
            groups[key].append((fate, day, amount))
    planned = [_payment(rng, company, lines) for lines in groups.values()]
    planned += _unidentified(rng, company, fates, as_of)
    planned.sort(key=lambda item: (item[0].date, item[0].customer.reference))
    for sequence, (payment, _) in enumerate(planned, start=1):
        payment.reference = f"R{payment.date:%Y}-{sequence:06d}"
    return planned


def _payment(rng, company, lines):
    fate, day, _ = lines[0]
    amount = sum((line_amount for _, _, line_amount in lines), Decimal(0))
    customer = fate.invoice.customer
    method = "transfer" if customer.segment == "public" else rng.choice(METHODS)
    if method == "transfer" and amount % 100 and rng.random() < 0.015:
        amount = (amount // 100 + 1) * 100  # rounded up by the customer: a small overpayment
    payment = Payment(company=company, customer=customer, date=day, amount=amount,
                      unapplied_amount=amount, method=method, currency=fate.invoice.currency)
    return payment, [(fate, line_amount) for fate, _, line_amount in lines]


def _unidentified(rng, company, fates, as_of):
    """Recent transfers with no invoice to match, e.g. a batch paid twice by mistake."""
    customers = sorted({fate.invoice.customer.reference: fate.invoice.customer
                        for fate in fates}.items())
    planned = []
    for _ in range(6):
        _, customer = rng.choice(customers)
        day = next_weekday(as_of - timedelta(days=rng.randint(3, 45)))
        if day > as_of:
            day -= timedelta(days=7)
        amount = Decimal(rng.randint(3, 60) * 50)
        planned.append((Payment(company=company, customer=customer, date=day, amount=amount,
                                unapplied_amount=amount, method="transfer",
                                currency=currency_of(customer)), []))
    return planned


def allocations(planned, notes):
    """Allocation rows for payments (dated like the payment) and credit notes."""
    rows = [Allocation(invoice=fate.invoice, payment=payment, amount=amount, date=payment.date)
            for payment, lines in planned for fate, amount in lines]
    rows += [Allocation(invoice=fate.invoice, credit_note=note, amount=note.amount_total,
                        date=note.issue_date)
             for fate, note in notes]
    return rows
