"""The next day's run reads only the invoices that may need something (`loading`): the
invoices without progress, the progress due, the progress its inputs changed under.
Whatever happens to a ledger between runs (payments, disputes, holds, promises, new
invoices, moved due dates, customers moved to another scenario, edited steps), that
fast read must plan exactly what a full read of the open invoices plans."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance.cases import services as cases
from relance.cases.models import Dispute
from relance.dunning.models import Scenario, Step
from relance.dunning.run import decide, run_dunning
from tests.dunning.world import D, creditor, customer, invoice

pytestmark = [pytest.mark.django_db, pytest.mark.slow]   # a minute or two

START = D(2026, 6, 1)
DAYS = 30
CUSTOMERS = 3

# (customer, amount, due date as days from START)
INVOICES = st.tuples(st.integers(0, CUSTOMERS - 1), st.sampled_from(["40.00", "300.00"]),
                     st.integers(-70, DAYS))
EDIT = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 99), st.sampled_from(["part", "all"])),
    st.tuples(st.just("dispute"), st.integers(0, 99)),
    st.tuples(st.just("resolve"), st.integers(0, 99)),
    st.tuples(st.just("hold_invoice"), st.integers(0, 99), st.integers(0, 6)),
    st.tuples(st.just("hold_customer"), st.integers(0, CUSTOMERS - 1), st.integers(0, 6)),
    st.tuples(st.just("release_customer"), st.integers(0, CUSTOMERS - 1)),
    st.tuples(st.just("promise"), st.integers(0, 99), st.integers(0, 6)),
    st.tuples(st.just("new"), INVOICES),
    st.tuples(st.just("due_date"), st.integers(0, 99), st.integers(-20, 20)),
    # once per customer: an invoice brought back to a scenario it went through would
    # start it again from its latest step due, which it already took
    st.tuples(st.just("scenario"), st.integers(0, CUSTOMERS - 1),
              st.sampled_from(["Risky", "Key accounts"])),
    st.tuples(st.just("step_days"), st.sampled_from(["Friendly reminder", "Second reminder",
                                                     "Firm reminder"]),
              st.integers(-2, 2)),
)
LEDGERS = st.tuples(st.lists(INVOICES, min_size=1, max_size=8),
                    st.lists(st.lists(EDIT, max_size=3), min_size=DAYS, max_size=DAYS))


def actions(day_plan):
    """What a plan does, per customer: step, channel, contact, invoices and amounts.
    The invoices are compared in id order: a full read on PostgreSQL gets them in the
    table's order, which updates shuffle."""
    return sorted(
        (d.planned.customer_id, d.step.id, d.planned.currency, d.channel, d.contact_id,
         sorted((r.invoice.id, r.occurrence, r.invoice.open_amount)
                for r in d.planned.reached),
         sorted(i.id for i in d.planned.others), d.planned.amount, d.day)
        for d in day_plan.drafts_with_others)


def edit(company, customers, invoices, change, day):
    """Apply one change of the ledger on `day`, as the application or an import would."""
    kind, *args = change
    if kind == "new":
        who, amount, due = args[0]
        invoices.append(invoice(customers[who], amount, START + dt.timedelta(days=due)))
        return
    if kind == "scenario":
        who, name = args
        if customers[who].scenario_id is not None:
            return
        customers[who].scenario = name and Scenario.objects.get(company=company, name=name)
        customers[who].save(update_fields=["scenario"])
        return
    if kind == "step_days":
        name, shift = args
        step = Step.objects.get(scenario__company=company, scenario__name="Standard",
                                name=name)
        step.days = max(0, step.days + shift)
        step.save(update_fields=["days"])
        return
    if kind in ("hold_customer", "release_customer"):
        who = customers[args[0]]
        who.refresh_from_db()
        if kind == "release_customer":
            cases.release_hold(who)
        else:
            cases.put_on_hold(who, "checking", day + dt.timedelta(days=args[1]), day)
        return
    inv = invoices[args[0] % len(invoices)]
    inv.refresh_from_db()
    if inv.status != "open":
        return
    if kind == "pay":
        inv.open_amount = (inv.open_amount / 2 if args[1] == "part" else Decimal(0))
        if not inv.open_amount:
            inv.status = "paid"
        inv.save(update_fields=["open_amount", "status"])
    elif kind == "dispute" and not Dispute.objects.filter(invoice=inv, status="open"):
        cases.open_dispute(inv, "price", "wrong price", day)
    elif kind == "resolve":
        for dispute in Dispute.objects.filter(invoice=inv, status="open"):
            cases.resolve_dispute(dispute, "credit note", day)
    elif kind == "hold_invoice":
        cases.put_on_hold(inv, "checking", day + dt.timedelta(days=args[1]), day)
    elif kind == "promise":
        cases.record_promise(inv.customer, [inv], inv.open_amount,
                             day + dt.timedelta(days=args[1]), day)
    elif kind == "due_date":
        inv.due_date = max(inv.issue_date, inv.due_date + dt.timedelta(days=args[1]))
        inv.save(update_fields=["due_date"])


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ledger=LEDGERS)
def test_the_next_days_fast_read_plans_what_a_full_read_plans(ledger):
    first, days = ledger
    with transaction.atomic():
        company = creditor()
        customers = [customer(company, f"C{n}", segment="large" if n else "")
                     for n in range(CUSTOMERS)]
        invoices = [invoice(customers[who], amount, START + dt.timedelta(days=due))
                    for who, amount, due in first]
        for n, changes in enumerate(days):
            day = START + dt.timedelta(days=n)
            for change in changes:
                edit(company, customers, invoices, change, day)
            fast, full = decide(company, day), decide(company, day, full_read=True)
            assert actions(fast) == actions(full), day
            run_dunning(company, day)
        transaction.set_rollback(True)
