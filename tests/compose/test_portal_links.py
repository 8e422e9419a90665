"""A reminder's portal link is issued when the reminder is sent, never by a page that
only shows it.

The world: Ateliers Test SAS; Claire, its credit manager. Boulangerie Roux owes invoice
F-ROUX-1, five weeks late: today's run plans a formal notice, awaiting approval, and
Claire opens it. The friendly reminder of Café Petit, a day late, goes out at ten.
"""
import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.compose.context import PLACEHOLDER_TOKEN
from relance.delivery import outbox
from relance.delivery.channels import Postman
from relance.delivery.models import Message, MessageState
from relance.delivery.policy import Hours
from relance.delivery.sending import Config, Courier
from relance.dunning.models import Action
from relance.dunning.run import run_dunning
from relance.portal import links as portal_links
from relance.portal.models import PortalLink
from tests.dunning.world import D, creditor, customer, invoice, reminded, team

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)
TUESDAY = MONDAY + dt.timedelta(days=1)
TEN_AM = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))
CONFIG = Config(Hours.parse("08:00-19:00"), lease_seconds=60, retry_seconds=60,
                max_attempts=3, max_per_minute=0)


@pytest.fixture
def world(client):
    company = creditor(email="relances@ateliers-test.example")
    claire = team("claire")["claire"]
    roux = customer(company, "ROUX", name="Boulangerie Roux")
    invoice(roux, "1200.00", timezone.localdate() - dt.timedelta(days=35),
            number="F-ROUX-1")
    reminded(roux, timezone.localdate() - dt.timedelta(days=10))
    run_dunning(company, timezone.localdate())
    client.force_login(claire)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return {"company": company, "roux": roux,
            "notice": Action.objects.get(customer=roux, tone="formal_notice")}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_review_page_shows_a_placeholder_and_issues_no_link(client, world):
    text = page(client, reverse("dunning:action", args=[world["notice"].pk]))

    assert portal_links.url(PLACEHOLDER_TOKEN) in text
    assert not PortalLink.objects.exists()


def test_the_review_page_shows_the_link_a_reminder_would_reuse(client, world):
    _link, token = portal_links.issue(world["roux"], timezone.now())

    text = page(client, reverse("dunning:action", args=[world["notice"].pk]))

    assert portal_links.url(token) in text and PLACEHOLDER_TOKEN not in text
    assert PortalLink.objects.count() == 1


def test_the_template_editor_and_its_preview_issue_no_link(client, world):
    step = world["notice"].step
    editor = reverse("dunning:step_templates", args=[step.pk]) + "?language=en"
    assert PLACEHOLDER_TOKEN in page(client, editor)

    response = client.post(reverse("dunning:step_template_preview", args=[step.pk]),
                           {"subject": "Reminder", "body": "See {{ portal_url }}",
                            "customer": world["roux"].pk, "language": "en"})

    assert portal_links.url(PLACEHOLDER_TOKEN) in html.unescape(response.content.decode())
    assert not PortalLink.objects.exists()


def test_sending_issues_a_link_and_the_next_reminder_reuses_it(smtp_server):
    petit = customer(creditor(email="relances@ateliers.example"), "PETIT",
                     name="Café Petit")
    invoice(petit, "300.00", MONDAY - dt.timedelta(days=1), number="F-PETIT-1")
    run_dunning(petit.company, MONDAY)
    assert not PortalLink.objects.exists()

    first = _deliver_one(TEN_AM)
    [link] = PortalLink.objects.filter(customer=petit)
    assert portal_links.url(portal_links.token_of(link)) in first.text

    friendly = Message.objects.get().action   # planned again the next day
    outbox.enqueue(Action.objects.create(
        company=petit.company, customer=petit, step=friendly.step, planned_on=TUESDAY,
        currency="EUR", channel="email", tone=friendly.tone, contact=friendly.contact,
        amount=friendly.amount, summary=friendly.summary))
    second = _deliver_one(TEN_AM + dt.timedelta(days=1))

    assert PortalLink.objects.filter(customer=petit).count() == 1
    assert portal_links.url(portal_links.token_of(link)) in second.text


def _deliver_one(now):
    postman = Postman()
    try:
        outcome = Courier(postman, CONFIG).handle_one(now)
    finally:
        postman.close()
    assert outcome.state == MessageState.SENT, outcome.detail
    return Message.objects.get(pk=outcome.message_id)
