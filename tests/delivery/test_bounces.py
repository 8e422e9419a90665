"""Bounces reported later by the relay, as delivery status notifications: the address
is marked and the reminder goes another way, once."""
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from relance.delivery import bounces
from relance.delivery.models import Message, MessageState
from relance.dunning.models import Action, ActionStatus
from relance.dunning.run import run_dunning
from relance.ledger.models import Contact, Event
from tests.delivery.test_outbox import LATE, MONDAY, TEN_AM, company, courier  # noqa: F401
from tests.dunning.world import customer, invoice

pytestmark = pytest.mark.django_db


def report(recipient, message_id, status="5.1.1", action="failed"):
    """A delivery status notification as Postfix writes it."""
    return f"""From: MAILER-DAEMON@relay.example
To: relances@ateliers-test.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example
Arrival-Date: Mon, 15 Jun 2026 10:00:01 +0200

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected

--B1
Content-Type: text/rfc822-headers

From: Ateliers Test SAS <relances@ateliers-test.example>
To: {recipient}
Message-ID: {message_id}
Subject: Rappel

--B1--
""".replace("\n", "\r\n").encode()


@pytest.fixture
def sent(company, courier, smtp_server):   # noqa: F811
    late = customer(company, "LATE")
    invoice(late, "100.00", LATE)
    run_dunning(company, MONDAY)
    courier.handle_one(TEN_AM)
    return Message.objects.get()


def test_a_report_names_the_failed_recipient_and_the_original_message():
    [bounce] = bounces.parse(report("compta@late.example", "<relance.1.2.3@x.example>"))
    assert bounce.recipient == "compta@late.example"
    assert bounce.message_id == "<relance.1.2.3@x.example>"
    assert bounce.permanent and "550" in bounce.diagnostic


def test_an_ordinary_email_is_not_a_report():
    assert bounces.parse(b"From: a@b.example\r\nSubject: hello\r\n\r\nHi\r\n") == []


def test_a_late_bounce_marks_the_address_and_the_reminder_goes_to_the_next_contact(
        sent, courier, smtp_server):   # noqa: F811
    outcome = bounces.apply([report("compta@late.example", sent.message_id)], TEN_AM)
    assert (outcome.bounced, outcome.unmatched) == (1, 0)
    assert Contact.objects.get(email="compta@late.example").email_bounced
    assert Event.objects.filter(type="contact.email_bounced").count() == 1
    assert Action.objects.get().status == ActionStatus.PLANNED
    assert courier.handle_one(TEN_AM + dt.timedelta(minutes=1)).state == MessageState.SENT
    assert smtp_server.messages[-1].recipients == ["achats@late.example"]
    again = bounces.apply([report("compta@late.example", sent.message_id)])
    assert again.bounced == 1 and Message.objects.count() == 2     # rerouted once only


def test_a_delayed_delivery_notice_changes_nothing(sent):
    outcome = bounces.apply([report("compta@late.example", sent.message_id,
                                    status="4.4.1", action="delayed")])
    assert outcome.bounced == 0
    assert not Contact.objects.filter(email_bounced=True).exists()


def test_a_report_about_someone_else_is_counted_unmatched(sent):
    outcome = bounces.apply([report("stranger@else.example", sent.message_id)])
    assert outcome.unmatched == 1
    assert not Contact.objects.filter(email_bounced=True).exists()


def test_the_command_reads_a_folder_of_reports(sent, tmp_path):
    (tmp_path / "1.eml").write_bytes(report("compta@late.example", sent.message_id))
    (tmp_path / "2.eml").write_bytes(b"From: a@b.example\r\n\r\nnot a report\r\n")
    out = io.StringIO()
    call_command("bounces", str(tmp_path), stdout=out)
    assert json.loads(out.getvalue()) == {"reports": 2, "bounced": 1, "temporary": 0,
                                          "unmatched": 0}


def test_the_command_refuses_a_missing_path():
    with pytest.raises(CommandError, match="no such file"):
        call_command("bounces", "/nonexistent/bounce.eml", stdout=io.StringIO())
