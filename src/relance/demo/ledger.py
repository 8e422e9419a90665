"""Realistic, deterministic demo data: one creditor and eighteen months of its ledger.

`build(as_of)` fills an empty database with a French creditor, its team, about 200
customers with their contacts, about 3,000 invoices and the payments, credit notes,
disputes and timeline events that followed. The same seed and date give the same data.
Per-customer habits (punctual, average, late, chronic) make the numbers tell a story:
the aging balance, DSO and worklist all have something to show.
"""
import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from relance.cases.models import Dispute
from relance.ledger import balances
from relance.demo import invoices, names, parties, payments, story
from relance.ledger.models import Allocation, Company, Contact, Customer, Event, Invoice, Payment
from relance.legal.models import ExchangeRate
from relance.team.models import Role, User

DEMO_EMAIL = parties.DEMO_EMAIL
DEFAULT_SEED = 2026


class DemoRefused(Exception):
    """The database already holds data: the demo never mixes with a real ledger."""


def build(as_of=None, seed=DEFAULT_SEED, customer_count=200, invoice_count=3000):
    """Fill an empty database with the demo and return `summary()`.

    1. the creditor company and its team;
    2. customers (each with a secret payment habit) and their contacts;
    3. invoices spread over 18 months, then each one's fate: receipts, credit note;
    4. payments grouped as a bank would show them, with their allocations;
    5. disputes on unpaid invoices, two customers on hold, the timeline;
    6. open amounts, statuses and unapplied cash computed by `relance.ledger.balances`.
    """
    if Company.objects.exists():
        raise DemoRefused("the database already holds a company: demo data only goes "
                          "into an empty database")
    as_of = as_of or timezone.localdate()
    rng = random.Random(seed)
    with transaction.atomic():
        company = parties.create_company(rng)
        team = parties.create_team()
        plans = parties.create_customers(rng, company, team, customer_count)
        parties.create_contacts(rng, plans)
        fates, notes = _create_invoices(rng, company, plans, as_of, invoice_count)
        planned = _create_payments(rng, company, fates, notes, as_of)
        disputes = story.open_disputes(rng, fates, as_of)
        holds = story.put_on_hold(rng, plans, as_of)
        manager = next(user for user in team if user.role == Role.CREDIT_MANAGER)
        story.timeline(rng, company, fates, notes, planned, disputes, holds, manager, as_of)
        balances.refresh_invoices([f.invoice.pk for f in fates] + [n.pk for _, n in notes])
        balances.refresh_payments([payment.pk for payment, _ in planned])
        _reference_rates(as_of)
    return summary(company, as_of)


def _reference_rates(as_of):
    """The last days' ECB reference rates of the demo's other currencies."""
    ExchangeRate.objects.bulk_create(
        ExchangeRate(currency=currency, day=as_of + timedelta(days=offset), rate=Decimal(rate),
                     source="demo")
        for currency, rates in names.REFERENCE_RATES.items() for offset, rate in rates)


def _create_invoices(rng, company, plans, as_of, count):
    rows, habits = invoices.issue_invoices(rng, company, plans, as_of, count)
    Invoice.objects.bulk_create(rows, batch_size=2_000)
    fates = invoices.decide_fates(rng, rows, habits, as_of)
    notes = invoices.credit_notes(company, fates)
    Invoice.objects.bulk_create([note for _, note in notes])
    return fates, notes


def _create_payments(rng, company, fates, notes, as_of):
    planned = payments.plan_payments(rng, company, fates, as_of)
    Payment.objects.bulk_create([payment for payment, _ in planned], batch_size=2_000)
    Allocation.objects.bulk_create(payments.allocations(planned, notes), batch_size=2_000)
    return planned


def summary(company, as_of):
    """Counts that say what was loaded, for the command's output and the tests."""
    invoices_qs = Invoice.objects.filter(company=company, kind="invoice")
    open_qs = invoices_qs.filter(status="open")
    multi = (Payment.objects.filter(company=company).annotate(n=Count("allocations"))
             .filter(n__gt=1).count())
    return {
        "as_of": as_of.isoformat(),
        "users": User.objects.count(),
        "customers": Customer.objects.filter(company=company).count(),
        "contacts": Contact.objects.filter(customer__company=company).count(),
        "invoices": invoices_qs.count(),
        "credit_notes": Invoice.objects.filter(company=company, kind="credit_note").count(),
        "open_invoices": open_qs.count(),
        "overdue_invoices": open_qs.filter(due_date__lt=as_of).count(),
        "open_amount": _cents(open_qs.filter(currency="EUR").aggregate(
            total=Sum("open_amount"))["total"]),
        "open_amount_other": {currency: str(_cents(total)) for currency, total in
                              open_qs.exclude(currency="EUR").values_list("currency")
                              .annotate(Sum("open_amount")).order_by("currency")},
        "payments": Payment.objects.filter(company=company).count(),
        "multi_invoice_payments": multi,
        "allocations": Allocation.objects.filter(invoice__company=company).count(),
        "unapplied_cash": _cents(Payment.objects.filter(company=company)
                                 .aggregate(total=Sum("unapplied_amount"))["total"]),
        "disputes": Dispute.objects.filter(invoice__company=company, status="open").count(),
        "customers_on_hold": Customer.objects.filter(company=company)
        .filter(~Q(hold_reason="")).count(),
        "events": Event.objects.filter(company=company).count(),
    }


def _cents(total):
    # SQLite sums decimals as floats: give the figure back its two places.
    return Decimal(total or 0).quantize(Decimal("0.01"))


def describe(counts):
    """The one-line summary the demo command prints."""
    return (f"Demo data as of {counts['as_of']}: {counts['customers']} customers, "
            f"{counts['contacts']} contacts, {counts['invoices']} invoices "
            f"({counts['open_invoices']} open, {counts['overdue_invoices']} overdue, "
            f"{counts['open_amount']:,.2f} EUR due"
            + "".join(f" + {Decimal(amount):,.2f} {currency}"
                      for currency, amount in counts["open_amount_other"].items())
            + f"), {counts['credit_notes']} credit notes, "
            f"{counts['payments']} payments, {counts['disputes']} open disputes, "
            f"{counts['events']} timeline events, {counts['users']} users.")
