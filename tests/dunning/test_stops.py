"""One stop rule (`dunning.stops`): the run that plans a reminder and the worker that is
about to send it judge an invoice by the same facts with the same boundaries.

The world: a creditor with the shipped scenarios (tolerance 1.00 EUR) and one customer
whose invoices fell due before Monday 15 June 2026."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from django.db import transaction

from relance.cases import services as cases
from relance.cases.handovers import hand_over
from relance.cases.models import PaymentPlan
from relance.delivery.sending import due_now
from relance.dunning import stops
from relance.dunning.models import Action, ActionKind
from relance.dunning.run import read
from tests.dunning.world import D, creditor, customer, invoice

MONDAY = D(2026, 6, 15)
NO_CASES = {reason: frozenset() for reason in stops.CASE_REASONS}
TOLERANCE = Decimal("1.00")


def reason(invoice_id=1, amount="50.00", invoice_held=False, customer_held=False, **cases):
    found = {**NO_CASES, **{name: {invoice_id} for name, on in cases.items() if on}}
    return stops.stop_reason(invoice_id, Decimal(amount), invoice_held, customer_held,
                             found, TOLERANCE)


def test_an_amount_below_the_tolerance_is_paid_and_the_tolerance_itself_is_still_due():
    assert reason(amount="0.99") == stops.PAID
    assert reason(amount="1.00") is None


def test_each_fact_stops_an_invoice_with_its_own_reason():
    assert reason(handed_over=True) == stops.HANDED_OVER
    assert reason(disputed=True) == stops.DISPUTED
    assert reason(invoice_held=True) == stops.INVOICE_ON_HOLD
    assert reason(customer_held=True) == stops.CUSTOMER_ON_HOLD
    assert reason(promised=True) == stops.PROMISED
    assert reason(payment_plan=True) == stops.PAYMENT_PLAN
    assert reason(declared_paid=True) == stops.DECLARED_PAID
    assert reason() is None


def test_when_several_apply_the_first_in_the_documented_order_is_given():
    assert reason(amount="0.50", disputed=True, promised=True) == stops.PAID
    assert reason(disputed=True, invoice_held=True, promised=True) == stops.DISPUTED
    assert reason(customer_held=True, declared_paid=True) == stops.CUSTOMER_ON_HOLD


def test_a_hold_holds_through_its_last_day_and_without_end():
    assert stops.held("checking", MONDAY, MONDAY)
    assert not stops.held("checking", MONDAY - dt.timedelta(days=1), MONDAY)
    assert stops.held("checking", None, MONDAY)
    assert not stops.held("", None, MONDAY)


def test_what_a_collectors_own_message_gives_way_to_comes_first_in_the_order():
    """`due_now` relies on it: the first reason found is a manual one whenever any is."""
    order = [stops.PAID, stops.HANDED_OVER, stops.DISPUTED, stops.INVOICE_ON_HOLD,
             stops.CUSTOMER_ON_HOLD, stops.PROMISED, stops.PAYMENT_PLAN, stops.DECLARED_PAID]
    assert order[:len(stops.MANUAL_REASONS)] == list(stops.MANUAL_REASONS)


# The run and the worker on the same ledger --------------------------------------------

AMOUNTS = st.sampled_from(["0.50", "0.99", "1.00", "1.01", "250.00"])
FACTS = st.fixed_dictionaries({
    "amount": AMOUNTS,
    "due": st.integers(-60, -1),
    "dispute": st.booleans(),
    "hold": st.sampled_from([None, -1, 0, 5, "open"]),   # days from Monday, or no end
    "promise": st.sampled_from([None, 0, 7]),
    "plan": st.booleans(),
    "declared": st.booleans(),
    "handed_over": st.booleans(),
})


def _build(facts, customer_hold):
    company = creditor()
    who = customer(company, "ONE")
    if customer_hold is not None:
        who.hold_reason = "checking"
        who.hold_until = None if customer_hold == "open" else MONDAY + dt.timedelta(
            days=customer_hold)
        who.save()
    found = []
    for n, fact in enumerate(facts):
        made = invoice(who, fact["amount"], MONDAY + dt.timedelta(days=fact["due"]),
                       number=f"F-{n:03d}")
        found.append(made)
        if fact["hold"] is not None:
            made.hold_reason = "checking"
            made.hold_until = None if fact["hold"] == "open" else MONDAY + dt.timedelta(
                days=fact["hold"])
            made.save()
        if fact["dispute"]:
            cases.open_dispute(made, "price", "wrong price", MONDAY - dt.timedelta(days=1))
        if fact["promise"] is not None:
            promise = cases.record_promise(who, [made], made.open_amount,
                                           MONDAY + dt.timedelta(days=7), MONDAY)
            promise.promised_for = MONDAY + dt.timedelta(days=fact["promise"] - 3)
            promise.save()   # a promise whose date may have passed
        if fact["plan"]:
            plan = PaymentPlan.objects.create(customer=who, instalments=3,
                                              starts_on=MONDAY, status="active")
            plan.invoices.set([made])
        if fact["declared"]:
            cases.declare_payment(who, [made], made.open_amount, MONDAY, MONDAY)
    handed = [i for i, fact in zip(found, facts) if fact["handed_over"]]
    if handed:
        hand_over(who, handed, "Agence Test", MONDAY, MONDAY)
    return company, who, found


@pytest.mark.django_db
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(facts=st.lists(FACTS, min_size=1, max_size=6),
       customer_hold=st.sampled_from([None, -1, 0, "open"]))
def test_the_worker_claims_exactly_the_invoices_the_run_would_plan_from(facts,
                                                                          customer_hold):
    with transaction.atomic():
        company, who, invoices = _build(facts, customer_hold)
        ledger, _reader = read(company, MONDAY, ahead_days=90)
        run_stops = {i.id: i.stop for i in ledger.invoices}
        action = Action(company=company, customer=who, kind=ActionKind.SCHEDULED,
                        summary={"invoices": [i.pk for i in invoices]})
        due, stopped = due_now(action, MONDAY)
        assert due == sorted(pk for pk, stop in run_stops.items() if stop is None)
        assert stopped == {i.number: run_stops[i.pk] for i in invoices
                           if run_stops[i.pk] is not None}
        transaction.set_rollback(True)
