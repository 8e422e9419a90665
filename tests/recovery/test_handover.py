"""Handing invoices over to a collection agency: reminders stop on them and only on
them, the worker drops them from a reminder still waiting, the timeline says so, and
what the agency reports is recorded.

The world: Ateliers Test SAS. Garage Lenoir (Paul collects) owes F-AGENCY and F-OURS,
both one day late on Monday 15 June 2026; Boulangerie Roux (Léa collects) owes F-ROUX,
one day late too. Claire manages credit; Sam sells to Lenoir.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.cases import handovers
from relance.cases.models import AgencyReport, Handover, HandoverStatus
from relance.cases.services import CaseRefused
from relance.delivery.channels import Postman
from relance.delivery.models import Message, MessageState
from relance.delivery.policy import Hours
from relance.delivery.sending import Config, Courier
from relance.dunning.models import ActionInvoice
from relance.dunning.run import run_dunning
from relance.ledger.models import Event
from relance.recovery.limitation import of_invoice
from tests.dunning.world import D, creditor, customer, invoice, team

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)
LATE = MONDAY - dt.timedelta(days=1)
TEN_AM = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))
CONFIG = Config(Hours.parse("08:00-19:00"), lease_seconds=60, retry_seconds=60,
                max_attempts=1, max_per_minute=0)


@pytest.fixture
def world():
    company = creditor(email="relances@ateliers-test.example")
    people = team()
    lenoir = customer(company, "LENOIR", name="Garage Lenoir", owner=people["paul"],
                      sales_rep=people["sam"])
    roux = customer(company, "ROUX", name="Boulangerie Roux", owner=people["lea"])
    return {"company": company, "lenoir": lenoir, "roux": roux, **people,
            "agency": invoice(lenoir, "1500.00", LATE, number="F-AGENCY"),
            "ours": invoice(lenoir, "700.00", LATE, number="F-OURS"),
            "f_roux": invoice(roux, "400.00", LATE, number="F-ROUX")}


def hand_over(world, *invoices, on=MONDAY):
    return handovers.hand_over(world["lenoir"], invoices or [world["agency"]], "Recouvra SA",
                               on, MONDAY, agency_reference="RC-2026-118",
                               user=world["claire"])


def invoices_reminded(customer):
    return sorted(ActionInvoice.objects.filter(action__customer=customer)
                  .values_list("invoice__number", flat=True))


def deliver_all():
    postman = Postman()
    courier = Courier(postman, CONFIG, ignore_hours=True)
    while courier.handle_one(TEN_AM):
        pass
    postman.close()


# The daily run and the worker -----------------------------------------------------------

def test_the_daily_run_leaves_handed_over_invoices_alone_and_only_them(world):
    hand_over(world)
    result = run_dunning(world["company"], MONDAY)
    assert result.stopped["handed_over"] == 1
    assert invoices_reminded(world["lenoir"]) == ["F-OURS"]
    assert invoices_reminded(world["roux"]) == ["F-ROUX"]


def test_a_returned_file_goes_back_to_our_reminders(world):
    handover = hand_over(world, on=MONDAY - dt.timedelta(days=1))
    handovers.end_handover(handover, HandoverStatus.RETURNED, MONDAY, MONDAY)
    run_dunning(world["company"], MONDAY)
    assert invoices_reminded(world["lenoir"]) == ["F-AGENCY", "F-OURS"]


def test_a_closed_file_keeps_our_reminders_stopped(world):
    handover = hand_over(world)
    handovers.end_handover(handover, HandoverStatus.CLOSED, MONDAY, MONDAY)
    assert run_dunning(world["company"], MONDAY).stopped["handed_over"] == 1


def test_the_worker_drops_an_invoice_handed_over_after_planning(world, smtp_server):
    run_dunning(world["company"], MONDAY)
    assert invoices_reminded(world["lenoir"]) == ["F-AGENCY", "F-OURS"]
    hand_over(world)
    deliver_all()
    sent = Message.objects.get(action__customer=world["lenoir"])
    assert sent.state == MessageState.SENT
    assert sent.invoices == [world["ours"].pk]
    [mail] = [m for m in smtp_server.messages if m.recipients == ["compta@lenoir.example"]]
    body = mail.message.get_body(("plain",)).get_content()
    assert "F-OURS" in body and "F-AGENCY" not in body


def test_the_worker_skips_a_reminder_whose_invoices_are_all_with_the_agency(world,
                                                                          smtp_server):
    run_dunning(world["company"], MONDAY)
    hand_over(world, world["agency"], world["ours"])
    deliver_all()
    assert Message.objects.get(action__customer=world["lenoir"]).state == MessageState.SKIPPED
    assert Message.objects.get(action__customer=world["roux"]).state == MessageState.SENT
    assert [m.recipients for m in smtp_server.messages] == [["compta@roux.example"]]


# The services and the timeline ----------------------------------------------------------

def test_handing_over_reporting_and_ending_each_leave_a_timeline_row(world):
    handover = hand_over(world)
    handovers.record_report(handover, MONDAY, "partial_payment", MONDAY,
                            amount=Decimal("500.00"), note="Premier versement",
                            user=world["claire"])
    handovers.record_report(handover, MONDAY, "returned", MONDAY, user=world["claire"])
    handover.refresh_from_db()
    assert (handover.status, handover.ended_on) == (HandoverStatus.RETURNED, MONDAY)
    events = list(Event.objects.filter(customer=world["lenoir"]).order_by("id"))
    assert [e.type for e in events] == ["handover.started", "handover.report",
                                        "handover.report", "handover.ended"]
    assert events[0].data["invoices"] == ["F-AGENCY"]
    assert events[0].data["agency"] == "Recouvra SA"
    assert events[1].data["amount"] == "500.00"
    assert events[0].message == "Recouvra SA: F-AGENCY"
    assert events[1].message == "Recouvra SA: Partial payment 500.00 – Premier versement"
    assert events[3].message == "Recouvra SA: Returned by the agency"
    assert [r.kind for r in AgencyReport.objects.all()] == ["partial_payment", "returned"]


@pytest.mark.parametrize("change, message", [
    (lambda w: {"invoices": []}, "Choose the invoices"),
    (lambda w: {"invoices": [w["f_roux"]]}, "must be this customer's"),
    (lambda w: {"agency_name": "  "}, "Name the agency"),
    (lambda w: {"handed_on": MONDAY + dt.timedelta(days=1)}, "cannot be in the future"),
])
def test_a_hand_over_that_makes_no_sense_is_refused_and_nothing_is_written(world, change,
                                                                            message):
    arguments = {"invoices": [world["agency"]], "agency_name": "Recouvra SA",
                 "handed_on": MONDAY, **change(world)}
    with pytest.raises(CaseRefused, match=message):
        handovers.hand_over(world["lenoir"], arguments["invoices"], arguments["agency_name"],
                            arguments["handed_on"], MONDAY)
    assert not Handover.objects.exists() and not Event.objects.exists()


def test_an_invoice_cannot_be_with_two_agencies_at_once(world):
    hand_over(world)
    with pytest.raises(CaseRefused, match="Already handed over to an agency: F-AGENCY"):
        hand_over(world, world["agency"], world["ours"])


def test_a_payment_report_needs_an_amount_and_an_ended_hand_over_takes_no_report(world):
    handover = hand_over(world)
    with pytest.raises(CaseRefused, match="positive amount"):
        handovers.record_report(handover, MONDAY, "paid_in_full", MONDAY)
    handovers.end_handover(handover, HandoverStatus.CLOSED, MONDAY, MONDAY)
    with pytest.raises(CaseRefused, match="already ended"):
        handovers.record_report(handover, MONDAY, "contacted", MONDAY)


# Limitation: an acknowledgement of the debt interrupts it -------------------------------

def test_a_promise_to_pay_interrupts_the_limitation_on_the_day_it_was_recorded(world):
    from relance.cases import services
    old = invoice(world["lenoir"], "300.00", D(2021, 3, 15), number="OLD-1")
    assert of_invoice(old).date == D(2026, 3, 15)
    promise = services.record_promise(world["lenoir"], [old], Decimal("300.00"),
                                      D(2024, 7, 1), D(2024, 6, 1))
    type(promise).objects.filter(pk=promise.pk).update(
        created_at=timezone.make_aware(dt.datetime(2024, 6, 1, 11, 0)))
    found = of_invoice(old)
    assert (found.last_acknowledgment, found.date) == (D(2024, 6, 1), D(2029, 6, 1))
    services.cancel_promise(promise)
    assert of_invoice(old).date == D(2026, 3, 15)   # a cancelled promise acknowledges nothing


def test_an_accepted_payment_plan_interrupts_it_a_proposed_one_does_not(world):
    from relance.cases.models import PaymentPlan
    old = invoice(world["lenoir"], "300.00", D(2021, 3, 15), number="OLD-1")
    plan = PaymentPlan.objects.create(customer=world["lenoir"], status="proposed",
                                      instalments=3, starts_on=D(2025, 1, 5))
    plan.invoices.set([old])
    PaymentPlan.objects.filter(pk=plan.pk).update(
        created_at=timezone.make_aware(dt.datetime(2025, 1, 2, 9, 0)))
    assert of_invoice(old).date == D(2026, 3, 15)
    PaymentPlan.objects.filter(pk=plan.pk).update(status="active")
    assert of_invoice(old).date == D(2030, 1, 2)


# Who may do what ------------------------------------------------------------------------

def post(client, user, name, *args, **data):
    client.force_login(user)
    return client.post(reverse(name, args=args), data, HTTP_ACCEPT_LANGUAGE="en")


def get(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query, HTTP_ACCEPT_LANGUAGE="en")


def handover_data(world, **fields):
    return {"invoices": [world["agency"].pk], "agency_name": "Recouvra SA",
            "agency_reference": "RC-1", "handed_on": "2026-06-15",
            **fields}


def test_a_credit_manager_hands_over_from_the_form(client, world):
    today = timezone.localdate().isoformat()
    response = post(client, world["claire"], "legal:hand_over", world["lenoir"].pk,
                    **handover_data(world, handed_on=today))
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=legal#tabs")
    handover = Handover.objects.get()
    assert list(handover.invoices.all()) == [world["agency"]]
    assert handover.created_by == world["claire"]


def test_a_bad_form_shows_the_error_and_changes_nothing(client, world):
    response = post(client, world["claire"], "legal:hand_over", world["lenoir"].pk,
                    **handover_data(world, handed_on="2999-01-01", invoices=["x"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose today or an earlier date." in page
    assert not Handover.objects.exists()


@pytest.mark.parametrize("who, status", [("paul", 403), ("lea", 404), ("sam", 403)])
def test_only_managers_hand_over(client, world, who, status):
    response = post(client, world[who], "legal:hand_over", world["lenoir"].pk,
                    **handover_data(world))
    assert response.status_code == status
    assert not Handover.objects.exists()


@pytest.mark.parametrize("who, status", [("paul", 403), ("lea", 404), ("sam", 403)])
def test_only_managers_report_and_end(client, world, who, status):
    handover = hand_over(world)
    for name, data in (("legal:handover_report", {f"r{handover.pk}-kind": "contacted",
                                                  f"r{handover.pk}-reported_on": "2026-06-15"}),
                       ("legal:handover_end", {f"e{handover.pk}-status": "returned",
                                               f"e{handover.pk}-ended_on": "2026-06-15"})):
        assert post(client, world[who], name, world["lenoir"].pk, handover.pk,
                    **data).status_code == status
    handover.refresh_from_db()
    assert handover.is_active and not handover.reports.exists()


@pytest.mark.parametrize("who, status", [("claire", 200), ("paul", 200), ("lea", 404),
                                         ("sam", 403)])
def test_who_may_see_the_legal_path_and_download_the_dossier(client, world, who, status):
    assert get(client, world[who], "legal:path", world["lenoir"].pk,
               as_of="2026-06-15").status_code == status
    response = get(client, world[who], "legal:dossier", world["lenoir"].pk,
                   as_of="2026-06-15", purpose="agency")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/zip"
        assert b"".join(response.streaming_content)[:2] == b"PK"


def test_a_collector_sees_the_path_but_not_the_hand_over_form(client, world):
    page = get(client, world["paul"], "legal:path", world["lenoir"].pk,
               as_of="2026-06-15").content.decode()
    assert 'data-procedure="small_claims"' in page
    assert 'id="handover-form"' not in page
    manager_page = get(client, world["claire"], "legal:path", world["lenoir"].pk,
                       as_of="2026-06-15").content.decode()
    assert 'id="handover-form"' in manager_page


def test_a_bad_date_is_a_form_error_not_a_crash(client, world):
    for name in ("legal:path", "legal:dossier"):
        response = get(client, world["claire"], name, world["lenoir"].pk, as_of="15/06/2026")
        assert response.status_code == 400
        assert not response.has_header("Content-Disposition")


def test_the_statement_page_links_the_legal_path_for_those_who_may_see_it(client, world):
    path = reverse("legal:path", args=[world["lenoir"].pk])
    assert path in get(client, world["claire"], "legal:statement",
                       world["lenoir"].pk).content.decode()
    assert path not in get(client, world["sam"], "legal:statement",
                           world["lenoir"].pk).content.decode()


def test_the_customer_page_has_the_legal_tab_with_the_form_for_managers_only(client,
                                                                             world):
    hand_over(world)
    path = reverse("legal:path", args=[world["lenoir"].pk])
    first = get(client, world["claire"], "web:customer", world["lenoir"].pk).content.decode()
    assert 'data-tab="legal"' in first and 'id="legal"' not in first
    manager = get(client, world["claire"], "web:customer", world["lenoir"].pk, tab="legal")
    page = manager.content.decode()
    assert 'id="legal"' in page and path in page and 'id="handover-form"' in page
    assert "Recouvra SA" in page and 'class="case-form report-form"' in page
    assert reverse("legal:dossier", args=[world["lenoir"].pk]) + "?purpose=agency" in page
    collector = get(client, world["paul"], "web:customer", world["lenoir"].pk,
                    tab="legal").content.decode()
    assert path in collector and "Recouvra SA" in collector
    assert 'id="handover-form"' not in collector and "report-form" not in collector
    sales = get(client, world["sam"], "web:customer", world["lenoir"].pk, tab="legal")
    assert sales.status_code == 200 and 'id="legal"' not in sales.content.decode()
    assert 'data-tab="legal"' not in sales.content.decode()
    assert sales.context["tab"] == "invoices"
