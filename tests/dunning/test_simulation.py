"""Thirty business days of a company's collection, with real parts: a generated ledger
imported, the daily run, a credit manager approving the emails of the review queue, the
worker delivering to a real SMTP server on loopback, and between each run and its
delivery the things debtors and collectors do (holds, promises, declared payments,
payments in full and in part, disputes). At the end, the rules every message must keep
(docs/dunning.md, "One conversation per customer" and "What stops a reminder").

SIMULATION_INVOICES sets the ledger's size (1,000 by default; docs/dunning.md gives a
run at 10,000).
"""
import datetime as dt
import itertools
import os
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from relance.cases import services
from relance.delivery.channels import Postman
from relance.delivery.models import Message, MessageState
from relance.delivery.policy import Hours
from relance.delivery.sending import Config, Courier
from relance.dunning import actions as dunning_actions
from relance.dunning.calendar import BusinessCalendar
from relance.dunning.defaults import ensure_scenarios
from relance.dunning.models import Action, ActionKind, ActionStatus, Step
from relance.dunning.planner import (
    CONTACT_CHANNELS, WRITTEN_CHANNELS, escalates, preventive,
)
from relance.dunning.run import run_dunning
from relance.ledger import balances, timeline
from relance.ledger.models import Allocation, Company, Invoice, Payment
from relance.legal.models import RateTable
from relance.team.models import User
from tests.support.ledger_files import write_ledger

pytestmark = pytest.mark.django_db

SIZE = int(os.environ.get("SIMULATION_INVOICES", "1000"))
START = dt.date(2026, 11, 23)
BUSINESS_DAYS = 30
CONFIG = Config(Hours.parse("08:00-19:00"), lease_seconds=60, retry_seconds=60,
                max_attempts=3, max_per_minute=0)
CALENDAR = BusinessCalendar.around(START)
DECLARATION_HOLDS = 9     # business days a declared payment surely holds (10 by default)


class Stops:
    """What was recorded after a run, and until when it must stop every message."""

    def __init__(self):
        self.invoices = {}     # invoice id -> (kind, last day it holds)
        self.customers = {}    # customer id -> last day it holds

    def holds(self, message, day):
        if self.customers.get(message.action.customer_id, dt.date.min) >= day:
            return "customer on hold"
        for invoice_id in message.invoices:
            kind, until = self.invoices.get(invoice_id, (None, dt.date.min))
            if until >= day:
                return kind
        return None


def intervene(n, action, day, manager, stops):
    """The n-th thing done after a run, to the customer of a planned action."""
    customer = action.customer
    invoices = list(Invoice.objects.filter(pk__in=action.summary["invoices"]))
    forever = dt.date.max
    kind = n % 6
    if kind == 0:
        services.put_on_hold(customer, "litige commercial en cours", day + dt.timedelta(days=90),
                             day, manager)
        stops.customers[customer.pk] = forever
    elif kind == 1:
        services.record_promise(customer, invoices, sum(i.open_amount for i in invoices),
                                day + dt.timedelta(days=90), day, "virement promis", manager)
        stops.invoices.update((i.pk, ("promised", forever)) for i in invoices)
    elif kind == 2:
        services.declare_payment(customer, invoices, sum(i.open_amount for i in invoices),
                                 day, day, "payé hier", manager)
        until = day
        for _ in range(DECLARATION_HOLDS):
            until = CALENDAR.on_or_after(until + dt.timedelta(days=1))
        stops.invoices.update((i.pk, ("declared paid", until)) for i in invoices)
    elif kind == 3:
        pay(n, customer, invoices, day, full=True)
        stops.invoices.update((i.pk, ("paid", forever)) for i in invoices)
    elif kind == 4:
        services.open_dispute(invoices[0], "quality", "pièces abîmées", day, manager)
        stops.invoices[invoices[0].pk] = ("disputed", forever)
    else:
        pay(n, customer, invoices[:1], day, full=False)   # a part: the reminder still goes


def pay(n, customer, invoices, day, *, full):
    payment = Payment.objects.create(
        company=customer.company, customer=customer, reference=f"SIM-{n}",
        date=day, amount=sum(i.open_amount for i in invoices), method="transfer")
    for invoice in invoices:
        amount = invoice.open_amount if full else (invoice.open_amount / 2).quantize(
            Decimal("0.01"))
        Allocation.objects.create(invoice=invoice, payment=payment, amount=amount, date=day)
    balances.refresh_invoices([i.pk for i in invoices])
    balances.refresh_payments([payment.pk])
    timeline.record(customer.company, "payment.received", customer=customer,
                    actor_label="bank", message=payment.reference)


def deliver(day):
    """Every message the worker sends at ten on `day`: [(message id, state)]."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    postman = Postman()
    courier = Courier(postman, CONFIG)
    outcomes = []
    while (outcome := courier.handle_one(at)) is not None:
        outcomes.append(outcome)
    postman.close()
    return outcomes


def test_thirty_business_days_keep_every_rule(tmp_path, smtp_server):
    write_ledger(tmp_path, invoices=SIZE, as_of=START)
    call_command("import", "ledger", str(tmp_path), "--json", stdout=open(os.devnull, "w"))
    company = Company.objects.get()
    company.email = "relances@ateliers-test.example"
    company.save()
    # the half-year's ECB rate, entered: firm reminders state their penalties
    RateTable.objects.get_or_create(kind="ecb", year=2026, half=2,
                                    defaults={"rate": Decimal("2.15")})
    ensure_scenarios(company)
    Step.objects.update(attach_invoices=False)   # attachments are another test's matter
    manager = User.objects.create_user("cm@ateliers-test.example", "pw",
                                       role="credit_manager")
    rng, counter, stops = random.Random(17), itertools.count(), Stops()
    sent, refused = [], []
    day = START
    for _ in range(BUSINESS_DAYS):
        run_dunning(company, day)
        # the review queue approved, but for the letters: their PDFs are slow to render
        # and other tests' matter; held for approval, they still count as contacts
        for action in Action.objects.filter(company=company, channel="email",
                                            status=ActionStatus.AWAITING_APPROVAL):
            dunning_actions.approve(action, manager)
        planned = list(Action.objects.filter(company=company, planned_on=day,
                                             kind=ActionKind.SCHEDULED,
                                             status=ActionStatus.PLANNED)
                       .select_related("customer").order_by("pk"))
        for action in rng.sample(planned, min(len(planned), 6)):
            intervene(next(counter), action, day, manager, stops)
        for outcome in deliver(day):
            message = Message.objects.select_related("action").get(pk=outcome.message_id)
            if outcome.state == MessageState.SENT:
                sent.append(message)
                stopped = stops.holds(message, day)
                assert stopped is None, f"{message.pk} sent on {day} although {stopped}"
            elif outcome.state == MessageState.SKIPPED:
                refused.append(message)
        day = CALENDAR.on_or_after(day + dt.timedelta(days=1))

    assert len(sent) > SIZE // 20 and refused, "the simulation exercised both sides"
    emails = [m for m in sent if m.channel == "email"]
    assert len(smtp_server.messages) == len(emails), "every email reached the SMTP server"
    for message in refused:   # a message the worker refused is cancelled, and says why
        assert message.action.status == ActionStatus.CANCELLED
    assert_the_conversation_rules(company)


def assert_the_conversation_rules(company):
    contacts = defaultdict(list)       # customer id -> [(day, action)]
    for action in (Action.objects.filter(company=company, channel__in=CONTACT_CHANNELS)
                   .exclude(status=ActionStatus.CANCELLED).select_related("step")
                   .order_by("planned_on", "pk")):
        contacts[action.customer_id].append(action)
    gap = company.contact_gap_days
    for customer_id, taken in contacts.items():
        days = [a.planned_on for a in taken]
        assert len(days) == len(set(days)), f"one contact a day ({customer_id}: {days})"
        assert all((b - a).days >= gap for a, b in zip(days, days[1:])), \
            f"{gap} days between two contacts ({customer_id}: {days})"
        written = [a.planned_on for a in taken
                   if a.channel in WRITTEN_CHANNELS and not preventive(a.step)]
        for action in taken:
            if escalates(action.step):
                assert any((action.planned_on - on).days >= company.written_before_days
                           for on in written), \
                    f"written before {action.step.name} ({customer_id}: {days})"
