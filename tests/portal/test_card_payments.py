"""Paying by card through Stripe Checkout: the session is created on a loopback server
standing in for Stripe's API; the webhook, signed with Stripe's scheme, records the
payment once; a bad or stale signature is refused and changes nothing."""
import json
import threading
import time
import urllib.parse
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse

from relance.ledger.models import Allocation, Event, Payment
from relance.portal.models import CardPayment
from relance.portal.rules import stripe_signature

SECRET = "whsec_test_portal"


class FakeStripe(BaseHTTPRequestHandler):
    calls = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeStripe.calls.append({"path": self.path, "auth": self.headers["Authorization"],
                                 "form": urllib.parse.parse_qs(body.decode())})
        answer = json.dumps({"id": "cs_test_1", "object": "checkout.session",
                             "url": "https://checkout.stripe.test/c/cs_test_1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def stripe_api():
    FakeStripe.calls = []
    server = HTTPServer(("127.0.0.1", 0), FakeStripe)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def stripe(settings, stripe_api):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_portal"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_API_BASE = stripe_api


def completed(story, session_id="cs_test_1", amount_cents=150000, invoices=None):
    invoices = invoices or [story["f1"].pk, story["f2"].pk]
    return json.dumps({"id": "evt_1", "type": "checkout.session.completed", "data": {
        "object": {"id": session_id, "object": "checkout.session", "payment_status": "paid",
                   "amount_total": amount_cents, "currency": "eur",
                   "payment_intent": "pi_test_1",
                   "metadata": {"company": str(story["company"].pk),
                                "customer": str(story["late"].pk),
                                "invoices": ",".join(str(i) for i in invoices)}}}}).encode()


def deliver(client, payload, header):
    return client.post(reverse("portal:webhook", args=["stripe"]), payload,
                       content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def test_the_pay_page_says_when_no_card_provider_is_configured(debtor, settings):
    settings.PAYMENT_PROVIDER = ""
    page = debtor.get(reverse("portal:pay"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="no-card"' in page and 'id="card-form"' not in page


def test_paying_by_card_opens_a_stripe_checkout_session_for_the_chosen_invoices(
        debtor, story, stripe):
    response = debtor.post(reverse("portal:pay_card"),
                           {"invoices": [story["f1"].pk], "amount": "1200.00"})
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.test/c/cs_test_1"
    [call] = FakeStripe.calls
    form = {key: value[0] for key, value in call["form"].items()}
    assert call["path"] == "/v1/checkout/sessions"
    assert call["auth"] == "Bearer sk_test_portal"
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][unit_amount]"] == "120000"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["metadata[customer]"] == str(story["late"].pk)
    assert form["metadata[invoices]"] == str(story["f1"].pk)
    assert form["success_url"].endswith(reverse("portal:card_done"))


def test_a_card_payment_for_another_customers_invoice_is_never_started(debtor, story, stripe):
    response = debtor.post(reverse("portal:pay_card"), {"invoices": [story["foreign"].pk]})
    assert response.status_code == 400 and FakeStripe.calls == []


def test_a_signed_webhook_records_the_payment_and_its_allocations(client, story, stripe):
    payload = completed(story)
    response = deliver(client, payload, stripe_signature(payload, SECRET, int(time.time())))
    assert response.status_code == 200
    payment = Payment.objects.get()
    assert (payment.amount, payment.method, payment.customer) == (
        Decimal("1500.00"), "card", story["late"])
    assert {a.invoice.number: a.amount for a in Allocation.objects.all()} == {
        "F-001": Decimal("1200.00"), "F-002": Decimal("300.00")}
    story["f1"].refresh_from_db()
    assert story["f1"].status == "paid" and story["f1"].open_amount == 0
    assert Event.objects.get(type="payment.received").data["method"] == "card"


def test_a_replayed_webhook_changes_nothing(client, story, stripe):
    payload = completed(story)
    header = stripe_signature(payload, SECRET, int(time.time()))
    deliver(client, payload, header)
    again = deliver(client, payload, header)
    assert again.status_code == 200 and again.content == b"already recorded"
    assert Payment.objects.count() == 1 and CardPayment.objects.count() == 1
    assert Allocation.objects.count() == 2
    assert Event.objects.filter(type="payment.received").count() == 1


def test_a_partial_card_payment_goes_to_the_oldest_invoice_first(client, story, stripe):
    payload = completed(story, amount_cents=50000)
    deliver(client, payload, stripe_signature(payload, SECRET, int(time.time())))
    story["f1"].refresh_from_db()
    story["f2"].refresh_from_db()
    assert story["f1"].open_amount == Decimal("700.00")
    assert story["f2"].open_amount == Decimal("300.00")


@pytest.mark.parametrize("header", [
    "t=1,v1=deadbeef",
    "",
    "v1=abc",
    "garbage",
])
def test_a_webhook_with_a_bad_signature_is_refused(client, story, stripe, header):
    response = deliver(client, completed(story), header)
    assert response.status_code == 400 and not Payment.objects.exists()


def test_a_webhook_signed_with_another_secret_is_refused(client, story, stripe):
    payload = completed(story)
    header = stripe_signature(payload, "whsec_someone_else", int(time.time()))
    assert deliver(client, payload, header).status_code == 400
    assert not Payment.objects.exists()


def test_a_webhook_signed_too_long_ago_is_refused(client, story, stripe):
    payload = completed(story)
    header = stripe_signature(payload, SECRET, int(time.time()) - 301)
    assert deliver(client, payload, header).status_code == 400


def test_a_tampered_payload_does_not_match_its_signature(client, story, stripe):
    payload = completed(story)
    header = stripe_signature(payload, SECRET, int(time.time()))
    assert deliver(client, payload.replace(b"150000", b"999999"), header).status_code == 400


def test_a_signed_webhook_for_another_company_s_customer_records_nothing(client, story, stripe):
    data = json.loads(completed(story))
    data["data"]["object"]["metadata"]["company"] = str(story["company"].pk + 1000)
    payload = json.dumps(data).encode()
    response = deliver(client, payload, stripe_signature(payload, SECRET, int(time.time())))
    assert response.status_code == 400 and not Payment.objects.exists()


def test_an_invoice_of_another_customer_in_the_metadata_is_not_allocated(client, story, stripe):
    payload = completed(story, amount_cents=99900, invoices=[story["foreign"].pk])
    deliver(client, payload, stripe_signature(payload, SECRET, int(time.time())))
    assert not Allocation.objects.exists()
    assert Payment.objects.get().unapplied_amount == Decimal("999.00")


def test_other_events_are_acknowledged_and_ignored(client, story, stripe):
    payload = json.dumps({"id": "evt_2", "type": "charge.refunded", "data": {}}).encode()
    response = deliver(client, payload, stripe_signature(payload, SECRET, int(time.time())))
    assert response.status_code == 200 and not Payment.objects.exists()


def test_when_stripe_cannot_be_reached_the_debtor_is_told_to_pay_by_transfer(
        english_debtor, story, stripe, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"         # nothing listens there
    response = english_debtor.post(reverse("portal:pay_card"), {"invoices": [story["f1"].pk]})
    assert response.status_code == 502
    assert "pay by transfer" in response.content.decode()
