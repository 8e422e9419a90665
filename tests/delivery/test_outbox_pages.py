"""The outbox pages through the Django test client: what failed and why, trying again,
cancelling, who may see which message, and the evidence of what went out.

The world: Ateliers Test SAS sends its reminders through a real SMTP server on
loopback. Claire is a credit manager; Paul and Léa are collectors; Sam sells. Paul
follows Boulangerie Roux, one day late (a friendly reminder by email); Léa follows
Garage Lenoir, one day late too. Messages are made the real way: the daily run plans
them, the worker's `handle_one` delivers them.
"""
import datetime as dt
import email
import email.utils
import hashlib
from email import policy

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.delivery.channels import Postman
from relance.delivery.models import Message, MessageState
from relance.delivery.policy import Hours
from relance.delivery.sending import Config, Courier
from relance.dunning.models import Action, ActionStatus
from relance.dunning.run import run_dunning
from relance.ledger.models import Event
from tests.dunning.world import D, creditor, customer, invoice, team
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)
LATE = MONDAY - dt.timedelta(days=1)
TEN_AM = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))
# One attempt: a refused delivery fails for good at once.
ONE_TRY = Config(Hours.parse("08:00-19:00"), lease_seconds=60, retry_seconds=60,
                 max_attempts=1, max_per_minute=0)


@pytest.fixture
def world():
    company = creditor(email="relances@ateliers-test.example", city="Lyon")
    people = team()
    roux = customer(company, "ROUX", name="Boulangerie Roux", owner=people["paul"],
                    sales_rep=people["sam"])
    lenoir = customer(company, "LENOIR", name="Garage Lenoir", owner=people["lea"])
    invoice(roux, "1200.00", LATE, number="F-ROUX-1")
    invoice(lenoir, "800.00", LATE, number="F-LENOIR-1")
    run_dunning(company, MONDAY)
    return {"company": company, **people, "roux": roux, "lenoir": lenoir}


@pytest.fixture
def courier():
    postman = Postman()
    yield Courier(postman, ONE_TRY, ignore_hours=True)
    postman.close()


def as_user(client, user):
    client.force_login(user)
    return client


def get(client, name, *args, **params):
    return client.get(reverse(name, args=args), params, HTTP_ACCEPT_LANGUAGE="en")


def post(client, name, *args, **data):
    return client.post(reverse(name, args=args), data, HTTP_ACCEPT_LANGUAGE="en",
                       follow=True)


def message_of(customer):
    return Message.objects.get(action__customer=customer)


def deliver_all(courier, now=TEN_AM):
    while courier.handle_one(now):
        pass


def flashed(response):
    return [str(m) for m in response.context["messages"]]


def test_a_failed_message_shows_its_error_and_retry_makes_it_deliverable_again(
        client, world, courier, smtp_server):
    smtp_server.mailbox.fail_data = lambda n: True
    deliver_all(courier)
    failed = message_of(world["roux"])
    assert failed.state == MessageState.DEAD
    page = get(as_user(client, world["claire"]), "outbox:list")
    assert page.status_code == 200
    assert [m.pk for m in page.context["pages"]["failed"]] == sorted(
        Message.objects.filter(state=MessageState.DEAD).values_list("pk", flat=True),
        reverse=True)
    text = page.content.decode()
    assert "451" in text and "Boulangerie Roux" in text and "Friendly reminder" in text
    assert ("dead", "Failed", 2) in page.context["counts"]

    response = post(client, "outbox:retry", failed.pk)
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.state == MessageState.PENDING and failed.attempts == 0
    assert "451" in failed.last_error            # kept until the next outcome
    event = Event.objects.get(type="message.retried")
    assert event.actor == world["claire"] and event.customer == world["roux"]
    assert event.data["message"] == failed.pk

    smtp_server.mailbox.fail_data = None
    outcome = courier.handle_one(timezone.now())
    assert outcome.message_id == failed.pk and outcome.state == MessageState.SENT
    [mail] = smtp_server.messages
    assert mail.recipients == ["compta@roux.example"]


def test_retrying_twice_says_the_message_changed_and_does_nothing_more(
        client, world, courier, smtp_server):
    smtp_server.mailbox.fail_data = lambda n: True
    deliver_all(courier)
    failed = message_of(world["roux"])
    as_user(client, world["claire"])
    post(client, "outbox:retry", failed.pk)
    again = post(client, "outbox:retry", failed.pk)
    assert again.status_code == 200
    assert any("changed meanwhile" in m for m in flashed(again))
    assert Event.objects.filter(type="message.retried").count() == 1


def test_a_bounced_email_sent_another_way_cannot_be_retried(client, world, courier,
                                                             smtp_server):
    smtp_server.mailbox.unknown.add("compta@roux.example")
    deliver_all(courier)
    bounced = Message.objects.get(state=MessageState.DEAD)
    response = post(as_user(client, world["claire"]), "outbox:retry", bounced.pk)
    assert any("sent another way" in m for m in flashed(response))
    bounced.refresh_from_db()
    assert bounced.state == MessageState.DEAD


def test_cancelling_a_waiting_message_cancels_its_action_and_it_never_goes(
        client, world, courier, smtp_server):
    waiting = message_of(world["roux"])
    response = post(as_user(client, world["paul"]), "outbox:cancel", waiting.pk,
                    reason="they called, paying tomorrow")
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.state == MessageState.SKIPPED
    assert waiting.last_error == "they called, paying tomorrow"
    assert waiting.action.status == ActionStatus.CANCELLED
    assert Event.objects.filter(type="action.cancelled", actor=world["paul"]).exists()
    again = post(client, "outbox:cancel", waiting.pk)
    assert any("changed meanwhile" in m for m in flashed(again))
    deliver_all(courier)
    assert [m.recipients for m in smtp_server.messages] == [["compta@lenoir.example"]]


def test_a_collector_sees_only_the_messages_of_their_customers(client, world):
    as_user(client, world["paul"])
    page = get(client, "outbox:list")
    listed = [m.action.customer for m in page.context["pages"]["waiting"]]
    assert listed == [world["roux"]]
    other = message_of(world["lenoir"])
    assert get(client, "outbox:message", other.pk).status_code == 404
    assert client.post(reverse("outbox:retry", args=[other.pk])).status_code == 404
    assert client.post(reverse("outbox:cancel", args=[other.pk])).status_code == 404
    assert get(client, "outbox:history", world["lenoir"].pk).status_code == 404
    other.refresh_from_db()
    assert other.state == MessageState.PENDING


def test_a_sales_rep_is_not_allowed_in_the_outbox(client, world):
    as_user(client, world["sam"])
    assert get(client, "outbox:list").status_code == 403
    assert get(client, "outbox:letters").status_code == 403
    assert get(client, "outbox:message", message_of(world["roux"]).pk).status_code == 403
    assert client.post(reverse("outbox:retry", args=[message_of(world["roux"]).pk])
                       ).status_code == 403


def test_the_evidence_page_shows_what_went_out_and_its_attachments(client, world, courier,
                                                                   smtp_server):
    deliver_all(courier)
    sent = message_of(world["roux"])
    page = get(as_user(client, world["paul"]), "outbox:message", sent.pk)
    text = page.content.decode()
    assert page.status_code == 200
    for shown in (sent.message_id, "compta@roux.example", "relances@ateliers-test.example",
                  "F-ROUX-1-summary.pdf"):
        assert shown.replace("<", "&lt;").replace(">", "&gt;") in text
    assert 'sandbox=""' in text and "srcdoc=" in text
    # the email's own inline styles may show in its sandboxed frame, and only styles
    assert "style-src 'self' 'unsafe-inline'; img-src" in page["Content-Security-Policy"]
    assert "script-src 'self';" in page["Content-Security-Policy"]
    [attachment] = sent.attachments.all()
    assert attachment.sha256 in text
    download = get(client, "outbox:attachment", sent.pk, attachment.pk)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == attachment.sha256
    assert get(client, "outbox:attachment", message_of(world["lenoir"]).pk,
               attachment.pk).status_code == 404


def test_the_eml_download_is_the_email_as_sent(client, world, courier, smtp_server):
    deliver_all(courier)
    sent = message_of(world["roux"])
    download = get(as_user(client, world["claire"]), "outbox:eml", sent.pk)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    raw = b"".join(download.streaming_content)
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Message-ID"] == sent.message_id
    [mail] = [m for m in smtp_server.messages if m.recipients == ["compta@roux.example"]]
    for header in ("Subject", "From", "To", "Reply-To", "X-Relance-Action"):
        assert parsed[header] == mail.message[header]
    assert email.utils.parsedate_to_datetime(parsed["Date"]) == sent.sent_at
    assert parsed.get_body(("plain",)).get_content() == mail.message.get_body(
        ("plain",)).get_content()


def test_the_history_pdf_holds_the_sent_emails_subject(client, world, courier, smtp_server):
    deliver_all(courier)
    sent = message_of(world["roux"])
    download = get(as_user(client, world["paul"]), "outbox:history", world["roux"].pk)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)
    text = pdf_text(pdf)
    assert sent.subject in text
    assert "Messages sent" in text
    # the sales rep of the customer may read its file too, not another's
    as_user(client, world["sam"])
    assert get(client, "outbox:history", world["roux"].pk).status_code == 200
    assert get(client, "outbox:history", world["lenoir"].pk).status_code == 404


def test_the_customer_page_links_the_history_and_the_timeline_links_the_evidence(
        client, world, courier, smtp_server):
    deliver_all(courier)
    sent = message_of(world["roux"])
    page = get(as_user(client, world["claire"]), "web:customer", world["roux"].pk)
    text = page.content.decode()
    assert reverse("outbox:history", args=[world["roux"].pk]) in text
    timeline = client.get(reverse("web:customer", args=[world["roux"].pk]), {"tab": "timeline"})
    assert reverse("outbox:message", args=[sent.pk]) in timeline.content.decode()


def test_posting_to_a_button_with_get_is_refused_without_error(client, world):
    as_user(client, world["claire"])
    assert get(client, "outbox:retry", message_of(world["roux"]).pk).status_code == 405
    assert get(client, "outbox:message", 999999).status_code == 404


def test_an_action_awaiting_approval_waits_held_and_can_be_cancelled(client, world):
    held = message_of(world["lenoir"])
    Message.objects.filter(pk=held.pk).update(state=MessageState.HELD)
    Action.objects.filter(pk=held.action_id).update(status=ActionStatus.AWAITING_APPROVAL)
    post(as_user(client, world["lea"]), "outbox:cancel", held.pk)
    held.refresh_from_db()
    assert held.state == MessageState.SKIPPED
    assert held.action.status == ActionStatus.CANCELLED


def test_managers_see_the_failed_count_in_the_navigation(client, world, courier,
                                                         smtp_server):
    smtp_server.mailbox.fail_data = lambda n: True
    deliver_all(courier)
    page = get(as_user(client, world["claire"]), "outbox:list")
    assert 'title="Failed messages">2</span>' in page.content.decode()
    collector = get(as_user(client, world["paul"]), "outbox:list")
    assert "Failed messages" not in collector.content.decode()
    assert reverse("outbox:list") in collector.content.decode()


def test_cancelling_a_bounced_email_leaves_the_reminder_that_took_over(client, world,
                                                                      courier, smtp_server):
    as_user(client, world["claire"])
    post(client, "outbox:cancel", message_of(world["lenoir"]).pk)
    smtp_server.mailbox.unknown.add("compta@roux.example")
    courier.handle_one(TEN_AM)
    bounced = Message.objects.get(state=MessageState.DEAD)
    rerouted = Message.objects.get(state=MessageState.PENDING)
    assert rerouted.action_id == bounced.action_id
    post(client, "outbox:cancel", bounced.pk)
    bounced.refresh_from_db()
    assert bounced.state == MessageState.SKIPPED
    assert Action.objects.get(pk=bounced.action_id).status == ActionStatus.PLANNED
    assert courier.handle_one(TEN_AM).message_id == rerouted.pk
    assert Event.objects.filter(type="message.skipped", actor=world["claire"]).exists()
