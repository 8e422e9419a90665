"""Eighteen months of invoices, and when each customer settles each of them.

An invoice's fate is decided here, in memory: the receipts (date, amount) that will pay
it, and the credit note that reduces it. `payments.py` turns receipts into payments.
"""
import math
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from relance.demo.names import CURRENCIES
from relance.demo.parties import HABITS
from relance.ledger.models import Invoice, InvoiceKind

HISTORY_DAYS = 548  # eighteen months
MEDIAN_EXCL_TAX = 1200
VAT_RATE = Decimal("0.20")
CENT = Decimal("0.01")


@dataclass
class Fate:
    """What happens to one invoice between its issue and the as-of date."""

    invoice: Invoice
    habit: str
    receipts: list = field(default_factory=list)  # (date, amount, settles_it)
    credit: Decimal = Decimal(0)
    credit_date: object = None


def next_weekday(day):
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def previous_weekday(day):
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def issue_invoices(rng, company, plans, as_of, count):
    """Spread `count` invoices over the customers (by volume) and the last 18 months."""
    weights = [plan.invoices_per_year for plan in plans]
    drafts = []
    for plan in rng.choices(plans, weights=weights, k=count):
        issued = previous_weekday(as_of - timedelta(days=rng.randrange(HISTORY_DAYS)))
        drafts.append((issued, plan))
    drafts.sort(key=lambda draft: (draft[0], draft[1].customer.reference))
    number_for = _numbering("F")
    return [_invoice(rng, company, plan, issued, number_for(issued))
            for issued, plan in drafts], [plan.habit for _, plan in drafts]


def _numbering(prefix):
    """F2026-000123: a gapless sequence per year, as French invoicing rules require."""
    last = {}

    def number_for(day):
        last[day.year] = last.get(day.year, 0) + 1
        return f"{prefix}{day.year}-{last[day.year]:06d}"
    return number_for


def _invoice(rng, company, plan, issued, number):
    customer = plan.customer
    excl_tax = money(rng.lognormvariate(math.log(MEDIAN_EXCL_TAX), 0.9))
    # Sales to businesses abroad carry no French VAT (reverse charge or export).
    vat = money(excl_tax * VAT_RATE) if customer.country == "FR" else Decimal("0.00")
    return Invoice(
        company=company, customer=customer, number=number, issue_date=issued,
        currency=currency_of(customer),
        due_date=issued + timedelta(days=customer.payment_terms_days),
        amount_excl_tax=excl_tax, vat=vat, amount_total=excl_tax + vat,
        open_amount=excl_tax + vat,
        po_number=f"PO-{rng.randint(10000, 99999)}" if customer.segment != "sme" else "")


def currency_of(customer):
    """The currency the customer is invoiced in: its country's, or euros."""
    return CURRENCIES.get(customer.country, "EUR")


def decide_fates(rng, invoices, habits, as_of):
    fates = [Fate(invoice, habit) for invoice, habit in zip(invoices, habits)]
    for fate in fates:
        _maybe_credit(rng, fate, as_of)
        _settle(rng, fate, as_of)
    return fates


def _maybe_credit(rng, fate, as_of):
    """About 2% of invoices get a credit note: a discount, or a full cancellation."""
    invoice = fate.invoice
    credit_date = next_weekday(invoice.issue_date + timedelta(days=rng.randint(7, 40)))
    if rng.random() >= 0.02 or credit_date > as_of:
        return
    share = Decimal(1) if rng.random() < 0.3 else Decimal(rng.randint(5, 30)) / 100
    fate.credit = money(invoice.amount_total * share)
    fate.credit_date = credit_date


def _settle(rng, fate, as_of):
    """Receipts that pay what the credit note left, following the customer's habit."""
    invoice = fate.invoice
    remaining = invoice.amount_total - fate.credit
    _, (early, late), never_chance = HABITS[fate.habit]
    if remaining <= 0 or rng.random() < never_chance:
        return
    delay = round(rng.triangular(early, late, early + (late - early) / 4))
    settle_on = next_weekday(max(invoice.issue_date + timedelta(days=2),
                                 invoice.due_date + timedelta(days=delay)))
    if invoice.customer.segment in ("large", "public"):
        settle_on = max(_payment_run(invoice.customer, settle_on),
                        invoice.issue_date + timedelta(days=2))
    if settle_on <= as_of:
        _pay_in_one_or_two(rng, fate, settle_on, remaining)
    elif invoice.due_date < as_of - timedelta(days=20) and rng.random() < 0.35:
        _pay_part(rng, fate, as_of, remaining)


def _payment_run(customer, day):
    """Large accounts pay once a week, on their own weekday, whatever falls due by then."""
    run_weekday = int(customer.reference[1:]) % 5
    return day - timedelta(days=(day.weekday() - run_weekday) % 7)


def _pay_in_one_or_two(rng, fate, settle_on, remaining):
    """Slow payers sometimes pay a large invoice in two instalments."""
    first_on = next_weekday(fate.invoice.due_date + timedelta(days=rng.randint(0, 10)))
    if fate.habit in ("late", "chronic") and remaining > 2000 and first_on < settle_on \
            and rng.random() < 0.15:
        first = _round_down(remaining * Decimal(rng.uniform(0.3, 0.6)))
        fate.receipts.append((first_on, first, False))
        remaining -= first
    fate.receipts.append((settle_on, remaining, True))


def _pay_part(rng, fate, as_of, remaining):
    """A late payer on an invoice still open pays part of it on account."""
    paid_on = previous_weekday(fate.invoice.due_date + timedelta(
        days=rng.randint(5, (as_of - fate.invoice.due_date).days - 1)))
    fate.receipts.append((paid_on, _round_down(remaining * Decimal(rng.uniform(0.2, 0.6))),
                          False))


def _round_down(amount):
    """People pay round sums on account: whole tens of euros, at least ten."""
    return max(Decimal(10), Decimal(int(amount) // 10 * 10))


def credit_notes(company, fates):
    """The credit note rows, numbered A2026-000012, one per credited invoice."""
    number_for = _numbering("A")
    notes = []
    for fate in sorted((f for f in fates if f.credit), key=lambda f: f.credit_date):
        total = fate.credit
        excl_tax = money(total / (1 + VAT_RATE)) if fate.invoice.vat else total
        notes.append((fate, Invoice(
            company=company, customer=fate.invoice.customer, kind=InvoiceKind.CREDIT_NOTE,
            number=number_for(fate.credit_date), issue_date=fate.credit_date,
            due_date=fate.credit_date, amount_excl_tax=excl_tax, vat=total - excl_tax,
            amount_total=total, open_amount=total, currency=fate.invoice.currency)))
    return notes
