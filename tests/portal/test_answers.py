"""Retard & Fils answers on its portal: each answer goes on the timeline as the debtor's,
tells Paul (its collector) by email, and stops dunning where the cases say so; limits,
files and the rate of requests are checked first, and a refusal changes nothing."""
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relance.cases.models import Dispute, PaymentDeclaration, PaymentPlan, Promise
from relance.ledger.models import Contact, Event
from relance.portal.models import PortalPolicy, PortalUpload
from relance.team.models import Notification
from relance.web.models import RateCounter
from tests.plugins.ports import free_port
from tests.portal import world
from tests.portal.test_scope import PDF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def event(type):
    return Event.objects.get(type=type)


def test_a_dispute_with_a_document_pauses_the_invoice_and_tells_the_collector(
        debtor, story, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = debtor.post(reverse("portal:dispute"), {
            "invoice": story["f1"].pk, "reason": "price", "comment": "Prix erroné",
            "document": upload("bon.png", PNG, "image/png")})
    assert response.status_code == 302
    dispute = Dispute.objects.get(invoice=story["f1"])
    assert dispute.reason == "price" and dispute.status == "open"
    stored = PortalUpload.objects.get()
    assert stored.dispute == dispute and stored.content_type == "image/png"
    assert event("dispute.opened").actor_label == "debtor"
    [notice] = mail.outbox
    assert notice.to == ["paul@ateliers.example"] and "Retard & Fils" in notice.subject


def test_a_promise_within_the_companys_limit_is_recorded(debtor, story):
    response = debtor.post(reverse("portal:promise"), {
        "invoices": [story["f1"].pk], "promised_for": world.days_from_today(20),
        "amount": "1200.00", "note": "Virement"})
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert promise.amount == Decimal("1200.00") and list(promise.invoices.all()) == [story["f1"]]
    assert event("promise.recorded").actor_label == "debtor"


def test_a_promise_beyond_the_companys_limit_is_refused(english_debtor, story):
    PortalPolicy.objects.create(company=story["company"], max_promise_days=10)
    response = english_debtor.post(reverse("portal:promise"), {
        "invoices": [story["f1"].pk], "promised_for": world.days_from_today(11),
        "amount": "1200.00"})
    assert response.status_code == 400
    assert "at most 10 days" in response.content.decode()
    assert not Promise.objects.exists() and not Event.objects.filter(
        type="promise.recorded").exists()


def test_a_promise_of_more_than_is_open_is_refused(debtor, story):
    response = debtor.post(reverse("portal:promise"), {
        "invoices": [story["f2"].pk], "promised_for": world.days_from_today(5),
        "amount": "300.01"})
    assert response.status_code == 400 and not Promise.objects.exists()


def test_already_paid_with_a_proof_holds_reminders_until_reconciled(debtor, story):
    response = debtor.post(reverse("portal:paid"), {
        "invoices": [story["f1"].pk, story["f2"].pk], "paid_on": world.days_from_today(-1),
        "amount": "1500.00", "proof": upload("virement.pdf", PDF)})
    assert response.status_code == 302
    declaration = PaymentDeclaration.objects.get()
    assert declaration.status == "pending" and declaration.invoices.count() == 2
    assert PortalUpload.objects.get().declaration == declaration
    assert event("payment.declared").actor_label == "debtor"


def test_already_paid_needs_a_proof(debtor, story):
    response = debtor.post(reverse("portal:paid"), {
        "invoices": [story["f1"].pk], "paid_on": world.days_from_today(-1), "amount": "10"})
    assert response.status_code == 400 and not PaymentDeclaration.objects.exists()


@pytest.mark.parametrize("name, content", [
    ("virus.pdf", b"MZ\x90\x00 this is an executable"),     # named .pdf, is not one
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("empty.pdf", b""),
])
def test_a_file_that_is_not_a_pdf_png_or_jpeg_is_refused(debtor, story, name, content):
    response = debtor.post(reverse("portal:paid"), {
        "invoices": [story["f1"].pk], "paid_on": world.days_from_today(-1), "amount": "10",
        "proof": upload(name, content)})
    assert response.status_code == 400
    assert not PaymentDeclaration.objects.exists() and not PortalUpload.objects.exists()


def test_a_file_over_the_size_limit_is_refused(english_debtor, story, settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1024
    response = english_debtor.post(reverse("portal:dispute"), {
        "invoice": story["f1"].pk, "reason": "price", "comment": "x",
        "document": upload("big.pdf", PDF + b"0" * 2048)})
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not Dispute.objects.exists()


def test_a_plan_request_is_a_proposal_the_collector_accepts(debtor, client, story):
    response = debtor.post(reverse("portal:plan"), {
        "invoices": [story["f1"].pk], "instalments": "3",
        "starts_on": world.days_from_today(7), "note": "3 fois"})
    assert response.status_code == 302
    plan = PaymentPlan.objects.get()
    assert plan.status == "proposed" and plan.instalments == 3
    assert event("plan.requested").actor_label == "debtor"

    client.login(username="paul@ateliers.example", password=world.PASSWORD)
    page = client.get(reverse("web:customer", args=[story["late"].pk]),
                      {"tab": "portal"}).content.decode()
    assert "3 fois" in page
    client.post(reverse("portal:decide_plan", args=[plan.pk, "accept"]))
    plan.refresh_from_db()
    assert plan.status == "active"
    assert event("plan.accepted").actor == story["paul"]


def test_a_refused_plan_cannot_be_accepted_afterwards(debtor, client, story):
    plan = PaymentPlan.objects.create(customer=story["late"], instalments=2,
                                      starts_on=world.days_from_today(3))
    client.login(username="paul@ateliers.example", password=world.PASSWORD)
    client.post(reverse("portal:decide_plan", args=[plan.pk, "refuse"]))
    client.post(reverse("portal:decide_plan", args=[plan.pk, "accept"]))
    plan.refresh_from_db()
    assert plan.status == "refused"


def test_more_instalments_than_the_company_allows_are_refused(debtor, story, settings):
    settings.PORTAL_MAX_INSTALMENTS = 4
    response = debtor.post(reverse("portal:plan"), {
        "invoices": [story["f1"].pk], "instalments": "5",
        "starts_on": world.days_from_today(7)})
    assert response.status_code == 400 and not PaymentPlan.objects.exists()


def test_the_debtor_updates_its_accounts_payable_contact(debtor, story):
    response = debtor.post(reverse("portal:contact"), {
        "name": "Marie Comptable", "email": "marie@retard.example", "phone": "01 02 03 04 05"})
    assert response.status_code == 302
    contact = Contact.objects.get(customer=story["late"], role="accounts_payable")
    assert (contact.name, contact.email) == ("Marie Comptable", "marie@retard.example")
    assert event("contact.updated").data["before"]["name"] == "Compta C042"


def test_a_bad_email_address_is_a_field_error(debtor, story):
    response = debtor.post(reverse("portal:contact"), {"name": "X", "email": "not-an-email"})
    assert response.status_code == 400
    assert Contact.objects.get(customer=story["late"], role="accounts_payable").name == "Compta C042"


def test_portal_actions_are_rate_limited(debtor, story, settings):
    settings.PORTAL_RATE_LIMIT = 3
    codes = [debtor.post(reverse("portal:contact"), {"name": "X"}).status_code
             for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    assert RateCounter.objects.filter(key__startswith="portal:link:").get().hits == 4


def test_guessing_tokens_is_rate_limited_per_address(client, story, settings):
    settings.PORTAL_RATE_LIMIT = 5
    codes = [client.get(reverse("portal:open", args=[f"guess{n:040d}"])).status_code
             for n in range(6)]
    assert codes == [404] * 5 + [429]


def test_a_date_in_the_past_for_a_promise_is_refused(debtor, story):
    response = debtor.post(reverse("portal:promise"), {
        "invoices": [story["f1"].pk], "promised_for": world.days_from_today(-1),
        "amount": "10"})
    assert response.status_code == 400 and not Promise.objects.exists()


def test_pdf_downloads_count_against_the_rate_limit_and_pages_are_not_cached(
        debtor, story, settings):
    settings.PORTAL_RATE_LIMIT = 2
    codes = [debtor.get(reverse("portal:invoice_pdf", args=[story["f2"].pk])).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    home = debtor.get(reverse("portal:home"))
    assert home.status_code == 200 and "no-store" in home["Cache-Control"]


def test_a_body_far_beyond_the_upload_limit_is_refused_before_it_is_read(
        debtor, story, settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1024
    big = PDF + b"0" * (2 * 1024 * 1024)
    response = debtor.post(reverse("portal:paid"), {
        "invoices": [story["f1"].pk], "paid_on": world.days_from_today(-1), "amount": "10",
        "proof": upload("big.pdf", big)})
    assert response.status_code == 413
    assert not PaymentDeclaration.objects.exists() and not PortalUpload.objects.exists()


def test_an_answer_rings_the_owners_bell_and_emails_him_in_his_language(
        debtor, story, smtp_server, django_capture_on_commit_callbacks):
    story["paul"].language = "en"
    story["paul"].save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        debtor.post(reverse("portal:promise"), {
            "invoices": [story["f1"].pk], "promised_for": world.days_from_today(20),
            "amount": "1200.00", "note": "Virement"})

    [bell] = Notification.objects.filter(user=story["paul"])
    assert bell.read_at is None and bell.note is None
    assert bell.link == reverse("web:customer", args=[story["late"].pk]) + "?tab=portal"
    assert "Retard & Fils" in bell.text and "on the portal" in bell.text
    [notice] = smtp_server.messages
    assert notice.recipients == ["paul@ateliers.example"]
    assert notice.message["Subject"] == bell.text
    body = notice.message.get_content()
    assert "1200.00 EUR by" in body and "http://127.0.0.1:8000" + bell.link in body


def test_a_lost_email_leaves_the_answer_and_the_bell(debtor, story, settings,
                                                     django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()   # nobody listens
    with django_capture_on_commit_callbacks(execute=True):
        response = debtor.post(reverse("portal:promise"), {
            "invoices": [story["f1"].pk], "promised_for": world.days_from_today(20),
            "amount": "1200.00"})

    assert response.status_code == 302 and Promise.objects.exists()
    assert Notification.objects.filter(user=story["paul"]).count() == 1
