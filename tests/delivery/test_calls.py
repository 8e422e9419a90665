"""Phone-call tasks: the day's call list, the task page and the outcome of a call.

The world: Ateliers Test SAS; Claire, a credit manager; Paul and Léa, collectors; Sam,
a sales rep. Paul follows Boulangerie Roux (2,000 EUR, three weeks late) and Café Petit
(300 EUR, sixteen days late); Léa follows Garage Lenoir (800 EUR). Each of them has a
call planned for the day by the Standard scenario's call step. The services are called
with a fixed Tuesday; the pages read the real today, so their world is dated from it.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.cases.models import Dispute, PaymentDeclaration, Promise
from relance.cases.services import CaseRefused
from relance.delivery import calls
from relance.delivery.calls import CallRefused, Outcome
from relance.dunning import loading, stops
from relance.dunning.models import Action, ActionInvoice, ActionStatus, Channel, Step
from relance.dunning.recipients import CALL, route
from relance.dunning.run import run_dunning
from relance.ledger.models import Contact, Event, Invoice
from relance.team.models import User
from tests.dunning.world import creditor, customer, invoice, reminded, team

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 3, 10)


def plan_call(customer, *invoices, on, status=ActionStatus.PLANNED, channel=Channel.CALL):
    """The Standard scenario's call step for these invoices, as the daily run plans it."""
    step = Step.objects.get(scenario__company=customer.company, scenario__name="Standard",
                            channel=Channel.CALL)
    total = sum((i.open_amount for i in invoices), Decimal(0))
    action = Action.objects.create(
        company=customer.company, customer=customer, step=step, planned_on=on,
        currency="EUR", channel=channel, tone=step.tone, status=status,
        contact=customer.contacts.get(role="accounts_payable"), amount=total,
        overdue_total=total, summary={"others": [], "invoices": [i.pk for i in invoices]})
    ActionInvoice.objects.bulk_create(
        ActionInvoice(action=action, invoice=i, step=step, open_amount=i.open_amount,
                      days_late=(on - i.due_date).days) for i in invoices)
    return action


def build_world(today):
    company = creditor()
    people = team()
    roux = customer(company, "ROUX", name="Boulangerie Roux", owner=people["paul"])
    petit = customer(company, "PETIT", name="Café Petit", owner=people["paul"])
    lenoir = customer(company, "LENOIR", name="Garage Lenoir", owner=people["lea"])
    days_ago = lambda n: today - dt.timedelta(days=n)
    roux_invoices = [invoice(roux, "1500.00", days_ago(21), number="F-ROUX-1"),
                     invoice(roux, "500.00", days_ago(16), number="F-ROUX-2")]
    petit_invoice = invoice(petit, "300.00", days_ago(16), number="F-PETIT-1")
    lenoir_invoice = invoice(lenoir, "800.00", days_ago(16), number="F-LENOIR-1")
    return {"company": company, **people, "roux": roux, "petit": petit, "lenoir": lenoir,
            "roux_invoices": roux_invoices,
            "roux_call": plan_call(roux, *roux_invoices, on=today),
            "petit_call": plan_call(petit, petit_invoice, on=today),
            "lenoir_call": plan_call(lenoir, lenoir_invoice, on=today)}


@pytest.fixture
def world():
    return build_world(TUESDAY)


def events(type):
    return list(Event.objects.filter(type=type))


# The call list ------------------------------------------------------------------------

def test_a_collector_sees_the_calls_of_their_customers_largest_overdue_first(world):
    plan_call(world["petit"], on=TUESDAY + dt.timedelta(days=1))   # tomorrow's
    listed = list(calls.call_list(world["company"], world["paul"], TUESDAY))
    assert listed == [world["roux_call"], world["petit_call"]]


def test_calls_of_other_days_and_states_and_emails_are_not_listed(world):
    Action.objects.filter(pk=world["petit_call"].pk).update(status=ActionStatus.DONE)
    Action.objects.filter(pk=world["roux_call"].pk).update(channel=Channel.EMAIL)
    assert list(calls.call_list(world["company"], world["paul"], TUESDAY)) == []
    late = plan_call(world["petit"], on=TUESDAY - dt.timedelta(days=3))
    assert list(calls.call_list(world["company"], world["paul"], TUESDAY)) == [late]
    assert list(calls.call_list(world["company"], world["paul"], TUESDAY
                                - dt.timedelta(days=4))) == []


def test_equal_amounts_are_ordered_by_lateness(world):
    Action.objects.filter(pk=world["roux_call"].pk).update(overdue_total=Decimal("300.00"))
    listed = calls.call_list(world["company"], world["paul"], TUESDAY)
    assert [calls.describe(a, TUESDAY).days_late for a in listed] == [21, 16]


def test_a_row_says_whom_to_call_how_late_and_how_many_attempts(world):
    calls.log_outcome(world["roux_call"], Outcome.NO_ANSWER, world["paul"], TUESDAY)
    row = calls.describe(calls.call_list(world["company"], world["paul"],
                                         TUESDAY + dt.timedelta(days=1))[0],
                         TUESDAY + dt.timedelta(days=1))
    assert (row.callee.name, row.callee.phone) == ("Compta ROUX", "+33 1 23 45 67 89")
    assert (row.days_late, row.attempts) == (22, 1)


def test_a_manager_sees_every_call_and_can_filter_by_collector(world):
    everyone = calls.call_list(world["company"], world["claire"], TUESDAY)
    assert [a.customer.reference for a in everyone] == ["ROUX", "LENOIR", "PETIT"]
    leas = calls.call_list(world["company"], world["claire"], TUESDAY, world["lea"])
    assert list(leas) == [world["lenoir_call"]]


def test_the_daily_run_s_call_step_reaches_the_call_list():
    company = creditor()
    paul = User.objects.create_user("paul@ateliers-test.example", "pw", role="collector")
    martin = customer(company, "MARTIN", owner=paul)
    invoice(martin, "900.00", TUESDAY - dt.timedelta(days=15), number="F-MARTIN-1")
    reminded(martin, TUESDAY - dt.timedelta(days=8))
    run_dunning(company, TUESDAY)
    call, = calls.call_list(company, paul, TUESDAY)
    assert (call.customer, call.channel, call.contact.role) == (
        martin, Channel.CALL, "accounts_payable")


# Outcomes -----------------------------------------------------------------------------

def test_reached_closes_the_call_with_its_note_on_the_timeline(world):
    call = world["roux_call"]
    calls.log_outcome(call, Outcome.REACHED, world["paul"], TUESDAY,
                      note="Invoice approved, payment run on Friday")
    call.refresh_from_db()
    assert call.status == ActionStatus.DONE
    assert call.decided_by == world["paul"] and call.decided_at is not None
    assert [a["outcome"] for a in call.summary["attempts"]] == ["reached"]
    event, = events("call.reached")
    assert event.message == "Invoice approved, payment run on Friday"
    assert (event.customer, event.actor, event.data["action"]) == (
        world["roux"], world["paul"], call.pk)


def test_reached_needs_a_note(world):
    with pytest.raises(CallRefused):
        calls.log_outcome(world["roux_call"], Outcome.REACHED, world["paul"], TUESDAY,
                          note="  ")


def test_no_answer_moves_the_call_to_the_next_business_day(world):
    call = world["roux_call"]
    calls.log_outcome(call, Outcome.NO_ANSWER, world["paul"], TUESDAY)
    call.refresh_from_db()
    assert call.status == ActionStatus.PLANNED
    assert call.planned_on == dt.date(2026, 3, 11)
    attempt, = call.summary["attempts"]
    assert (attempt["outcome"], attempt["by"]) == ("no_answer", world["paul"].pk)
    assert events("call.no_answer")[0].data["moved_to"] == "2026-03-11"
    assert call not in calls.call_list(world["company"], world["paul"], TUESDAY)


def test_no_answer_skips_weekends_and_public_holidays(world):
    call = world["roux_call"]
    calls.log_outcome(call, Outcome.NO_ANSWER, world["paul"], dt.date(2026, 3, 13))
    call.refresh_from_db()
    assert call.planned_on == dt.date(2026, 3, 16)           # Friday -> Monday
    calls.log_outcome(call, Outcome.NO_ANSWER, world["paul"], dt.date(2026, 5, 13))
    call.refresh_from_db()
    assert call.planned_on == dt.date(2026, 5, 15)           # Ascension Thursday
    assert len(call.summary["attempts"]) == 2


def test_no_answer_joins_the_call_already_planned_for_that_day(world):
    roux, call = world["roux"], world["roux_call"]
    newer = invoice(roux, "250.00", TUESDAY - dt.timedelta(days=14), number="F-ROUX-3")
    tomorrows = plan_call(roux, newer, on=TUESDAY + dt.timedelta(days=1))
    calls.log_outcome(call, Outcome.NO_ANSWER, world["paul"], TUESDAY)
    call.refresh_from_db()
    tomorrows.refresh_from_db()
    assert call.status == ActionStatus.CANCELLED
    assert call.summary["joined"] == tomorrows.pk
    assert set(tomorrows.lines.values_list("invoice__number", flat=True)) == {
        "F-ROUX-1", "F-ROUX-2", "F-ROUX-3"}
    numbers = dict(Invoice.objects.values_list("pk", "number"))
    assert [numbers[pk] for pk in tomorrows.summary["invoices"]] == [
        "F-ROUX-3", "F-ROUX-1", "F-ROUX-2"]
    assert tomorrows.amount == Decimal("2250.00")
    assert len(tomorrows.summary["attempts"]) == 1


def test_no_answer_passes_over_a_day_whose_call_is_closed(world):
    roux, call = world["roux"], world["roux_call"]
    plan_call(roux, on=TUESDAY + dt.timedelta(days=1), status=ActionStatus.DONE)
    calls.log_outcome(call, Outcome.NO_ANSWER, world["paul"], TUESDAY)
    call.refresh_from_db()
    assert (call.status, call.planned_on) == (ActionStatus.PLANNED, dt.date(2026, 3, 12))


def test_wrong_number_flags_the_phone_and_the_next_call_goes_to_another_contact(world):
    roux, call = world["roux"], world["roux_call"]
    buyer = Contact.objects.get(customer=roux, role="purchasing")
    buyer.phone = "+33 5 56 00 00 00"
    buyer.save()
    calls.log_outcome(call, Outcome.WRONG_NUMBER, world["paul"], TUESDAY,
                      contact=call.contact, note="A bakery in Lille")
    call.refresh_from_db()
    assert call.status == ActionStatus.DONE
    assert Contact.objects.get(pk=call.contact_id).phone_invalid
    assert events("call.wrong_number")[0].data["phone"] == "+33 1 23 45 67 89"
    cards = loading.contacts_of([roux.pk])[roux.pk]
    assert route(cards, ["accounts_payable", "purchasing"], CALL)[1].id == buyer.pk
    tomorrow = TUESDAY + dt.timedelta(days=1)
    planned_before = plan_call(roux, on=tomorrow)   # still addressed to the wrong number
    row, = [calls.describe(a, tomorrow) for a in calls.call_list(
        world["company"], world["paul"], tomorrow) if a.pk == planned_before.pk]
    assert row.callee == buyer


def test_a_promise_is_recorded_on_the_chosen_invoices(world):
    first = world["roux_invoices"][0]
    calls.log_outcome(world["roux_call"], Outcome.PROMISE, world["paul"], TUESDAY,
                      invoices=[first], amount=Decimal("1500.00"),
                      promised_for=dt.date(2026, 3, 20), note="Friday's transfer")
    promise = Promise.objects.get()
    assert list(promise.invoices.all()) == [first]
    assert (promise.amount, promise.promised_for) == (Decimal("1500.00"), dt.date(2026, 3, 20))
    assert events("promise.recorded") and events("call.promise")[0].data["promise"] == promise.pk
    assert Action.objects.get(pk=world["roux_call"].pk).status == ActionStatus.DONE


def test_a_dispute_opens_one_dispute_per_invoice(world):
    calls.log_outcome(world["roux_call"], Outcome.DISPUTE, world["paul"], TUESDAY,
                      invoices=world["roux_invoices"], reason="quality",
                      comment="Two cakes were stale")
    assert sorted(Dispute.objects.values_list("invoice__number", "reason")) == [
        ("F-ROUX-1", "quality"), ("F-ROUX-2", "quality")]
    assert len(events("dispute.opened")) == 2
    assert events("call.dispute")[0].data["invoices"] == ["F-ROUX-1", "F-ROUX-2"]


def test_says_paid_declares_the_payment_and_holds_the_reminders(world):
    calls.log_outcome(world["roux_call"], Outcome.SAYS_PAID, world["paul"], TUESDAY,
                      invoices=world["roux_invoices"], amount=Decimal("2000.00"),
                      paid_on=dt.date(2026, 3, 9), note="Transfer on Monday")
    declaration = PaymentDeclaration.objects.get()
    assert (declaration.amount, declaration.paid_on, declaration.status) == (
        Decimal("2000.00"), dt.date(2026, 3, 9), "pending")
    assert declaration.invoices.count() == 2
    assert events("payment.declared") and events("call.says_paid")
    stopped = loading.stopped_invoice_ids(world["company"], TUESDAY)[stops.DECLARED_PAID]
    assert stopped == {i.pk for i in world["roux_invoices"]}


def test_a_done_call_cannot_be_logged_twice(world):
    call = world["roux_call"]
    calls.log_outcome(call, Outcome.REACHED, world["paul"], TUESDAY, note="Paying soon")
    with pytest.raises(CallRefused):
        calls.log_outcome(call, Outcome.REACHED, world["paul"], TUESDAY, note="Again")
    stale = Action.objects.get(pk=world["petit_call"].pk)
    calls.log_outcome(world["petit_call"], Outcome.NO_ANSWER, world["paul"], TUESDAY)
    with pytest.raises(CallRefused):   # a second tab still showing the morning's page
        calls.log_outcome(stale, Outcome.REACHED, world["paul"], TUESDAY, note="Hello")
    assert len(events("call.reached")) == 1


def test_a_refused_promise_changes_nothing(world):
    call = world["roux_call"]
    with pytest.raises(CaseRefused):
        calls.log_outcome(call, Outcome.PROMISE, world["paul"], TUESDAY,
                          invoices=world["roux_invoices"], amount=Decimal("10.00"),
                          promised_for=TUESDAY - dt.timedelta(days=1))
    call.refresh_from_db()
    assert call.status == ActionStatus.PLANNED and "attempts" not in call.summary
    assert not Promise.objects.exists() and not events("call.promise")


# Pages --------------------------------------------------------------------------------

@pytest.fixture
def today_world():
    return build_world(timezone.localdate())


def as_user(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_call_list_page_shows_the_collectors_calls_and_the_nav_counts_them(
        client, today_world):
    response = as_user(client, today_world["paul"]).get(reverse("delivery:calls"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Boulangerie Roux") < page.index("Café Petit")
    assert "Garage Lenoir" not in page
    assert 'href="tel:+33123456789"' in page
    assert '<span class="nav-count" title="Calls due today">2</span>' in page


def test_a_manager_filters_the_call_list_by_collector(client, today_world):
    as_user(client, today_world["claire"])
    everyone = client.get(reverse("delivery:calls")).content.decode()
    assert "Garage Lenoir" in everyone and "Café Petit" in everyone
    leas = client.get(reverse("delivery:calls"), {"owner": today_world["lea"].pk})
    assert "Garage Lenoir" in leas.content.decode()
    assert "Café Petit" not in leas.content.decode()


def test_sales_rep_is_refused(client, today_world):
    as_user(client, today_world["sam"])
    assert client.get(reverse("delivery:calls")).status_code == 403
    call = today_world["roux_call"]
    assert client.get(reverse("delivery:call", args=[call.pk])).status_code == 403
    assert client.post(reverse("delivery:call", args=[call.pk]),
                       {"outcome": "no_answer"}).status_code == 403
    assert "delivery/calls/" not in client.get(reverse("web:customers")).content.decode()


def test_collector_cannot_open_another_collectors_call(client, today_world):
    as_user(client, today_world["lea"])
    url = reverse("delivery:call", args=[today_world["roux_call"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "no_answer"}).status_code == 404
    assert Action.objects.get(pk=today_world["roux_call"].pk).status == ActionStatus.PLANNED


def test_the_task_page_shows_numbers_invoices_script_and_history(client, today_world):
    call = today_world["roux_call"]
    Contact.objects.filter(customer=today_world["roux"], role="purchasing").update(
        phone="05 56 00 00 00")
    response = as_user(client, today_world["paul"]).get(
        reverse("delivery:call", args=[call.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index('href="tel:+33123456789"') < page.index('href="tel:0556000000"')
    assert "F-ROUX-1" in page and "F-ROUX-2" in page and "1,500.00" in page
    assert "Was the invoice received, and is it correct?" in page
    assert "When and how will you pay?" in page
    assert "Invoice issued" in page or "Nothing has happened yet." in page
    for outcome in Outcome:
        assert f'value="{outcome.value}"' in page


def test_logging_a_promise_through_the_page(client, today_world):
    call, first = today_world["roux_call"], today_world["roux_invoices"][0]
    in_a_week = timezone.localdate() + dt.timedelta(days=7)
    response = as_user(client, today_world["paul"]).post(
        reverse("delivery:call", args=[call.pk]),
        {"outcome": "promise", "invoices": [first.pk], "amount": "1500.00",
         "promised_for": in_a_week.isoformat(), "note": "Friday's run"})
    assert response.status_code == 302 and response.url == reverse("delivery:calls")
    promise = Promise.objects.get()
    assert (promise.amount, promise.promised_for) == (Decimal("1500.00"), in_a_week)
    assert Action.objects.get(pk=call.pk).status == ActionStatus.DONE
    listed = client.get(reverse("delivery:calls")).content.decode()
    assert "Boulangerie Roux" not in listed.split("<table")[-1]


def test_invalid_input_shows_errors_by_field(client, today_world):
    url = reverse("delivery:call", args=[today_world["roux_call"].pk])
    as_user(client, today_world["paul"])
    response = client.post(url, {"outcome": "promise", "amount": "a lot",
                                 "promised_for": "tomorrow"})
    assert response.status_code == 200
    errors = response.context["outcomes"][3][1].errors
    assert set(errors) == {"invoices", "amount", "promised_for"}
    response = client.post(url, {"outcome": "reached", "note": ""})
    assert set(response.context["outcomes"][0][1].errors) == {"note"}
    response = client.post(url, {"outcome": "says_paid", "invoices": ["99999999999999999999"],
                                 "paid_on": "2999-01-01"})
    assert set(response.context["outcomes"][5][1].errors) == {"invoices", "paid_on"}
    assert client.post(url, {"outcome": "sing"}).status_code == 302
    assert Action.objects.get(pk=today_world["roux_call"].pk).status == ActionStatus.PLANNED


def test_a_service_refusal_shows_on_the_form(client, today_world):
    first = today_world["roux_invoices"][0]
    Dispute.objects.create(invoice=first, opened_on=timezone.localdate())
    response = as_user(client, today_world["paul"]).post(
        reverse("delivery:call", args=[today_world["roux_call"].pk]),
        {"outcome": "dispute", "invoices": [first.pk], "reason": "price"})
    assert response.status_code == 200
    assert "already disputed" in response.content.decode()
    assert Action.objects.get(pk=today_world["roux_call"].pk).status == ActionStatus.PLANNED


def test_a_done_call_shows_no_outcome_forms_and_refuses_a_second_log(client, today_world):
    call = today_world["roux_call"]
    url = reverse("delivery:call", args=[call.pk])
    as_user(client, today_world["paul"])
    assert client.post(url, {"outcome": "reached", "note": "Paying Friday"}).status_code == 302
    page = client.get(url)
    assert page.status_code == 200 and page.context["outcomes"] == []
    again = client.post(url, {"outcome": "reached", "note": "Twice"}, follow=True)
    assert again.redirect_chain == [(url, 302)]
    assert "This call is already done." in again.content.decode()
    assert len(events("call.reached")) == 1
