"""The daily run over a small named world: what it plans, what stops it, and why it
never does a thing twice."""
import datetime as dt
import json
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from relance.cases import services as cases
from relance.cases.models import DeclarationStatus, PaymentDeclaration, PaymentPlan
from relance.dunning.models import (
    Action, ActionInvoice, ActionStatus, InvoiceProgress, Run, Scenario, SegmentRule, Step,
)
from relance.dunning.actions import invoice_timeline
from relance.dunning.run import run_dunning
from relance.ledger.models import Event
from relance.team.models import Notification, User
from tests.dunning.world import D, creditor, customer, invoice

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)


@pytest.fixture
def company():
    return creditor()


@pytest.fixture
def loose():
    """A creditor whose conversation rules are at their loosest (a contact a day, no
    wait after a written reminder): the tests using it are about what the run reads."""
    return creditor(contact_gap_days=1, written_before_days=0)


def steps_of(inv):
    return list(ActionInvoice.objects.filter(invoice=inv).order_by("action__planned_on")
                .values_list("action__planned_on", "step__name", "occurrence"))


def test_the_first_run_makes_one_contact_where_the_most_advanced_step_speaks(company):
    late = customer(company, "LATE")
    a = invoice(late, "1200.00", MONDAY - dt.timedelta(days=1))
    b = invoice(late, "300.00", MONDAY - dt.timedelta(days=1))
    older = invoice(late, "50.00", D(2026, 5, 20))    # 26 days late: the firm reminder
    soon = invoice(late, "80.00", MONDAY + dt.timedelta(days=20))
    result = run_dunning(company, MONDAY)
    assert result.by_step == {"Standard / Firm reminder": 1}
    firm = Action.objects.get()
    # each invoice is marked done with the step it had reached: none is reminded again
    assert set(firm.lines.values_list("invoice__number", "step__name")) == {
        (a.number, "Friendly reminder"), (b.number, "Friendly reminder"),
        (older.number, "Firm reminder")}
    assert firm.amount == firm.overdue_total == Decimal("1550.00")
    assert firm.summary["others"] == [] and soon.pk not in firm.summary["invoices"]
    assert firm.contact.role == "accounts_payable"
    assert firm.status == ActionStatus.PLANNED
    assert Run.objects.get().actions == 1
    assert run_dunning(company, D(2026, 6, 16)).actions == []   # nothing left to say


def test_every_action_goes_on_the_customers_and_the_invoices_timeline(company):
    late = customer(company, "LATE")
    inv = invoice(late, "100.00", MONDAY - dt.timedelta(days=1))
    run_dunning(company, MONDAY)
    action = Action.objects.get()
    event = Event.objects.get(customer=late, type="action.planned")
    assert event.data["action"] == action.pk and event.data["invoices"] == [inv.pk]
    assert event.message == inv.number
    assert event in list(invoice_timeline(inv))


def test_running_twice_the_same_day_produces_nothing_more(company):
    late = customer(company, "LATE")
    invoice(late, "100.00", D(2026, 5, 1))
    first = run_dunning(company, MONDAY)
    second = run_dunning(company, MONDAY)
    assert len(first.actions) == 1 and second.actions == []
    assert Action.objects.count() == 1


def test_an_invoice_arriving_after_the_days_run_joins_its_open_action(company):
    late = customer(company, "LATE")
    first = invoice(late, "100.00", D(2026, 5, 24))     # 22 days late: the firm email
    older = invoice(late, "40.00", D(2026, 6, 10))      # a lesser step: goes along
    run_dunning(company, MONDAY)
    action = Action.objects.get(lines__invoice=first)
    assert action.summary["invoices"] == [older.pk, first.pk]
    arrived = invoice(late, "250.00", D(2026, 6, 1))    # imported after the run
    again = run_dunning(company, MONDAY)

    action.refresh_from_db()
    assert [a.planned.customer_id for a in again.actions] == [late.pk]
    assert action.summary["invoices"] == [older.pk, first.pk, arrived.pk]
    assert arrived.pk not in action.summary["others"]
    assert action.amount == Decimal("390.00")
    assert set(action.lines.values_list("invoice_id", "step__name")) == {
        (first.pk, "Firm reminder"), (older.pk, "Friendly reminder"),
        (arrived.pk, "Second reminder")}
    extended = Event.objects.get(type="action.extended")
    assert (extended.data["action"], extended.data["invoices"]) == (action.pk, [arrived.pk])


def test_an_invoice_arriving_after_its_action_was_cancelled_waits_for_the_next_run(
        company):
    late = customer(company, "LATE")
    invoice(late, "100.00", D(2026, 5, 1))
    run_dunning(company, MONDAY)
    Action.objects.update(status=ActionStatus.CANCELLED)
    arrived = invoice(late, "250.00", D(2026, 5, 1))
    assert run_dunning(company, MONDAY).actions == []
    assert [pk for a in run_dunning(company, D(2026, 6, 16)).actions
            for pk in a.summary["invoices"]] == [arrived.pk]


def test_the_database_refuses_the_same_action_or_the_same_step_twice(company):
    late = customer(company, "LATE")
    inv = invoice(late, "100.00", D(2026, 5, 1))
    run_dunning(company, MONDAY)
    action = Action.objects.get()
    line = action.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(company=company, customer=late, step=action.step,
                              planned_on=MONDAY, currency="EUR", channel="email",
                              tone="firm")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionInvoice.objects.create(action=action, invoice=inv, step=line.step,
                                     occurrence=0)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_produce_each_action_once():
    company = creditor()
    for n in range(20):
        invoice(customer(company, f"C{n:02d}"), "100.00", D(2026, 5, 1))
    errors = []

    def run():
        try:
            run_dunning(company, MONDAY)
        except Exception as exc:   # reported below: the test shows what went wrong
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Action.objects.count() == 20
    assert ActionInvoice.objects.count() == 20


def test_the_standard_scenario_day_by_day(company):
    late = customer(company, "LATE")
    inv = invoice(late, "800.00", D(2026, 6, 1))   # due Monday 1 June 2026
    for n in range(90):
        run_dunning(company, D(2026, 5, 20) + dt.timedelta(days=n))
    assert steps_of(inv) == [
        (D(2026, 5, 27), "Preventive reminder", 0),
        (D(2026, 6, 2), "Friendly reminder", 0),
        (D(2026, 6, 9), "Second reminder", 0),
        # eight days after the second reminder, in writing (conversation rule 3)
        (D(2026, 6, 17), "Call accounts payable", 0),
        (D(2026, 6, 23), "Firm reminder", 0),
        (D(2026, 7, 1), "Formal notice", 0),
        (D(2026, 7, 16), "Escalation", 0),
        (D(2026, 8, 17), "Escalation", 1),   # 15 August is a Saturday and a holiday
    ]
    notice = Action.objects.get(step__name="Formal notice")
    assert notice.status == ActionStatus.AWAITING_APPROVAL
    assert notice.channel == "registered_letter"
    assert InvoiceProgress.objects.get(invoice=inv).repeats == 1


def test_nothing_for_a_paid_disputed_or_held_invoice_nor_a_held_customer(company):
    late = customer(company, "LATE")
    invoice(late, "500.00", D(2026, 6, 1), open_amount=Decimal("0.40"))
    disputed = invoice(late, "100.00", D(2026, 6, 1))
    cases.open_dispute(disputed, "price", "wrong unit price", D(2026, 6, 10))
    held = invoice(late, "100.00", D(2026, 6, 1))
    cases.put_on_hold(held, "credit note coming", D(2026, 6, 20), D(2026, 6, 10))
    on_hold = customer(company, "HOLD")
    invoice(on_hold, "100.00", D(2026, 6, 1))
    cases.put_on_hold(on_hold, "receivership", None, D(2026, 6, 10))
    result = run_dunning(company, MONDAY)
    assert result.actions == []
    assert result.stopped == {"paid": 1, "disputed": 1, "invoice_on_hold": 1,
                              "customer_on_hold": 1}
    # the invoice hold ends on the 20th: the next business day after it, dunning resumes
    assert run_dunning(company, D(2026, 6, 19)).actions == []
    resumed = run_dunning(company, D(2026, 6, 22))
    assert [pk for a in resumed.actions for pk in a.summary["invoices"]] == [held.pk]


def test_a_promise_pauses_reminders_until_its_date(company):
    late = customer(company, "LATE")
    inv = invoice(late, "900.00", D(2026, 6, 1))
    cases.record_promise(late, [inv], Decimal("900.00"), D(2026, 6, 26), D(2026, 6, 12))
    for day in (MONDAY, D(2026, 6, 26)):
        assert run_dunning(company, day).stopped == {"promised": 1}
    assert len(run_dunning(company, D(2026, 6, 29)).actions) == 1


def test_a_payment_plan_or_a_declared_payment_holds_reminders(company):
    late = customer(company, "LATE")
    planned, declared, free = (invoice(late, "100.00", D(2026, 6, 1)) for _ in range(3))
    plan = PaymentPlan.objects.create(customer=late, status="active", starts_on=MONDAY)
    plan.invoices.set([planned])
    claim = PaymentDeclaration.objects.create(customer=late, paid_on=MONDAY,
                                              amount=Decimal("100"))
    claim.invoices.set([declared])
    result = run_dunning(company, MONDAY)
    assert result.stopped == {"payment_plan": 1, "declared_paid": 1}
    assert result.actions[0].summary["invoices"] == [free.pk]


def test_a_declared_payment_nothing_matched_expires_after_ten_business_days(company):
    """Declared on Monday 1 June: it holds the reminders through Friday 12 June (nine
    business days later) and expires on the run of Monday 15 June, the tenth; the
    collector who owns the customer hears of it."""
    owner = User.objects.create_user("julien@ateliers-test.example", None, role="collector")
    late = customer(company, "LATE", owner=owner)
    declared = invoice(late, "100.00", D(2026, 5, 20), number="F-DECLARED")
    claim = cases.declare_payment(late, [declared], Decimal("100"), D(2026, 6, 1),
                                  D(2026, 6, 1))
    PaymentDeclaration.objects.filter(pk=claim.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 6, 1, 16, 30)))
    assert run_dunning(company, D(2026, 6, 12)).stopped == {"declared_paid": 1}
    claim.refresh_from_db()
    assert claim.status == DeclarationStatus.PENDING
    result = run_dunning(company, MONDAY)
    claim.refresh_from_db()
    assert claim.status == DeclarationStatus.EXPIRED
    assert [a.summary["invoices"] for a in result.actions] == [[declared.pk]]
    expired = Event.objects.get(type="payment.declaration_expired")
    assert expired.customer == late and expired.data["invoices"] == ["F-DECLARED"]
    [notice] = Notification.objects.filter(user=owner)
    assert late.name in notice.text


def test_a_company_may_let_a_declared_payment_hold_reminders_longer(company):
    company.declaration_days = 15
    company.save()
    late = customer(company, "LATE")
    declared = invoice(late, "100.00", D(2026, 5, 20))
    claim = cases.declare_payment(late, [declared], Decimal("100"), D(2026, 6, 1),
                                  D(2026, 6, 1))
    PaymentDeclaration.objects.filter(pk=claim.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0)))
    assert run_dunning(company, MONDAY).stopped == {"declared_paid": 1}
    claim.refresh_from_db()
    assert claim.status == DeclarationStatus.PENDING


def test_an_email_step_for_a_customer_nobody_can_read_becomes_a_letter(company):
    silent = customer(company, "SILENT", emails=False)
    invoice(silent, "100.00", MONDAY - dt.timedelta(days=1))
    action = run_dunning(company, MONDAY).actions[0]
    assert action.channel == "letter" and action.summary["rerouted_from"] == "email"


def test_a_dry_run_writes_nothing_not_even_the_scenarios():
    from relance.ledger.models import Company

    company = Company.objects.create(name="Fresh SAS")
    invoice(customer(company, "LATE"), "100.00", D(2026, 5, 1))
    result = run_dunning(company, MONDAY, dry_run=True)
    assert len(result.actions) == 1
    assert Action.objects.count() == Run.objects.count() == Scenario.objects.count() == 0


def test_a_customer_follows_its_own_scenario_else_its_segments_else_the_default(company):
    risky = Scenario.objects.get(company=company, name="Risky")
    key = Scenario.objects.get(company=company, name="Key accounts")
    SegmentRule.objects.create(company=company, segment="large", scenario=key)
    own = customer(company, "OWN", segment="large", scenario=risky)
    large = customer(company, "BIG", segment="large")
    plain = customer(company, "SME", segment="sme")
    for who in (own, large, plain):
        invoice(who, "100.00", MONDAY - dt.timedelta(days=6))   # 6 days late
    result = run_dunning(company, MONDAY)
    # Risky calls on day 5, but nothing was written yet: its reminder goes first
    assert result.by_step == {"Key accounts / Friendly reminder": 1,
                              "Risky / Friendly reminder": 1,
                              "Standard / Friendly reminder": 1}


def test_the_next_run_reads_only_the_invoices_whose_next_date_has_come(company):
    from relance.dunning.run import load

    late = customer(company, "LATE")
    soon = invoice(late, "100.00", D(2026, 6, 12))      # friendly reminder Monday 15th
    later = invoice(late, "100.00", D(2026, 6, 24))     # preventive reminder on the 19th
    run_dunning(company, MONDAY)
    read = {i.id for i in load(company, D(2026, 6, 16), incremental=True).invoices}
    assert read == set()
    read = {i.id for i in load(company, D(2026, 6, 19), incremental=True).invoices}
    assert read == {later.pk}
    assert InvoiceProgress.objects.get(invoice=soon).next_on == D(2026, 6, 22)


def test_a_changed_step_counts_from_the_next_run(loose):
    late = customer(loose, "LATE")
    inv = invoice(late, "100.00", D(2026, 6, 12))
    run_dunning(loose, MONDAY)                        # friendly reminder
    second = Step.objects.get(scenario__name="Standard", name="Second reminder")
    second.days = 4                                     # was 8: now due Tuesday 16th
    second.save()
    assert [pk for a in run_dunning(loose, D(2026, 6, 16)).actions
            for pk in a.summary["invoices"]] == [inv.pk]


def test_a_changed_due_date_counts_from_the_next_run(loose):
    late = customer(loose, "LATE")
    inv = invoice(late, "100.00", D(2026, 6, 12))
    run_dunning(loose, MONDAY)
    inv.due_date = D(2026, 6, 5)                        # corrected by a re-import
    inv.save(update_fields=["due_date"])
    result = run_dunning(loose, D(2026, 6, 16))       # 11 days late: second reminder
    assert result.by_step == {"Standard / Second reminder": 1}


def test_a_customer_moved_to_another_scenario_follows_it_from_the_next_run(loose):
    late = customer(loose, "LATE")
    invoice(late, "100.00", D(2026, 6, 12))
    run_dunning(loose, MONDAY)
    late.scenario = Scenario.objects.get(company=loose, name="Risky")
    late.save(update_fields=["scenario"])
    result = run_dunning(loose, D(2026, 6, 17))       # 5 days late: Risky's call
    assert result.by_step == {"Risky / Call accounts payable": 1}


def test_a_later_reminder_still_lists_the_invoices_the_run_did_not_need_to_read(loose):
    late = customer(loose, "LATE")
    old = invoice(late, "700.00", D(2026, 6, 5))        # second reminder on the first run
    run_dunning(loose, MONDAY)
    new = invoice(late, "100.00", MONDAY)               # friendly reminder on the 16th
    action = run_dunning(loose, D(2026, 6, 16)).actions[0]
    assert action.summary["invoices"] == [new.pk]
    assert action.summary["others"] == [old.pk]
    assert action.planned.overdue_total == Decimal("800.00")


def test_the_invoices_a_later_reminder_lists_keep_their_currency_hold_and_amount(loose):
    late = customer(loose, "LATE")
    old = invoice(late, "700.00", D(2026, 6, 5), open_amount=Decimal("650.00"))
    invoice(late, "50.00", D(2026, 6, 4), hold_reason="checking the delivery",
            hold_until=D(2026, 7, 1))
    invoice(late, "80.00", D(2026, 6, 4), currency="USD")
    invoice(late, "90.00", D(2026, 6, 4), kind="credit_note")
    run_dunning(loose, MONDAY)
    new = invoice(late, "100.00", MONDAY)
    # the USD invoice has its own contact on the 16th; the new one's reminder the next day
    assert [a.planned.currency for a in run_dunning(loose, D(2026, 6, 16)).actions] == ["USD"]

    action = next(a for a in run_dunning(loose, D(2026, 6, 17)).actions
                  if a.planned.currency == "EUR")

    assert action.summary["invoices"] == [new.pk]
    assert action.summary["others"] == [old.pk]
    assert action.planned.overdue_total == Decimal("750.00")


def test_the_summary_written_is_the_summary_shown(company):
    late = customer(company, 'L"ATE')
    invoice(late, "1200.50", MONDAY - dt.timedelta(days=1), number='F-"1"')
    invoice(late, "80.00", D(2026, 5, 1))
    silent = customer(company, "SILENT", emails=False)     # rerouted to a letter
    invoice(silent, "10.00", MONDAY - dt.timedelta(days=1))
    drafts = run_dunning(company, MONDAY, dry_run=True).actions
    shown = {(d.planned.customer_id, d.step.id): d.summary for d in drafts}
    assert any("rerouted_from" in summary for summary in shown.values())
    run_dunning(company, MONDAY)
    assert {(a.customer_id, a.step_id): a.summary
            for a in Action.objects.filter(company=company)} == shown
    event = Event.objects.filter(type="action.planned").first()
    assert set(event.data) == {"action", "step", "scenario", "channel", "status", "amount",
                               "currency", "invoices"}


def test_progress_is_recorded_the_same_way_in_bulk(company, monkeypatch):
    from relance.dunning import record

    monkeypatch.setattr(record, "COPY_FROM", 0)   # PostgreSQL then upserts by COPY
    late = customer(company, "LATE")
    inv = invoice(late, "100.00", D(2026, 6, 12))
    run_dunning(company, MONDAY)
    run_dunning(company, D(2026, 6, 22))                # second reminder: an update
    progress = InvoiceProgress.objects.get(invoice=inv)
    # the call comes due on the 29th, but eight days after this written reminder
    assert (progress.position, progress.reached_on, progress.next_on) == (
        3, D(2026, 6, 22), D(2026, 6, 30))


def test_every_row_the_run_writes_meets_its_tables_checks(company):
    """The run writes without SQLite evaluating CHECK constraints (db.batch.background_writes):
    the rows must meet them all the same."""
    late = customer(company, 'L"ATE \\ «»')
    invoice(late, "1200.50", MONDAY - dt.timedelta(days=1), number='F-"1"\\é')
    invoice(late, "80.00", D(2026, 5, 1))
    invoice(customer(company, "SILENT", emails=False), "10.00", MONDAY - dt.timedelta(days=1))
    run_dunning(company, MONDAY)
    run_dunning(company, D(2026, 6, 22))

    json_columns = {"dunning_action": ["summary"], "ledger_event": ["data"],
                    "delivery_message": ["recipients", "copies", "invoices"]}
    with connection.cursor() as cursor:
        for table, columns in json_columns.items():
            for column in columns:
                cursor.execute(f"SELECT {column} FROM {table}")
                values = [value for (value,) in cursor.fetchall()]
                assert values, (table, column)
                for value in values:   # text on SQLite, already parsed on PostgreSQL
                    if isinstance(value, str):
                        json.loads(value)
        cursor.execute("SELECT count(*) FROM dunning_actioninvoice WHERE occurrence < 0")
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT count(*) FROM dunning_invoiceprogress "
                       "WHERE position < 0 OR repeats < 0")
        assert cursor.fetchone() == (0,)
    assert Action.objects.count() >= 3


def test_a_first_run_leaves_statistics_of_the_progress_it_wrote(company, monkeypatch):
    """The next day's scan is planned from the progress table's statistics: right after
    a first run, before autovacuum gets to them, PostgreSQL would guess that a third of
    the invoices are due and read all of them."""
    from relance.db import batch
    from relance.dunning import record

    gathered = []
    monkeypatch.setattr(record, "analyze",
                        lambda *models: gathered.extend(models) or batch.analyze(*models))
    postgres = connection.vendor == "postgresql"
    table = InvoiceProgress._meta.db_table
    if postgres:   # as if autovacuum had never been by
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM pg_statistic WHERE starelid = %s::regclass", [table])
    late = customer(company, "LATE")
    for days in (1, 9, 30):
        invoice(late, "100.00", MONDAY - dt.timedelta(days=days))

    run_dunning(company, MONDAY)
    assert gathered == [InvoiceProgress]
    run_dunning(company, MONDAY + dt.timedelta(days=1))   # progress there: not again
    assert gathered == [InvoiceProgress]
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_statistic WHERE starelid = %s::regclass",
                           [table])
            assert cursor.fetchone()[0] > 0


def test_a_customer_moved_back_to_a_scenario_it_left_never_takes_a_step_twice(loose):
    late = customer(loose, "LATE")
    inv = invoice(late, "100.00", D(2026, 5, 20))       # 26 days late: firm reminder
    standard = Scenario.objects.get(company=loose, name="Standard")
    risky = Scenario.objects.get(company=loose, name="Risky")
    run_dunning(loose, MONDAY)
    for day, scenario in ((D(2026, 6, 16), risky), (D(2026, 6, 17), standard),
                          (D(2026, 6, 18), risky), (D(2026, 6, 19), standard)):
        late.scenario = scenario
        late.save(update_fields=["scenario"])
        run_dunning(loose, day)
    taken = steps_of(inv)
    assert len(taken) == len({(name, occurrence) for _, name, occurrence in taken})
