"""The planner invoice by invoice, pure: data and a date in, the steps each invoice
reaches out, before the conversation rules (test_conversation.py) choose per customer.
The calendar moves by argument."""
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.dunning.calendar import BusinessCalendar
from relance.dunning.planner import (
    DUE_DATE, PREVIOUS_STEP, OpenInvoice, Progress, Reached, ScenarioRule, StepRule, advanced,
    attach_others, candidates,
)

D = dt.date
CAL = BusinessCalendar.france(range(2024, 2028))
NO_HOLIDAYS = BusinessCalendar()

STANDARD = ScenarioRule(1, (
    StepRule(11, 1, DUE_DATE, -5),
    StepRule(12, 2, DUE_DATE, 1),
    StepRule(13, 3, DUE_DATE, 8),
    StepRule(14, 4, DUE_DATE, 15, channel="call"),
    StepRule(15, 5, DUE_DATE, 22),
    StepRule(16, 6, DUE_DATE, 30, channel="registered_letter", needs_approval=True),
    StepRule(17, 7, DUE_DATE, 45, channel="task", repeat_every_days=30),
))


def invoice(id=1, customer=1, due=D(2026, 6, 10), amount="100.00", currency="EUR",
            progress=None, stop=None):
    return OpenInvoice(id, customer, currency, due, Decimal(amount), progress, stop)


def positions(result):
    return [(a.customer_id, a.step.position, [r.invoice.id for r in a.reached])
            for a in result.actions]


def walk(invoices, scenario_of, start, days, calendar=CAL):
    """Run the planner every day, applying its decisions as the daily run does.
    Returns {invoice id: [(date, position, occurrence)]}."""
    history = {i.id: [] for i in invoices}
    for n in range(days):
        result = candidates(invoices, scenario_of, start + dt.timedelta(days=n), calendar)
        for action in result.actions:
            for r in action.reached:
                history[r.invoice.id].append((result.day, r.step.position, r.occurrence))
                r.invoice.progress = advanced(r, action.scenario_id, result.day)
    return history


def test_nothing_before_the_preventive_step_and_the_preventive_email_five_days_before():
    # due Wednesday 10 June 2026: day -5 is Friday 5 June
    inv = invoice(due=D(2026, 6, 10))
    assert candidates([inv], {1: STANDARD}, D(2026, 6, 4), CAL).actions == []
    result = candidates([inv], {1: STANDARD}, D(2026, 6, 5), CAL)
    assert positions(result) == [(1, 1, [1])]


def test_a_step_on_a_weekend_moves_to_monday():
    # due Friday 12 June 2026: day +1 is Saturday 13, so the reminder waits for Monday 15
    history = walk([invoice(due=D(2026, 6, 12))], {1: STANDARD}, D(2026, 6, 1), 20)
    days = {position: day for day, position, _ in history[1]}
    assert days[2] == D(2026, 6, 15)


def test_a_step_on_a_public_holiday_moves_to_the_next_business_day():
    # due Monday 10 November 2025: day +1 is Armistice Day (Tuesday 11 November)
    history = walk([invoice(due=D(2025, 11, 10))], {1: STANDARD}, D(2025, 11, 1), 15)
    days = {position: day for day, position, _ in history[1]}
    assert days[2] == D(2025, 11, 12)
    history = walk([invoice(due=D(2025, 11, 10))], {1: STANDARD}, D(2025, 11, 1), 15,
                   calendar=NO_HOLIDAYS)
    assert {p: d for d, p, _ in history[1]}[2] == D(2025, 11, 11)


def test_a_run_on_a_closed_day_plans_the_next_business_days_actions_once():
    inv = invoice(due=D(2026, 6, 5))    # Friday: the friendly reminder falls on Monday 8
    saturday = candidates([inv], {1: STANDARD}, D(2026, 6, 6), CAL)
    assert saturday.day == D(2026, 6, 8) and positions(saturday) == [(1, 2, [1])]
    inv.progress = advanced(saturday.actions[0].reached[0], 1, saturday.day)
    for later in (D(2026, 6, 7), D(2026, 6, 8)):   # Sunday, then Monday itself
        assert candidates([inv], {1: STANDARD}, later, CAL).actions == []
    bastille = candidates([inv], {1: STANDARD}, D(2026, 7, 14), CAL)   # a Tuesday holiday
    assert bastille.day == D(2026, 7, 15)


def test_the_first_run_over_old_data_goes_straight_to_the_latest_due_step():
    inv = invoice(due=D(2026, 5, 1))   # 33 days late on 3 June: the formal notice is due
    result = candidates([inv], {1: STANDARD}, D(2026, 6, 3), CAL)
    assert positions(result) == [(1, 6, [1])]
    assert result.actions[0].reached[0].occurrence == 0


def test_an_invoice_advances_one_step_per_run_and_never_twice_the_same_day():
    # it took step 2 long ago and was paused: steps 3 to 6 are all due now
    inv = invoice(due=D(2026, 5, 1), progress=Progress(1, 2, D(2026, 5, 4), D(2026, 5, 4)))
    first = candidates([inv], {1: STANDARD}, D(2026, 6, 3), CAL)
    assert positions(first) == [(1, 3, [1])]
    inv.progress = advanced(first.actions[0].reached[0], 1, D(2026, 6, 3))
    assert candidates([inv], {1: STANDARD}, D(2026, 6, 3), CAL).actions == []
    assert positions(candidates([inv], {1: STANDARD}, D(2026, 6, 4), CAL)) == [(1, 4, [1])]


def test_the_whole_standard_scenario_day_by_day():
    history = walk([invoice(due=D(2026, 3, 2))], {1: STANDARD}, D(2026, 2, 1), 140)
    taken = [(day, position, occurrence) for day, position, occurrence in history[1]]
    assert taken == [
        (D(2026, 2, 25), 1, 0),   # Wednesday, 5 days before Monday 2 March
        (D(2026, 3, 3), 2, 0),
        (D(2026, 3, 10), 3, 0),
        (D(2026, 3, 17), 4, 0),
        (D(2026, 3, 24), 5, 0),
        (D(2026, 4, 1), 6, 0),
        (D(2026, 4, 16), 7, 0),
        (D(2026, 5, 18), 7, 1),   # 16 May is a Saturday
        (D(2026, 6, 17), 7, 2),
    ]


def test_steps_after_the_previous_step_count_from_the_day_it_was_taken():
    chained = ScenarioRule(2, (StepRule(21, 1, DUE_DATE, 3), StepRule(22, 2, PREVIOUS_STEP, 7)))
    # due Thursday 4 June; +3 is Sunday 7, taken Monday 8; +7 from the 8th is Monday 15
    history = walk([invoice(due=D(2026, 6, 4))], {1: chained}, D(2026, 6, 1), 30)
    assert [(d, p) for d, p, _ in history[1]] == [(D(2026, 6, 8), 1), (D(2026, 6, 15), 2)]


def test_one_action_per_customer_step_and_currency_lists_the_other_overdue_invoices():
    invoices = [
        invoice(1, customer=7, due=D(2026, 6, 2), amount="100"),
        invoice(2, customer=7, due=D(2026, 6, 2), amount="50"),
        invoice(3, customer=7, due=D(2026, 6, 2), amount="70", currency="USD"),
        invoice(4, customer=7, due=D(2026, 4, 2), amount="30",
                progress=Progress(1, 7, D(2026, 5, 18), D(2026, 6, 1))),
        invoice(5, customer=8, due=D(2026, 6, 2), amount="10"),
    ]
    result = candidates(invoices, {7: STANDARD, 8: STANDARD}, D(2026, 6, 3), CAL)
    attach_others(result.actions, invoices, result.day)
    assert positions(result) == [(7, 2, [1, 2]), (7, 2, [3]), (8, 2, [5])]
    eur = result.actions[0]
    assert eur.currency == "EUR" and eur.amount == Decimal("150")
    assert [i.id for i in eur.others] == [4]
    assert eur.overdue_total == Decimal("180")


def test_stopped_invoices_get_nothing_and_are_counted_by_reason():
    invoices = [invoice(1, stop="disputed"), invoice(2, stop="promised"),
                invoice(3, stop="disputed"), invoice(4)]
    result = candidates(invoices, {1: STANDARD}, D(2026, 6, 11), CAL)
    attach_others(result.actions, invoices, result.day)
    assert positions(result) == [(1, 2, [4])]
    assert result.stopped == {"disputed": 2, "promised": 1}
    assert result.actions[0].others == []   # the disputed and promised ones are not listed


def test_a_step_acts_only_from_its_minimum_amount():
    small = ScenarioRule(3, (StepRule(31, 1, DUE_DATE, 1, min_amount=Decimal("100")),))
    below = [invoice(1, amount="60"), invoice(2, due=D(2026, 6, 11), amount="30")]
    result = candidates(below, {1: small}, D(2026, 6, 12), CAL)
    assert result.actions == [] and result.below_minimum == 1
    enough = below + [invoice(3, amount="10")]
    assert positions(candidates(enough, {1: small}, D(2026, 6, 12), CAL)) == [(1, 1, [1, 2, 3])]


def test_a_customer_moved_to_another_scenario_starts_it_at_its_latest_due_step():
    gentle = ScenarioRule(4, (StepRule(41, 1, DUE_DATE, 3), StepRule(42, 2, DUE_DATE, 20)))
    inv = invoice(due=D(2026, 6, 1), progress=Progress(1, 5, D(2026, 6, 23), D(2026, 6, 23)))
    assert positions(candidates([inv], {1: gentle}, D(2026, 6, 24), CAL)) == [(1, 2, [1])]


# Property-based invariants over generated ledgers -------------------------------------

step_rules = st.lists(
    st.tuples(st.sampled_from([DUE_DATE, PREVIOUS_STEP]), st.integers(-10, 40),
              st.one_of(st.none(), st.integers(1, 20))),
    min_size=1, max_size=6)


@st.composite
def worlds(draw):
    specs = draw(step_rules)
    steps = tuple(StepRule(100 + n, n * 10, trigger if n else DUE_DATE, days,
                           repeat_every_days=repeat)
                  for n, (trigger, days, repeat) in enumerate(specs))
    scenario = ScenarioRule(9, steps)
    count = draw(st.integers(1, 25))
    invoices = []
    for n in range(count):
        invoices.append(invoice(
            id=n + 1, customer=draw(st.integers(1, 4)),
            due=D(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 90))),
            amount=str(draw(st.integers(1, 5000))),
            currency=draw(st.sampled_from(["EUR", "EUR", "USD"])),
            stop=draw(st.sampled_from([None, None, None, "disputed", "on_hold",
                                       "promised", "paid"]))))
    return scenario, invoices


@settings(max_examples=150, deadline=None)
@given(worlds(), st.integers(0, 120))
def test_invariants_hold_for_every_generated_ledger_and_date(world, offset):
    scenario, invoices = world
    as_of = D(2026, 1, 1) + dt.timedelta(days=offset)
    result = candidates(invoices, {c: scenario for c in range(1, 5)}, as_of, CAL)
    attach_others(result.actions, invoices, result.day)
    keys = [(a.customer_id, a.step.id, a.currency) for a in result.actions]
    assert len(keys) == len(set(keys)), "one message per customer, step and currency"
    reached = [r.invoice for a in result.actions for r in a.reached]
    assert len(reached) == len({i.id for i in reached}), "one step per invoice per run"
    assert all(i.stop is None for i in reached), "nothing for a stopped invoice"
    for action in result.actions:
        assert all(r.invoice.customer_id == action.customer_id
                   and r.invoice.currency == action.currency for r in action.reached)
        assert all(o.stop is None and o.due_date < result.day for o in action.others)


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_day_after_day_steps_come_in_order_and_never_twice(world):
    scenario, invoices = world
    history = walk(invoices, {c: scenario for c in range(1, 5)}, D(2026, 1, 1), 200)
    for inv in invoices:
        taken = history[inv.id]
        if inv.stop:
            assert taken == []
            continue
        pairs = [(position, occurrence) for _, position, occurrence in taken]
        assert len(pairs) == len(set(pairs)), "never the same step twice"
        assert pairs == sorted(pairs), "steps in order"
        days = [day for day, _, _ in taken]
        assert len(days) == len(set(days)) and all(CAL.is_business_day(d) for d in days)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-10, 60), min_size=1, max_size=7), st.integers(0, 120),
       st.integers(0, 400))
def test_the_bisection_finds_the_same_first_step_as_walking_the_scenario(days, due, offset):
    from relance.dunning.planner import first_step, step_dates

    scenario = ScenarioRule(5, tuple(StepRule(n, n, DUE_DATE, d)
                                     for n, d in enumerate(sorted(days))))
    inv = invoice(due=D(2026, 1, 1) + dt.timedelta(days=due))
    as_of = D(2026, 1, 1) + dt.timedelta(days=offset)
    assert scenario.due_offsets is not None
    walked = None
    for step, on in step_dates(scenario, inv, CAL):
        if on > as_of:
            break
        walked = (step, 0)
    assert first_step(scenario, inv, as_of, CAL) == walked


@settings(max_examples=100, deadline=None)
@given(worlds(), st.integers(0, 60))
def test_next_date_is_the_first_day_the_planner_acts_again(world, offset):
    from relance.dunning.planner import next_date, next_step

    scenario, invoices = world
    inv = invoices[0]
    inv.stop = None
    start = CAL.on_or_after(D(2026, 1, 1) + dt.timedelta(days=offset))
    decision = next_step(scenario, inv, start, CAL)
    if decision is None:
        return
    inv.progress = advanced(Reached(inv, *decision), scenario.id, start)
    expected = next_date(scenario, inv.progress, inv.due_date, CAL)
    day, acted = start, None
    for _ in range(400):
        day = CAL.on_or_after(day + dt.timedelta(days=1))
        if next_step(scenario, inv, day, CAL):
            acted = day
            break
    assert acted == expected
