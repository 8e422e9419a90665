"""Retard & Fils's accountant follows the link of a reminder in a real browser and does
everything the portal offers: reads the statement, downloads a PDF, pays by transfer
with the QR code, disputes an invoice with a document, promises to pay, declares a
payment with its proof, asks for a payment plan, updates the contact, switches to
English. Then Paul, the collector, accepts the plan from the customer's page."""
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from relance.cases.models import Dispute, PaymentDeclaration, PaymentPlan, Promise
from relance.ledger.models import Contact
from relance.portal import links
from relance.portal.models import PortalUpload
from tests.plugins.browser import log_in
from tests.portal import world
from tests.support.pdf import page_texts

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def portal_world(transactional_db, settings, tmp_path):
    settings.PORTAL_UPLOAD_ROOT = tmp_path / "uploads"
    found = world.build()
    world.invoice(found["late"], "F-003", "450.00", -40)
    world.invoice(found["late"], "F-004", "80.00", 20)
    return found


def portal_path(customer, action=""):
    """The path of a fresh link: the live server has its own address, not PUBLIC_URL."""
    _link, token = links.issue(customer, timezone.now())
    return links.url(token, action).removeprefix(settings.PUBLIC_URL)


def submit(page, form):
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").click()


def check_invoices(page, form, numbers):
    for number in numbers:
        page.locator(f"{form} label:has-text('{number}') input").check()


@pytest.mark.browser
def test_a_debtor_does_everything_the_portal_offers(page, portal_world):
    story = portal_world
    page.goto(portal_path(story["late"]))

    # The statement, in French (the customer's language).
    assert page.locator("html").get_attribute("lang") == "fr"
    rows = page.locator("table.invoices tbody tr")
    assert rows.count() == 4 and "F-900" not in page.content()
    assert "AV-001" in page.locator("table.credit-notes").inner_text()

    # A PDF download.
    with page.expect_download() as download:
        page.locator("#statement-pdf").click()
    text = page_texts(Path(download.value.path()).read_bytes())[0]
    assert "F-001" in text and "F-003" in text

    # Pay by transfer: one invoice, the QR code drawn.
    page.locator("#action-pay").click()
    page.locator("#pay-form input[type=checkbox]").evaluate_all(
        "boxes => boxes.forEach(box => box.checked = false)")
    check_invoices(page, "#pay-form", ["F-001"])
    submit(page, "#pay-form")
    assert "RF" in page.locator(".transfer-reference").inner_text()
    assert "FR76 3000" in page.locator(".transfer-iban").inner_text()
    assert page.locator("#epc-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("#no-card").is_visible()

    # Dispute F-001 with a photo of the delivery note.
    page.goto("/p/dispute/")
    page.select_option("#dispute-form select[name=invoice]", str(story["f1"].pk))
    page.select_option("#dispute-form select[name=reason]", "quality")
    page.fill("#dispute-form textarea[name=comment]", "Pièces cassées à la livraison")
    page.set_input_files("#dispute-form input[name=document]", files=[
        {"name": "bon.png", "mimeType": "image/png", "buffer": PNG}])
    submit(page, "#dispute-form")
    assert page.locator(".messages .success").count() == 1
    assert Dispute.objects.get().invoice == story["f1"]

    # Promise to pay F-002 in two weeks.
    page.locator("#action-promise").click()
    check_invoices(page, "#promise-form", ["F-002"])
    page.fill("#promise-form input[name=promised_for]", world.days_from_today(14).isoformat())
    page.fill("#promise-form input[name=amount]", "300.00")
    submit(page, "#promise-form")
    assert Promise.objects.get().amount == Decimal("300.00")

    # Already paid F-004, with the transfer order as proof.
    page.locator("#action-paid").click()
    check_invoices(page, "#paid-form", ["F-004"])
    page.fill("#paid-form input[name=paid_on]", world.days_from_today(-2).isoformat())
    page.fill("#paid-form input[name=amount]", "80.00")
    page.set_input_files("#paid-form input[name=proof]", files=[
        {"name": "virement.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    submit(page, "#paid-form")
    assert PaymentDeclaration.objects.get().amount == Decimal("80.00")
    assert PortalUpload.objects.count() == 2

    # A payment plan for F-003: too many instalments first, then within the limit.
    page.locator("#action-plan").click()
    check_invoices(page, "#plan-form", ["F-003"])
    page.fill("#plan-form input[name=instalments]", "12")
    page.fill("#plan-form input[name=starts_on]", world.days_from_today(10).isoformat())
    submit(page, "#plan-form")
    assert page.locator("#plan-form .errorlist").count() == 1
    assert not PaymentPlan.objects.exists()
    page.fill("#plan-form input[name=instalments]", "3")
    submit(page, "#plan-form")
    assert PaymentPlan.objects.get().status == "proposed"

    # The accounts-payable contact.
    page.goto("/p/contact/")
    page.fill("#contact-form input[name=name]", "Marie Comptable")
    page.fill("#contact-form input[name=email]", "marie@retard.example")
    submit(page, "#contact-form")
    assert Contact.objects.get(customer=story["late"],
                               role="accounts_payable").email == "marie@retard.example"

    # English, on request.
    with page.expect_navigation():
        page.locator(".langswitch button").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Your statement" in page.content()


@pytest.mark.browser
def test_an_email_button_lands_on_its_action_and_a_revoked_link_is_closed(page, portal_world):
    story = portal_world
    page.goto(portal_path(story["late"], "promise"))
    assert page.locator("#promise-form").is_visible()
    links.revoke_all(story["late"], timezone.now())
    page.goto("/p/")
    assert page.locator(".refused").is_visible()
    assert "F-001" not in page.content()


@pytest.mark.browser
def test_the_collector_accepts_the_plan_the_debtor_asked_for(page, portal_world):
    story = portal_world
    plan = PaymentPlan.objects.create(customer=story["late"], instalments=3,
                                      starts_on=world.days_from_today(10), note="3 fois")
    plan.invoices.set([story["f1"]])
    log_in(page, "paul@ateliers.example", world.PASSWORD)
    page.goto(f"/customers/{story['late'].pk}/?tab=portal")
    panel = page.locator("#tab-panel #portal")
    assert "3 fois" in panel.inner_text()
    with page.expect_navigation():
        panel.locator("table.plans form[action$='/accept/'] button").click()
    plan.refresh_from_db()
    assert plan.status == "active" and page.url.endswith("?tab=portal#tabs")
    with page.expect_navigation():
        page.locator("#portal-regenerate button").click()
    assert "/p/" in page.locator(".messages").inner_text()
