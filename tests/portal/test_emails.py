"""A reminder that reaches the mail server carries the portal: buttons in the HTML part
(pay, dispute, promise, already paid), the same links listed in the text part, each
opening the customer's portal on that action."""
import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.delivery.channels import Postman
from relance.delivery.models import Message, MessageState
from relance.delivery.policy import Hours
from relance.delivery.sending import Config, Courier
from relance.dunning.run import run_dunning
from relance.portal.models import PortalLink
from tests.dunning.world import D, creditor, customer, invoice

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)
CONFIG = Config(Hours.parse("08:00-19:00"), lease_seconds=60, retry_seconds=60,
                max_attempts=3, max_per_minute=0)


@pytest.fixture
def sent(smtp_server, settings):
    """The friendly reminder of Boulangerie Dupain, as the mail server received it."""
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    late = customer(creditor(email="relances@ateliers.example"), "DUPAIN",
                    name="Boulangerie Dupain")
    invoice(late, "1200.00", MONDAY - dt.timedelta(days=1), number="F-2026-0042")
    run_dunning(late.company, MONDAY)
    postman = Postman()
    try:
        # delivered now: the link is issued as of the delivery, and the tests open it
        outcome = Courier(postman, CONFIG, ignore_hours=True).handle_one(timezone.now())
    finally:
        postman.close()
    assert outcome.state == MessageState.SENT, outcome.detail
    [mail] = smtp_server.messages
    return late, mail.message


def test_the_html_part_has_the_four_action_buttons(sent):
    _late, message = sent
    html = message.get_body(("html",)).get_content()
    buttons = re.findall(r'class="portal-action" href="([^"]+)"', html)
    assert [b.rstrip("/").rsplit("/", 1)[1] for b in buttons] == [
        "pay", "dispute", "promise", "paid"]
    assert all(b.startswith("http://127.0.0.1:8000/p/") for b in buttons)


def test_the_text_part_lists_the_same_links(sent):
    _late, message = sent
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    for link in re.findall(r'class="portal-action" href="([^"]+)"', html):
        assert link in text


def test_a_button_opens_the_customers_portal_on_its_action(sent, client):
    late, message = sent
    html = message.get_body(("html",)).get_content()
    [dispute] = [b for b in re.findall(r'class="portal-action" href="([^"]+)"', html)
                 if b.endswith("/dispute/")]
    response = client.get(dispute.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:dispute")
    assert "F-2026-0042" in response.content.decode()


def test_the_message_stores_the_link_it_went_out_with(sent):
    late, message = sent
    assert PortalLink.objects.filter(customer=late).count() == 1
    stored = Message.objects.get()
    html = message.get_body(("html",)).get_content()
    assert re.search(r'href="([^"]+)pay/"', html).group(1) in stored.text
