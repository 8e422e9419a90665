"""Julien, a collector, records what stops dunning on the customer and invoice pages:
a hold, a promise to pay, a dispute, the customer's own scenario, a reminder by hand.

The world: Atelier Test ships its scenarios. Retard & Fils, Julien's customer, owes
F-45 (45 days late), F-100 (100 days late) and F-SOON (due in 10 days). Sophie, another
collector, owns Autre SA (one invoice, 20 days late). Claire is a credit manager and
Sam the sales rep of Retard & Fils.
"""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relance.cases import services
from relance.cases.models import (
    DeclarationStatus, Dispute, DisputeStatus, Promise, PromiseStatus,
)
from relance.dunning.models import Action, ActionKind, InvoiceProgress, Scenario, Step
from relance.dunning.run import run_dunning
from relance.ledger.models import Customer, Event, Invoice
from relance.team.models import User
from tests.dunning.world import creditor, customer
from tests.support.ledger_builders import invoice

TODAY = timezone.localdate
DAY = timedelta(days=1)


def user(email, role):
    # No password: these tests log in with force_login, and hashing one takes a second.
    return User.objects.create_user(email, None, role=role, first_name=email.split("@")[0])


@pytest.fixture
def world(db):
    company = creditor()
    julien = user("julien@atelier.test", "collector")
    sophie = user("sophie@atelier.test", "collector")
    sam = user("sam@atelier.test", "sales")
    late = customer(company, "C-LATE", name="Retard & Fils", owner=julien, sales_rep=sam)
    other = customer(company, "C-OTHER", name="Autre SA", owner=sophie)
    return {
        "company": company, "julien": julien, "sophie": sophie,
        "claire": user("claire@atelier.test", "credit_manager"),
        "sam": sam,
        "late": late, "other": other,
        "f45": invoice(late, "3000.00", due_days_ago=45, number="F-45"),
        "f100": invoice(late, "700.00", due_days_ago=100, number="F-100"),
        "soon": invoice(late, "500.00", due_days_ago=-10, number="F-SOON"),
        "f_other": invoice(other, "900.00", due_days_ago=20, number="F-OTHER"),
    }


@pytest.fixture
def julien(client, world):
    client.force_login(world["julien"])
    return client


def as_user(world, name):
    client = Client()
    client.force_login(world[name])
    return client


def customer_url(world, name="late"):
    return reverse("web:customer", args=[world[name].pk])


def events(type):
    return list(Event.objects.filter(type=type).values_list("message", flat=True))


def nothing_changed_since(snapshot):
    return snapshot == database_snapshot()


def database_snapshot():
    """What any of these forms could change."""
    return (list(Customer.objects.order_by("pk").values_list("scenario", "hold_reason",
                                                               "hold_until")),
            list(Invoice.objects.order_by("pk").values_list("hold_reason", "hold_until")),
            Promise.objects.count(), Dispute.objects.count(), Action.objects.count(),
            Event.objects.count())


# The customer's scenario

def scenarios(world):
    """The shipped scenarios in the order they were installed: standard (the default),
    key accounts, risky."""
    return list(Scenario.objects.filter(company=world["company"]).order_by("pk"))


def test_the_page_says_which_scenario_the_customer_follows_and_why(julien, world):
    response = julien.get(customer_url(world))

    assert response.status_code == 200
    assert response.context["scenario"] == scenarios(world)[0]
    assert response.context["scenario_source"] == "default"


def test_a_collector_gives_their_customer_its_own_scenario_and_the_timeline_says_so(
        julien, world):
    standard, key_accounts, _ = scenarios(world)

    response = julien.post(reverse("web:customer_scenario", args=[world["late"].pk]),
                           {"scenario": key_accounts.pk}, follow=True)

    world["late"].refresh_from_db()
    assert world["late"].scenario == key_accounts
    assert response.context["scenario_source"] == "customer"
    assert events("customer.scenario_changed") == [f"{standard} → {key_accounts}"]
    timeline_tab = julien.get(customer_url(world), {"tab": "timeline"})
    assert "customer.scenario_changed" in timeline_tab.content.decode()


def test_clearing_the_scenario_brings_the_customer_back_to_the_default(julien, world):
    standard, _, risky = scenarios(world)
    Customer.objects.filter(pk=world["late"].pk).update(scenario=risky)

    julien.post(reverse("web:customer_scenario", args=[world["late"].pk]), {"scenario": ""})

    world["late"].refresh_from_db()
    assert world["late"].scenario is None
    assert events("customer.scenario_changed") == [f"{risky} → {standard}"]


def test_a_scenario_of_another_company_is_refused(julien, world):
    elsewhere = Scenario.objects.filter(company=creditor()).first()
    before = database_snapshot()

    response = julien.post(reverse("web:customer_scenario", args=[world["late"].pk]),
                           {"scenario": elsewhere.pk})

    assert response.status_code == 200
    assert "scenario" in response.context["scenario_form"].errors
    assert nothing_changed_since(before)


# Holds

def test_a_customer_put_on_hold_shows_the_hold_until_it_is_released(julien, world):
    until = TODAY() + 14 * DAY
    url = reverse("web:customer_hold", args=[world["late"].pk])

    response = julien.post(url, {"reason": "Redressement judiciaire",
                                 "until": until.isoformat()}, follow=True)

    world["late"].refresh_from_db()
    assert (world["late"].hold_reason, world["late"].hold_until) == (
        "Redressement judiciaire", until)
    assert response.context["on_hold"]
    assert "Redressement judiciaire" in response.content.decode()
    assert events("customer.put_on_hold") == ["Redressement judiciaire"]

    response = julien.post(reverse("web:customer_release", args=[world["late"].pk]),
                           follow=True)

    world["late"].refresh_from_db()
    assert world["late"].hold_reason == ""
    assert not response.context["on_hold"]
    assert events("customer.hold_released") == ["Redressement judiciaire"]


@pytest.mark.parametrize("posted, field", [
    ({"reason": "", "until": ""}, "reason"),
    ({"reason": "   ", "until": ""}, "reason"),
    ({"reason": "Litige", "until": "31/02/2031"}, "until"),
    ({"reason": "Litige", "until": "demain"}, "until"),
    ({"reason": "x" * 201, "until": ""}, "reason"),
])
def test_a_hold_without_reason_or_with_a_bad_date_is_refused(julien, world, posted, field):
    before = database_snapshot()

    response = julien.post(reverse("web:customer_hold", args=[world["late"].pk]), posted)

    assert response.status_code == 200
    assert field in response.context["hold_form"].errors
    assert nothing_changed_since(before)


def test_a_hold_ending_yesterday_is_refused(julien, world):
    before = database_snapshot()

    response = julien.post(reverse("web:customer_hold", args=[world["late"].pk]),
                           {"reason": "Litige", "until": (TODAY() - DAY).isoformat()})

    assert response.status_code == 200
    assert "until" in response.context["hold_form"].errors
    assert nothing_changed_since(before)


def test_an_invoice_put_on_hold_shows_it_on_its_page_until_released(julien, world):
    f45 = world["f45"]

    response = julien.post(reverse("web:invoice_hold", args=[f45.pk]),
                           {"reason": "Attente avoir", "until": ""}, follow=True)

    f45.refresh_from_db()
    assert (f45.hold_reason, f45.hold_until) == ("Attente avoir", None)
    assert response.context["on_hold"]
    assert "Attente avoir" in response.content.decode()
    assert events("invoice.put_on_hold") == ["Attente avoir"]

    julien.post(reverse("web:invoice_release", args=[f45.pk]))

    f45.refresh_from_db()
    assert f45.hold_reason == ""
    assert events("invoice.hold_released") == ["Attente avoir"]


# Promises

def promise_url(world):
    return reverse("web:promise_record", args=[world["late"].pk])


def test_the_promise_form_ticks_the_overdue_invoices(julien, world):
    response = julien.get(customer_url(world))

    form = response.context["promise_form"]
    assert sorted(form["invoices"].value()) == sorted([world["f45"].pk, world["f100"].pk])
    html = response.content.decode()
    assert checkbox(html, "promise", world["f45"]).endswith(" checked>")
    assert not checkbox(html, "promise", world["soon"]).endswith(" checked>")
    assert checkbox(html, "reminder", world["f100"]).endswith(" checked>")


def checkbox(html, form, invoice):
    """The <input> of this invoice's checkbox in this form."""
    found = re.search(rf'<input type="checkbox" name="invoices" value="{invoice.pk}" '
                      rf'id="{form}-invoices_\d+"[^>]*>', html)
    assert found, (form, invoice.number)
    return found.group(0)


def test_a_promise_without_amount_covers_the_total_and_shows_on_page_and_timeline(
        julien, world):
    promised_for = TODAY() + 7 * DAY

    response = julien.post(promise_url(world), {
        "invoices": [world["f45"].pk, world["f100"].pk], "amount": "",
        "promised_for": promised_for.isoformat(), "note": "Virement annoncé"}, follow=True)

    promise = Promise.objects.get()
    assert (promise.amount, promise.promised_for, promise.status) == (
        Decimal("3700.00"), promised_for, PromiseStatus.OPEN)
    assert set(promise.invoices.all()) == {world["f45"], world["f100"]}
    assert list(response.context["promises"]) == [promise]
    assert "Virement annoncé" in response.content.decode()
    assert events("promise.recorded") == ["Virement annoncé"]


def test_a_promise_amount_may_be_typed_the_french_way(julien, world):
    julien.post(promise_url(world), {"invoices": [world["f45"].pk], "amount": "1500,50",
                                     "promised_for": TODAY().isoformat()})

    assert Promise.objects.get().amount == Decimal("1500.50")


@pytest.mark.parametrize("changes, field", [
    ({"amount": "beaucoup"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": "-10"}, "amount"),
    ({"amount": "NaN"}, "amount"),
    ({"amount": "1e400"}, "amount"),
    ({"promised_for": "not a date"}, "promised_for"),
    ({"promised_for": ""}, "promised_for"),
    ({"promised_for": "past"}, "promised_for"),
    ({"invoices": []}, "invoices"),
    ({"invoices": ["other"]}, "invoices"),
    ({"invoices": ["soon", "999999999"]}, "invoices"),
    ({"invoices": ["9" * 30]}, "invoices"),
    ({"invoices": ["abc"]}, "invoices"),
])
def test_bad_promise_input_gives_a_field_error_and_records_nothing(julien, world, changes,
                                                                   field):
    posted = {"invoices": [world["f45"].pk], "amount": "100",
              "promised_for": (TODAY() + DAY).isoformat()}
    posted.update(changes)
    if posted["promised_for"] == "past":
        posted["promised_for"] = (TODAY() - DAY).isoformat()
    names = {"other": world["f_other"].pk, "soon": world["soon"].pk}
    posted["invoices"] = [names.get(i, i) for i in posted["invoices"]]
    before = database_snapshot()

    response = julien.post(promise_url(world), posted)

    assert response.status_code == 200
    assert field in response.context["promise_form"].errors
    assert nothing_changed_since(before)


def test_a_promise_the_service_refuses_shows_its_message_as_a_form_error(julien, world):
    dollars = invoice(world["late"], "100.00", due_days_ago=5, number="F-USD",
                      currency="USD")
    before = database_snapshot()

    response = julien.post(promise_url(world), {
        "invoices": [world["f45"].pk, dollars.pk], "amount": "",
        "promised_for": TODAY().isoformat()}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["promise_form"].non_field_errors() == [
        "A promise covers invoices in one currency."]
    assert "A promise covers invoices in one currency." in response.content.decode()
    assert nothing_changed_since(before)


def test_a_cancelled_promise_leaves_the_list_and_says_so_on_the_timeline(julien, world):
    julien.post(promise_url(world), {"invoices": [world["f45"].pk], "amount": "3000",
                                     "promised_for": TODAY().isoformat()})
    promise = Promise.objects.get()

    response = julien.post(reverse("web:promise_cancel", args=[world["late"].pk, promise.pk]),
                           follow=True)

    promise.refresh_from_db()
    assert promise.status == PromiseStatus.CANCELLED
    assert list(response.context["promises"]) == []
    assert len(events("promise.cancelled")) == 1


def test_a_promise_stops_the_next_run_for_its_invoices_only(julien, world):
    julien.post(promise_url(world), {"invoices": [world["f45"].pk], "amount": "",
                                     "promised_for": (TODAY() + 10 * DAY).isoformat()})

    result = run_dunning(world["company"], TODAY())

    reminded = set(Action.objects.filter(customer=world["late"])
                   .values_list("lines__invoice__number", flat=True))
    assert "F-100" in reminded
    assert "F-45" not in reminded
    assert result.stopped["promised"] == 1


# A payment the customer declared

def declared(world):
    return services.declare_payment(world["late"], [world["f45"]], Decimal("3000.00"),
                                    TODAY() - DAY, TODAY(), note="virement du 12")


def reject_url(world, declaration):
    return reverse("web:declaration_reject", args=[world["late"].pk, declaration.pk])


def test_the_page_lists_the_declared_payment_with_a_way_to_reject_it(julien, world):
    declaration = declared(world)
    page = julien.get(reverse("web:customer", args=[world["late"].pk])).content.decode()
    assert "virement du 12" in page and reject_url(world, declaration) in page


def test_a_rejected_declaration_stops_holding_reminders_and_says_why(julien, world):
    declaration = declared(world)
    assert run_dunning(world["company"], TODAY(), dry_run=True).stopped["declared_paid"] == 1

    response = julien.post(reject_url(world, declaration), {"reason": "nothing on the bank"},
                           follow=True)

    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.REJECTED
    assert list(response.context["declarations"]) == []
    event = Event.objects.get(type="payment.declaration_rejected")
    assert event.message == "nothing on the bank" and event.actor == world["julien"]
    assert "declared_paid" not in run_dunning(world["company"], TODAY(),
                                              dry_run=True).stopped


def test_a_rejection_without_a_reason_changes_nothing(julien, world):
    declaration = declared(world)
    response = julien.post(reject_url(world, declaration), {"reason": "  "}, follow=True)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PENDING
    [said] = response.context["messages"]
    assert said.level_tag == "error"
    assert events("payment.declaration_rejected") == []


def test_another_collectors_customer_declaration_cannot_be_rejected(client, world):
    declaration = declared(world)
    client.force_login(world["sophie"])
    assert client.post(reject_url(world, declaration), {"reason": "no"}).status_code == 404
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PENDING


# A reminder sent by hand

def reminder_url(world):
    return reverse("web:reminder_send", args=[world["late"].pk])


def first_email_step(world):
    """The default scenario's first email step after the due date: the friendly one."""
    standard = scenarios(world)[0]
    return (Step.objects.filter(scenario=standard, channel="email", days__gte=0)
            .order_by("position").first())


def test_the_reminder_form_offers_every_step_grouped_by_scenario(julien, world):
    form = julien.get(customer_url(world)).context["reminder_form"]

    groups = dict(form.fields["step"].choices)
    assert list(groups) == sorted(s.name for s in scenarios(world))
    assert sum(len(steps) for steps in groups.values()) == Step.objects.filter(
        scenario__company=world["company"]).count()
    assert form["step"].value() == first_email_step(world).pk


def test_a_manual_reminder_creates_a_manual_action_without_moving_the_invoices(
        julien, world):
    step = first_email_step(world)

    response = julien.post(reminder_url(world), {
        "step": step.pk, "invoices": [world["f45"].pk], "note": "Demandé par le client"},
        follow=True)

    action = Action.objects.get()
    assert (action.kind, action.step, action.amount) == (ActionKind.MANUAL, step,
                                                         Decimal("3000.00"))
    assert [line.invoice for line in action.lines.all()] == [world["f45"]]
    assert action.note == "Demandé par le client"
    assert not InvoiceProgress.objects.exists()
    assert list(response.context["actions"]) == [action]
    assert [str(m) for m in response.context["messages"]]
    assert events("action.manual") == ["F-45"]


@pytest.mark.parametrize("changes, field", [
    ({"invoices": []}, "invoices"),
    ({"invoices": ["other"]}, "invoices"),
    ({"step": ""}, "step"),
    ({"step": "999999"}, "step"),
    ({"step": "9" * 30}, "step"),
    ({"step": "abc"}, "step"),
    ({"step": "foreign"}, "step"),
])
def test_a_bad_manual_reminder_gives_a_field_error_and_creates_nothing(julien, world,
                                                                      changes, field):
    posted = {"step": first_email_step(world).pk, "invoices": [world["f45"].pk]}
    posted.update(changes)
    if posted["step"] == "foreign":
        posted["step"] = Step.objects.filter(scenario__company=creditor()).first().pk
    posted["invoices"] = [world["f_other"].pk if i == "other" else i
                          for i in posted["invoices"]]
    before = database_snapshot()

    response = julien.post(reminder_url(world), posted)

    assert response.status_code == 200
    assert field in response.context["reminder_form"].errors
    assert nothing_changed_since(before)


def test_the_actions_are_listed_on_both_pages_with_a_link_to_their_detail(julien, world):
    julien.post(reminder_url(world), {"step": first_email_step(world).pk,
                                      "invoices": [world["f45"].pk]})
    action = Action.objects.get()
    detail = reverse("dunning:action", args=[action.pk])

    customer_page = julien.get(customer_url(world)).content.decode()
    invoice_page = julien.get(reverse("web:invoice", args=[world["f45"].pk]))
    untouched = julien.get(reverse("web:invoice", args=[world["f100"].pk]))

    assert f'href="{detail}"' in customer_page
    assert list(invoice_page.context["actions"]) == [action]
    assert f'href="{detail}"' in invoice_page.content.decode()
    assert list(untouched.context["actions"]) == []


# What is planned

def planned_url(world, name="late"):
    return reverse("web:customer_planned", args=[world[name].pk])


def test_the_page_shows_what_the_next_30_days_would_bring(julien, world):
    planned = julien.get(planned_url(world)).context["planned"]

    assert planned, "the late invoices and F-SOON have steps ahead"
    assert all(TODAY() <= row["day"] <= TODAY() + 31 * DAY for row in planned)
    assert {"F-SOON"} <= {number for row in planned for number in row["invoices"]}
    assert "F-OTHER" not in {number for row in planned for number in row["invoices"]}


def test_a_promise_takes_its_invoices_out_of_the_planned_reminders(julien, world):
    covered = julien.get(planned_url(world)).context["planned"]
    assert "F-SOON" in {n for row in covered for n in row["invoices"]}

    julien.post(promise_url(world), {"invoices": [world["soon"].pk], "amount": "",
                                     "promised_for": (TODAY() + 40 * DAY).isoformat()})

    planned = julien.get(planned_url(world)).context["planned"]
    assert "F-SOON" not in {n for row in planned for n in row["invoices"]}



def test_the_page_loads_what_is_planned_after_itself(julien, world):
    page = julien.get(customer_url(world))
    html = page.content.decode()

    assert "planned" not in page.context, "the preview is not computed for the page"
    assert f'hx-get="{planned_url(world)}" hx-trigger="load"' in html
    fragment = julien.get(planned_url(world), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="planned">') and "<html" not in fragment
    assert "F-SOON" in fragment and "F-OTHER" not in fragment


def test_without_javascript_the_link_shows_what_is_planned_inline(julien, world):
    html = julien.get(customer_url(world)).content.decode()
    link = re.search(r'<a href="([^"]*planned=1[^"]*)"', html).group(1).replace("&amp;", "&")

    inline = julien.get(customer_url(world) + link.split("#")[0])

    assert {"F-SOON"} <= {n for row in inline.context["planned"] for n in row["invoices"]}
    assert '<table class="data planned">' in inline.content.decode()


def test_another_collectors_customer_has_no_planned_fragment(world):
    sophie = as_user(world, "sophie")

    assert sophie.get(planned_url(world)).status_code == 404
    assert sophie.get(planned_url(world, "other")).status_code == 200
    assert sophie.post(planned_url(world, "other")).status_code == 405

# Disputes on the invoice page

def test_a_dispute_opened_and_resolved_shows_on_the_invoice_page_and_timeline(julien, world):
    f45 = world["f45"]

    response = julien.post(reverse("web:dispute_open", args=[f45.pk]),
                           {"reason": "price", "comment": "Prix unitaire contesté"},
                           follow=True)

    dispute = Dispute.objects.get()
    assert (dispute.invoice, dispute.reason, dispute.status, dispute.owner) == (
        f45, "price", DisputeStatus.OPEN, world["julien"])
    assert response.context["invoice"].disputed
    assert response.context["open_dispute"] == dispute
    assert "Prix unitaire contesté" in response.content.decode()
    assert events("dispute.opened") == ["Prix unitaire contesté"]

    response = julien.post(reverse("web:dispute_resolve", args=[f45.pk, dispute.pk]),
                           {"resolution": "Avoir émis"}, follow=True)

    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolution) == (DisputeStatus.RESOLVED, "Avoir émis")
    assert response.context["open_dispute"] is None
    assert events("dispute.resolved") == ["Avoir émis"]


@pytest.mark.parametrize("posted", [{"reason": "nonsense"}, {"reason": ""}, {}])
def test_a_dispute_without_a_known_reason_is_refused(julien, world, posted):
    before = database_snapshot()

    response = julien.post(reverse("web:dispute_open", args=[world["f45"].pk]), posted)

    assert response.status_code == 200
    assert "reason" in response.context["dispute_form"].errors
    assert nothing_changed_since(before)


def test_a_second_dispute_on_the_same_invoice_is_refused_with_the_service_message(
        julien, world):
    url = reverse("web:dispute_open", args=[world["f45"].pk])
    julien.post(url, {"reason": "price"})
    before = database_snapshot()

    response = julien.post(url, {"reason": "quality"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["dispute_form"].non_field_errors() == [
        "Invoice F-45 is already disputed."]
    assert nothing_changed_since(before)


def test_resolving_needs_a_resolution_and_an_open_dispute(julien, world):
    julien.post(reverse("web:dispute_open", args=[world["f45"].pk]), {"reason": "price"})
    dispute = Dispute.objects.get()
    url = reverse("web:dispute_resolve", args=[world["f45"].pk, dispute.pk])
    before = database_snapshot()

    response = julien.post(url, {"resolution": ""})

    assert response.status_code == 200
    assert "resolution" in response.context["resolve_form"].errors
    assert nothing_changed_since(before)

    julien.post(url, {"resolution": "Avoir émis"})
    before = database_snapshot()
    response = julien.post(url, {"resolution": "Encore"})

    assert response.status_code == 200
    assert response.context["resolve_form"].non_field_errors()
    assert nothing_changed_since(before)


# Who may do what

def customer_posts(world):
    late = world["late"].pk
    return [
        (reverse("web:customer_scenario", args=[late]), {"scenario": ""}),
        (reverse("web:customer_hold", args=[late]), {"reason": "Litige"}),
        (reverse("web:customer_release", args=[late]), {}),
        (reverse("web:promise_record", args=[late]),
         {"invoices": [world["f45"].pk], "promised_for": TODAY().isoformat()}),
        (reverse("web:reminder_send", args=[late]),
         {"step": first_email_step(world).pk, "invoices": [world["f45"].pk]}),
        (reverse("web:invoice_hold", args=[world["f45"].pk]), {"reason": "Litige"}),
        (reverse("web:invoice_release", args=[world["f45"].pk]), {}),
    ]


def promise_of(world):
    promise = Promise.objects.create(customer=world["late"], amount=Decimal(10),
                                     promised_for=TODAY())
    promise.invoices.set([world["f45"]])
    return promise


def test_a_sales_rep_may_not_hold_promise_remind_or_change_the_scenario(world):
    sam = as_user(world, "sam")
    promise = promise_of(world)
    before = database_snapshot()

    for url, posted in customer_posts(world) + [
            (reverse("web:promise_cancel", args=[world["late"].pk, promise.pk]), {})]:
        assert sam.post(url, posted).status_code == 403, url
    assert nothing_changed_since(before)


def test_a_sales_rep_may_open_and_resolve_a_dispute(world):
    sam = as_user(world, "sam")

    page = sam.get(reverse("web:invoice", args=[world["f45"].pk]))
    response = sam.post(reverse("web:dispute_open", args=[world["f45"].pk]),
                        {"reason": "quality"})
    dispute = Dispute.objects.get()
    resolved = sam.post(reverse("web:dispute_resolve", args=[world["f45"].pk, dispute.pk]),
                        {"resolution": "Remplacé"})

    assert 'id="dispute-form"' in page.content.decode()
    assert 'id="hold-form"' not in page.content.decode()
    assert (response.status_code, resolved.status_code) == (302, 302)
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED


def test_a_collector_does_not_even_find_a_customer_they_do_not_own(world):
    sophie = as_user(world, "sophie")
    before = database_snapshot()

    for url, posted in customer_posts(world) + [
            (reverse("web:dispute_open", args=[world["f45"].pk]), {"reason": "price"})]:
        assert sophie.post(url, posted).status_code == 404, url
    assert sophie.get(customer_url(world)).status_code == 404
    assert nothing_changed_since(before)


def test_a_credit_manager_acts_on_every_customer(world):
    claire = as_user(world, "claire")

    assert 'id="promise-form"' in claire.get(customer_url(world, "other")).content.decode()
    for url, posted in customer_posts(world):
        assert claire.post(url, posted).status_code == 302, url
    assert Promise.objects.count() == 1
    assert Action.objects.filter(kind=ActionKind.MANUAL).count() == 1


# Whatever is posted: no server error, no change through GET, CSRF checked

def test_an_unknown_customer_invoice_promise_or_dispute_is_a_404(julien, world):
    other_invoice_dispute = Dispute.objects.create(invoice=world["f100"], reason="price",
                                                   opened_on=TODAY())
    others_promise = Promise.objects.create(customer=world["other"], amount=Decimal(1),
                                            promised_for=TODAY())
    urls = [
        reverse("web:customer_hold", args=[999999]),
        reverse("web:reminder_send", args=[999999]),
        reverse("web:invoice_hold", args=[999999]),
        reverse("web:dispute_open", args=[999999]),
        reverse("web:promise_cancel", args=[world["late"].pk, 999999]),
        reverse("web:promise_cancel", args=[world["late"].pk, others_promise.pk]),
        reverse("web:dispute_resolve", args=[world["f45"].pk, other_invoice_dispute.pk]),
        reverse("web:customer_hold", args=[int("9" * 25)]),
    ]
    for url in urls:
        assert julien.post(url, {"reason": "x", "resolution": "x"}).status_code == 404, url


def test_the_forms_only_take_posts(julien, world):
    for url, _posted in customer_posts(world):
        assert julien.get(url).status_code == 405, url


def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["julien"])
    before = database_snapshot()

    for url, posted in customer_posts(world):
        assert client.post(url, posted).status_code == 403, url
    assert nothing_changed_since(before)


JUNK = ["", " ", "0", "-1", "abc", "9" * 40, "1e400", "NaN", "2031-02-30", "\x00", "é" * 3000,
        "<script>"]


def test_junk_in_any_field_never_gives_a_server_error(julien, world):
    """Each field of each form gets each junk value; a server error would raise here."""
    late, f45 = world["late"].pk, world["f45"].pk
    forms = [
        ("web:customer_scenario", late, {"scenario": ""}),
        ("web:customer_hold", late, {"reason": "Litige", "until": ""}),
        ("web:promise_record", late, {"invoices": [f45], "amount": "", "note": "",
                                      "promised_for": TODAY().isoformat()}),
        ("web:reminder_send", late, {"step": first_email_step(world).pk,
                                     "invoices": [f45], "note": ""}),
        ("web:invoice_hold", f45, {"reason": "Litige", "until": ""}),
        ("web:dispute_open", f45, {"reason": "price", "comment": ""}),
    ]
    for name, pk, posted in forms:
        for field in posted:
            for junk in JUNK:
                response = julien.post(reverse(name, args=[pk]), {**posted, field: junk})
                assert response.status_code in (200, 302), (name, field, junk)
                Customer.objects.filter(pk=late).update(hold_reason="")
                Invoice.objects.filter(pk=f45).update(hold_reason="")
                Dispute.objects.all().delete()


def test_the_dunning_section_speaks_english_and_french(julien, world):
    english = julien.get(customer_url(world), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = julien.get(customer_url(world)).content.decode()

    assert "Planned in the next 30 days" in english
    assert 'lang="fr"' in french and 'id="dunning"' in french
