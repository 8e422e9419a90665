"""The next day's run trusts the progress's next dates: the triggers that clear them
where the ledger changes, whatever writes it, and the run's own check of the rules
they were computed under."""

import pytest
from django.db import connection

from relance.cases import services as cases
from relance.dunning import loading, stops, triggers
from relance.dunning.planner import NEVER
from relance.dunning.models import InvoiceProgress, Scenario, SegmentRule, Step
from relance.dunning.run import load, read, run_dunning
from relance.ledger.models import Company
from tests.dunning.world import D, creditor, customer, invoice

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)


@pytest.fixture
def company():
    """Conversation rules at their loosest: these tests are about what the run reads."""
    return creditor(contact_gap_days=1, written_before_days=0)


def next_on(inv):
    return InvoiceProgress.objects.get(invoice=inv).next_on


def sql(statement, params):
    """A change written as an import or a person at the database would: no model."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def read_on(company, day):
    return {i.id for i in load(company, day, incremental=True).invoices}


def test_the_triggers_are_installed_by_the_migrations():
    assert triggers.installed(connection)


def test_a_due_date_changed_in_the_database_clears_the_next_date(company):
    late = customer(company, "LATE")
    moved, kept = invoice(late, "100.00", D(2026, 6, 12)), invoice(late, "50.00", D(2026, 6, 12))
    run_dunning(company, MONDAY)
    assert next_on(moved) == next_on(kept) == D(2026, 6, 22)

    sql("UPDATE ledger_invoice SET due_date = %s WHERE id = %s", [D(2026, 6, 5), moved.pk])
    sql("UPDATE ledger_invoice SET due_date = due_date WHERE id = %s", [kept.pk])

    assert next_on(moved) is None
    assert next_on(kept) == D(2026, 6, 22)             # written, but the same date
    assert read_on(company, D(2026, 6, 16)) == {moved.pk}
    result = run_dunning(company, D(2026, 6, 16))       # 11 days late: second reminder
    assert result.by_step == {"Standard / Second reminder": 1}
    assert next_on(moved) is not None


def test_a_customers_segment_or_own_scenario_changed_clears_its_invoices_next_dates(company):
    moved, other = customer(company, "MOVED"), customer(company, "OTHER")
    first, second = invoice(moved, "100.00", D(2026, 6, 12)), invoice(moved, "9.00", D(2026, 6, 12))
    untouched = invoice(other, "100.00", D(2026, 6, 12))
    run_dunning(company, MONDAY)

    sql("UPDATE ledger_customer SET segment = %s WHERE id = %s", ["export", moved.pk])

    assert next_on(first) is None and next_on(second) is None
    assert next_on(untouched) == D(2026, 6, 22)
    run_dunning(company, D(2026, 6, 16))                # recomputed, nothing due
    assert next_on(first) == D(2026, 6, 22)

    risky = Scenario.objects.get(company=company, name="Risky")
    sql("UPDATE ledger_customer SET scenario_id = %s WHERE id = %s", [risky.pk, moved.pk])
    assert next_on(first) is None
    result = run_dunning(company, D(2026, 6, 17))       # 5 days late: Risky's call
    assert result.by_step == {"Risky / Call accounts payable": 1}


def test_a_settled_invoice_is_never_read_again_until_it_opens_again(company):
    late = customer(company, "LATE")
    inv = invoice(late, "100.00", D(2026, 6, 12))
    run_dunning(company, MONDAY)

    sql("UPDATE ledger_invoice SET status = 'paid', open_amount = 0 WHERE id = %s", [inv.pk])
    assert next_on(inv) == NEVER

    sql("UPDATE ledger_invoice SET status = 'open', open_amount = 100 WHERE id = %s",
        [inv.pk])
    assert next_on(inv) is None
    assert read_on(company, D(2026, 6, 16)) == {inv.pk}


def test_the_run_trusts_next_dates_only_under_the_rules_it_recorded(company):
    late = customer(company, "LATE", segment="export")
    invoice(late, "100.00", D(2026, 6, 12))

    def trusted(day):
        return read(company, day, incremental=True)[1].trusted

    assert not trusted(MONDAY)                          # no progress yet
    run_dunning(company, MONDAY)
    assert trusted(D(2026, 6, 16))

    SegmentRule.objects.create(company=company, segment="export",
                               scenario=Scenario.objects.get(company=company, name="Risky"))
    assert not trusted(D(2026, 6, 16))                  # checked, then recorded again
    run_dunning(company, D(2026, 6, 16))
    assert trusted(D(2026, 6, 17))

    step = Step.objects.get(scenario__name="Risky", name="Call accounts payable")
    step.days += 1
    step.save()
    assert not trusted(D(2026, 6, 17))
    run_dunning(company, D(2026, 6, 17))
    assert trusted(D(2026, 6, 18))

    triggers.drop_triggers(connection)
    try:
        assert not trusted(D(2026, 6, 18))              # a rebuilt table lost them
    finally:
        triggers.create_triggers(connection)
    assert trusted(D(2026, 6, 18))


def test_a_customer_moved_by_a_segment_rule_is_read_until_its_new_scenario_acts(company):
    late = customer(company, "LATE", segment="export")
    inv = invoice(late, "100.00", D(2026, 6, 12))
    run_dunning(company, MONDAY)                        # Standard: friendly reminder
    assert next_on(inv) == D(2026, 6, 22)
    weekly = Scenario.objects.create(company=company, name="Weekly")
    Step.objects.create(scenario=weekly, position=1, name="A week late", days=7,
                        channel="email", tone="firm")
    SegmentRule.objects.create(company=company, segment="export", scenario=weekly)

    assert run_dunning(company, D(2026, 6, 16)).actions == []   # its step is the 19th
    assert next_on(inv) is None                         # so: read every day until then
    assert run_dunning(company, D(2026, 6, 17)).actions == []
    result = run_dunning(company, D(2026, 6, 19))
    assert result.by_step == {"Weekly / A week late": 1}


def test_disputes_of_another_companys_invoices_stop_nothing_here(company):
    other = Company.objects.create(name="Autre SAS")
    theirs = invoice(customer(other, "THEIRS"), "100.00", D(2026, 6, 12))
    ours = invoice(customer(company, "OURS"), "100.00", D(2026, 6, 12))
    cases.open_dispute(theirs, "quality", "", MONDAY)
    cases.open_dispute(ours, "quality", "", MONDAY)

    assert loading.stopped_invoice_ids(company, MONDAY)[stops.DISPUTED] == {ours.pk}
    assert loading.stopped_invoice_ids(other, MONDAY)[stops.DISPUTED] == {theirs.pk}


def test_an_invoice_disputed_before_any_reminder_is_read_again_once_resolved(company):
    late = customer(company, "LATE")
    reminded, disputed = invoice(late, "100.00", D(2026, 6, 12)), invoice(late, "50.00", D(2026, 6, 12))
    dispute = cases.open_dispute(disputed, "quality", "", D(2026, 6, 12))
    run_dunning(company, MONDAY)                        # friendly reminder for one only
    assert not InvoiceProgress.objects.filter(invoice=disputed).exists()
    assert disputed.pk not in read_on(company, D(2026, 6, 16))   # trusted: not read

    cases.resolve_dispute(dispute, "credit note refused", D(2026, 6, 16))

    assert disputed.pk in read_on(company, D(2026, 6, 16))
    result = run_dunning(company, D(2026, 6, 16))       # its own latest due step
    assert [pk for a in result.actions for pk in a.summary["invoices"]] == [disputed.pk]
    assert next_on(reminded) == D(2026, 6, 22)
