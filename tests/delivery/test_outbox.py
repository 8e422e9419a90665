"""The outbox and the worker's unit of work, against a real SMTP server on loopback:
what goes out, to whom, with what; what never goes; and what happens when the mail
server says no."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from relance.cases import services as cases
from relance.cases.models import PaymentPlan
from relance.delivery import outbox
from relance.delivery.channels import Postman
from relance.delivery.models import Message, MessageState
from relance.delivery.policy import Hours
from relance.delivery.sending import Config, Courier
from relance.dunning import actions, stops
from relance.dunning.models import Action, ActionStatus
from relance.dunning.run import run_dunning
from relance.ledger.models import Contact, Event
from relance.team.models import User
from tests.dunning.world import D, creditor, customer, invoice, reminded

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)
LATE = MONDAY - dt.timedelta(days=1)            # one day late: the friendly reminder
TEN_AM = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))
CONFIG = Config(Hours.parse("08:00-19:00"), lease_seconds=60, retry_seconds=60,
                max_attempts=3, max_per_minute=0)


@pytest.fixture
def company():
    return creditor(email="relances@ateliers-test.example", city="Lyon")


@pytest.fixture
def collector():
    return User.objects.create_user("claire@ateliers-test.example", "pw",
                                    first_name="Claire", last_name="Martin",
                                    role="collector")


@pytest.fixture
def courier():
    postman = Postman()
    yield Courier(postman, CONFIG)
    postman.close()


def test_the_run_writes_one_message_per_action_and_holds_those_awaiting_approval(company):
    invoice(customer(company, "LATE"), "100.00", LATE)
    older = customer(company, "OLDER")
    invoice(older, "900.00", MONDAY - dt.timedelta(days=35))   # formal notice, approval
    reminded(older, MONDAY - dt.timedelta(days=10))
    run_dunning(company, MONDAY)
    states = {m.action.step.name: m.state for m in Message.objects.select_related("action__step")}
    assert states == {"Friendly reminder": MessageState.PENDING,
                      "Formal notice": MessageState.HELD}
    assert Message.objects.count() == Action.objects.filter(kind="scheduled").count()


def test_a_dry_run_leaves_the_outbox_empty(company):
    invoice(customer(company, "LATE"), "100.00", LATE)
    run_dunning(company, MONDAY, dry_run=True)
    assert not Message.objects.exists()


def test_a_reminder_reaches_the_mail_server_from_the_company_with_reply_to_the_collector(
        company, collector, courier, smtp_server):
    late = customer(company, "LATE", owner=collector, name="Boulangerie Dupain")
    first = invoice(late, "1200.00", LATE, number="F-2026-0042")
    run_dunning(company, MONDAY)
    outcome = courier.handle_one(TEN_AM)
    assert outcome.state == MessageState.SENT, outcome.detail
    [mail] = smtp_server.messages
    message = Message.objects.get()
    assert mail.recipients == ["compta@late.example"]
    assert mail.message["Message-ID"] == message.message_id
    assert "relances@ateliers-test.example" in mail.message["From"]
    assert mail.message["Reply-To"] == "claire@ateliers-test.example"
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert first.number in text and first.number in html
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_filename() == "F-2026-0042-summary.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert text.replace("\r\n", "\n") == message.text      # the evidence is what went out
    assert Action.objects.get().status == ActionStatus.DONE
    event = Event.objects.get(type="message.email")
    assert event.data["message"] == message.pk and event.customer == late
    assert event in list(actions.invoice_timeline(first))
    assert courier.handle_one(TEN_AM) is None     # nothing twice


def test_an_invoice_paid_before_delivery_is_never_reminded(company, courier, smtp_server):
    late = customer(company, "LATE")
    paid = invoice(late, "100.00", LATE)
    run_dunning(company, MONDAY)
    paid.open_amount, paid.status = Decimal("0.00"), "paid"
    paid.save()
    outcome = courier.handle_one(TEN_AM)
    assert outcome.state == MessageState.SKIPPED
    assert smtp_server.messages == []
    assert Action.objects.get().status == ActionStatus.CANCELLED
    assert Event.objects.filter(type="message.skipped", customer=late).exists()


def _promise(late, held):
    cases.record_promise(late, [held], held.open_amount, MONDAY + dt.timedelta(days=10),
                         MONDAY)


def _customer_hold(late, held):
    cases.put_on_hold(late, "checking the account", None, MONDAY)


def _payment_plan(late, held):
    PaymentPlan.objects.create(customer=late, instalments=3, starts_on=MONDAY,
                               status="active").invoices.set([held])


def _declared(late, held):
    cases.declare_payment(late, [held], held.open_amount, MONDAY, MONDAY)


@pytest.mark.parametrize("record, reason", [
    (_promise, stops.PROMISED), (_customer_hold, stops.CUSTOMER_ON_HOLD),
    (_payment_plan, stops.PAYMENT_PLAN), (_declared, stops.DECLARED_PAID),
])
def test_anything_recorded_after_the_run_stops_the_queued_reminder_with_its_reason(
        company, courier, smtp_server, record, reason):
    late = customer(company, "LATE")
    held = invoice(late, "100.00", LATE, number="F-2026-0007")
    run_dunning(company, MONDAY)
    record(late, held)
    outcome = courier.handle_one(TEN_AM)
    assert outcome.state == MessageState.SKIPPED
    assert smtp_server.messages == []
    assert Action.objects.get().status == ActionStatus.CANCELLED
    skipped = Event.objects.get(type="message.skipped", customer=late)
    assert f"F-2026-0007: {stops.LABELS[reason]}" in skipped.message


def test_a_stop_recorded_after_the_run_cancels_the_queued_reminder_at_once(
        company, courier, smtp_server, django_capture_on_commit_callbacks):
    """No need to wait for a worker: the outbox shows at once that it will not go.
    (A hold without end: the check runs on the real today, not on the world's.)"""
    late = customer(company, "LATE")
    held = invoice(late, "100.00", LATE, number="F-2026-0008")
    run_dunning(company, MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        _customer_hold(late, held)
    message = Message.objects.get()
    assert message.state == MessageState.SKIPPED
    assert Action.objects.get().status == ActionStatus.CANCELLED
    skipped = Event.objects.get(type="message.skipped", customer=late)
    assert f"F-2026-0008: {stops.LABELS[stops.CUSTOMER_ON_HOLD]}" in skipped.message
    assert courier.handle_one(TEN_AM) is None
    assert smtp_server.messages == []


def test_a_payments_import_after_the_run_cancels_the_reminders_it_settles_at_once(
        company, courier, smtp_server, tmp_path, django_capture_on_commit_callbacks):
    late = customer(company, "LATE")
    invoice(late, "100.00", LATE, number="F-2026-0009")
    run_dunning(company, MONDAY)
    (tmp_path / "payments.csv").write_text(
        "payment_ref,customer_ref,invoice_number,date,amount\n"
        "VIR-0009,LATE,F-2026-0009,2026-06-15,100.00\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import", "ledger", str(tmp_path), "--company", str(company.pk),
                     stdout=io.StringIO())
    assert Message.objects.get().state == MessageState.SKIPPED
    assert Action.objects.get().status == ActionStatus.CANCELLED
    assert courier.handle_one(TEN_AM) is None and smtp_server.messages == []


def test_a_reminder_that_still_claims_something_waits_for_the_worker(
        company, courier, smtp_server, django_capture_on_commit_callbacks):
    late = customer(company, "LATE")
    held = invoice(late, "100.00", LATE)
    still_owed = invoice(late, "250.00", LATE)
    run_dunning(company, MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        cases.put_on_hold(held, "checking the delivery", None, MONDAY)
    assert Message.objects.get().state == MessageState.PENDING
    assert courier.handle_one(TEN_AM).state == MessageState.SENT
    assert Message.objects.get().invoices == [still_owed.pk]


def test_an_invoice_left_open_at_exactly_the_tolerance_is_planned_and_sent(
        company, courier, smtp_server):
    """The run and the worker draw the line at the same place: below the tolerance is
    paid, the tolerance itself is still owed."""
    late = customer(company, "LATE")
    invoice(late, str(company.dunning_tolerance - Decimal("0.01")), LATE)
    owed = invoice(late, str(company.dunning_tolerance), LATE)
    run_dunning(company, MONDAY)
    assert courier.handle_one(TEN_AM).state == MessageState.SENT
    assert Message.objects.get().invoices == [owed.pk]


def test_a_disputed_invoice_drops_out_and_the_others_still_go(company, courier, smtp_server):
    late = customer(company, "LATE")
    kept = invoice(late, "100.00", LATE)
    disputed = invoice(late, "250.00", LATE)
    run_dunning(company, MONDAY)
    cases.open_dispute(disputed, "price", "wrong unit price", MONDAY)
    courier.handle_one(TEN_AM)
    [mail] = smtp_server.messages
    text = mail.message.get_body(("plain",)).get_content()
    assert kept.number in text and disputed.number not in text
    assert Message.objects.get().invoices == [kept.pk]


def test_a_message_awaiting_approval_goes_only_once_approved(company, courier, smtp_server):
    late = customer(company, "LATE")
    invoice(late, "900.00", MONDAY - dt.timedelta(days=35))
    reminded(late, MONDAY - dt.timedelta(days=10))
    run_dunning(company, MONDAY)
    assert courier.handle_one(TEN_AM) is None
    manager = User.objects.create_user("cm@ateliers-test.example", "pw", role="credit_manager")
    actions.approve(Action.objects.get(kind="scheduled"), manager)
    assert courier.handle_one(TEN_AM).state == MessageState.SENT


def test_a_cancelled_action_never_goes(company, courier, smtp_server):
    invoice(customer(company, "LATE"), "100.00", LATE)
    run_dunning(company, MONDAY)
    actions.cancel(Action.objects.get(), None, "phoned them instead")
    assert courier.handle_one(TEN_AM) is None
    assert Message.objects.get().state == MessageState.SKIPPED
    assert smtp_server.messages == []


def test_a_bounce_marks_the_address_and_the_reminder_goes_to_the_next_contact(
        company, courier, smtp_server):
    late = customer(company, "LATE")
    invoice(late, "100.00", LATE)
    run_dunning(company, MONDAY)
    smtp_server.mailbox.unknown.add("compta@late.example")
    outcome = courier.handle_one(TEN_AM)
    assert outcome.state == MessageState.DEAD and "550" in outcome.detail
    assert Contact.objects.get(email="compta@late.example").email_bounced
    assert Event.objects.filter(type="contact.email_bounced", customer=late).exists()
    assert courier.handle_one(TEN_AM).state == MessageState.SENT
    [mail] = smtp_server.messages
    assert mail.recipients == ["achats@late.example"]
    assert Action.objects.get().contact.email == "achats@late.example"


def test_when_every_address_bounces_the_reminder_becomes_a_letter(company, courier,
                                                                   smtp_server):
    late = customer(company, "LATE")
    invoice(late, "100.00", LATE)
    run_dunning(company, MONDAY)
    smtp_server.mailbox.unknown.update({"compta@late.example", "achats@late.example"})
    courier.handle_one(TEN_AM)
    courier.handle_one(TEN_AM)
    outcome = courier.handle_one(TEN_AM)
    assert outcome.state == MessageState.SENT
    letter = Message.objects.get(pk=outcome.message_id)
    assert letter.channel == "letter"
    assert letter.attachments.get().file.read().startswith(b"%PDF")
    assert smtp_server.messages == []


def test_a_refused_delivery_is_retried_with_backoff_then_ends_failed(company, courier,
                                                                     smtp_server):
    late = customer(company, "LATE")
    invoice(late, "100.00", LATE)
    run_dunning(company, MONDAY)
    smtp_server.mailbox.fail_data = lambda n: True
    first = courier.handle_one(TEN_AM)
    message = Message.objects.get()
    assert first.state == MessageState.PENDING and "451" in message.last_error
    assert message.available_at == TEN_AM + dt.timedelta(seconds=60)
    assert courier.handle_one(TEN_AM) is None            # not before its time
    second = TEN_AM + dt.timedelta(seconds=61)
    courier.handle_one(second)
    assert Message.objects.get().available_at == second + dt.timedelta(seconds=120)
    assert courier.handle_one(second + dt.timedelta(seconds=121)).state == MessageState.DEAD
    assert Event.objects.filter(type="message.failed", customer=late).exists()
    assert Action.objects.get().status == ActionStatus.PLANNED


def test_the_same_message_id_goes_out_again_after_a_failure(company, courier, smtp_server):
    invoice(customer(company, "LATE"), "100.00", LATE)
    run_dunning(company, MONDAY)
    smtp_server.mailbox.fail_data = lambda n: n == 1
    courier.handle_one(TEN_AM)
    composed = Message.objects.get().message_id
    courier.handle_one(TEN_AM + dt.timedelta(minutes=5))
    [mail] = smtp_server.messages
    assert mail.message["Message-ID"] == composed


def test_emails_wait_for_business_hours_while_letters_go(company, courier, smtp_server):
    invoice(customer(company, "EMAIL"), "100.00", LATE)
    invoice(customer(company, "PAPER", emails=False), "100.00", LATE)
    run_dunning(company, MONDAY)
    evening = timezone.make_aware(dt.datetime(2026, 6, 15, 21, 30))
    outcome = courier.handle_one(evening)
    assert Message.objects.get(pk=outcome.message_id).channel == "letter"
    assert courier.handle_one(evening) is None
    night_owl = Courier(courier.postman, CONFIG, ignore_hours=True)
    assert night_owl.handle_one(evening).state == MessageState.SENT


def test_the_rate_limit_holds_emails_for_the_rest_of_the_minute(company, smtp_server):
    for reference in ("A", "B", "C"):
        invoice(customer(company, reference), "100.00", LATE)
    run_dunning(company, MONDAY)
    limited = Courier(Postman(), Config(CONFIG.hours, 60, 60, 3, max_per_minute=2))
    assert limited.handle_one(TEN_AM) and limited.handle_one(TEN_AM)
    assert limited.handle_one(TEN_AM + dt.timedelta(seconds=30)) is None
    assert limited.handle_one(TEN_AM + dt.timedelta(seconds=61)).state == MessageState.SENT
    limited.postman.close()


def test_a_claim_belongs_to_one_worker_until_its_lease_expires(company):
    invoice(customer(company, "LATE"), "100.00", LATE)
    run_dunning(company, MONDAY)
    first = outbox.claim(TEN_AM, 60)
    assert first is not None and outbox.claim(TEN_AM, 60) is None
    later = TEN_AM + dt.timedelta(seconds=61)
    second = outbox.claim(later, 60)
    assert second.message_id == first.message_id
    assert not outbox.settle(first, state=MessageState.SENT)   # the first lost its lease
    assert outbox.settle(second, state=MessageState.SENT)
    assert Message.objects.get().attempts == 2


def test_a_manual_reminder_is_queued_with_its_action(company, courier, smtp_server):
    late = customer(company, "LATE")
    inv = invoice(late, "100.00", LATE)
    run_dunning(company, MONDAY)
    Message.objects.all().delete()
    step = Action.objects.get().step
    manual = actions.send_manual(late, step, [inv], None, as_of=MONDAY)
    assert Message.objects.get().action == manual
    assert courier.handle_one(TEN_AM).state == MessageState.SENT


def test_the_action_page_shows_how_its_reminder_was_delivered(company, courier, smtp_server,
                                                               client):
    invoice(customer(company, "LATE"), "100.00", LATE)
    run_dunning(company, MONDAY)
    courier.handle_one(TEN_AM)
    manager = User.objects.create_user("cm@ateliers-test.example", "pw", role="credit_manager")
    client.force_login(manager)
    action, message = Action.objects.get(), Message.objects.get()
    page = client.get(reverse("dunning:action", args=[action.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "compta@late.example" in page and "Sent" in page
    assert reverse("outbox:message", args=[message.pk]) in page
    assert "Email sent" in page       # the delivery is in the action's history
