"""The customer view: its header, its tabs and its quick actions, and the notes that
mention teammates.

The world: Atelier Test ships its scenarios. Retard & Fils owes F-45 (45 days late)
and F-SOON (due in 10 days); Julien collects it, Sam sells to it. Sophie collects
another customer. Claire manages credit.
"""
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relance.cases.models import Dispute
from relance.delivery.channels import Postman
from relance.delivery.models import Message, MessageState
from relance.delivery.policy import Hours
from relance.delivery.sending import Config, Courier
from relance.dunning.models import Action
from relance.ledger.models import Event
from relance.team.models import Note, Notification, User
from tests.dunning.world import creditor, customer
from tests.support.pdf import pdf_text
from tests.support.ledger_builders import invoice

CONFIG = Config(Hours.parse("00:00-23:59"), lease_seconds=60, retry_seconds=60,
                max_attempts=3, max_per_minute=0)


def user(email, role, first, last=""):
    return User.objects.create_user(email, None, role=role, first_name=first, last_name=last,
                                    language="en")


@pytest.fixture
def world(db):
    company = creditor(email="relances@atelier.test")
    julien = user("julien.petit@atelier.test", "collector", "Julien", "Petit")
    sam = user("sam@atelier.test", "sales", "Sam", "Bernard")
    late = customer(company, "C-LATE", name="Retard & Fils", owner=julien, sales_rep=sam)
    return {"company": company, "julien": julien, "sam": sam, "late": late,
            "sophie": user("sophie@atelier.test", "collector", "Sophie"),
            "claire": user("claire@atelier.test", "credit_manager", "Claire", "Martin"),
            "f45": invoice(late, "3000.00", due_days_ago=45, number="F-45"),
            "soon": invoice(late, "500.00", due_days_ago=-10, number="F-SOON")}


def as_user(world, name):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world[name])
    return client


def page_url(world, **query):
    url = reverse("web:customer", args=[world["late"].pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_header_says_balance_overdue_terms_scenario_and_owner(world):
    page = as_user(world, "julien").get(page_url(world)).content.decode()
    header = page[page.index('class="customer-header"'):page.index('id="tabs"')]

    assert "3,500.00" in header and "3,000.00" in header
    assert "Julien Petit" in header and "Sam Bernard" in header
    assert "Company default" in header or "days" in header
    assert "Standard" in header or "company default" in header


def test_each_tab_shows_its_own_part_of_the_file(world):
    julien = as_user(world, "julien")
    Note.objects.create(company=world["company"], customer=world["late"],
                        author=world["julien"], text="Rappeler lundi",
                        created_at=timezone.now())

    tabs = {tab: panel(julien.get(page_url(world, tab=tab)).content.decode())
            for tab in ("invoices", "contacts", "timeline", "notes")}

    assert "F-45" in tabs["invoices"] and "compta@c-late.example" not in tabs["invoices"]
    assert "compta@c-late.example" in tabs["contacts"] and "F-45" not in tabs["contacts"]
    assert 'class="timeline"' in tabs["timeline"] or "Nothing has happened" in tabs["timeline"]
    assert "Rappeler lundi" in tabs["notes"]
    notes_page = julien.get(page_url(world, tab="notes")).content.decode()
    assert 'data-tab="notes" class="active"' in notes_page


def test_the_portal_and_legal_sections_have_their_own_tabs(world):
    julien = as_user(world, "julien")
    invoices = julien.get(page_url(world)).content.decode()
    portal = panel(julien.get(page_url(world, tab="portal")).content.decode())
    legal = panel(julien.get(page_url(world, tab="legal")).content.decode())

    assert '>Portal</a>' in invoices and '>Legal</a>' in invoices
    assert 'id="portal"' not in invoices and 'id="legal"' not in invoices
    assert 'id="portal"' in portal and 'id="legal"' not in portal
    assert 'id="legal"' in legal and 'id="portal"' not in legal
    assert 'hx-get="?tab=legal"' in invoices and 'href="?tab=portal#tabs"' in invoices


def test_a_sales_rep_has_the_portal_tab_but_not_the_legal_one(world):
    sam = as_user(world, "sam")
    page = sam.get(page_url(world)).content.decode()
    legal = sam.get(page_url(world, tab="legal"))

    assert 'data-tab="portal"' in page and 'data-tab="legal"' not in page
    assert legal.context["tab"] == "invoices" and 'id="legal"' not in legal.content.decode()


def panel(page):
    """The tab's panel: the header's quick-action forms list invoices on every tab."""
    return page[page.index('id="tab-panel"'):]


def test_an_unknown_tab_shows_the_invoices(world):
    response = as_user(world, "julien").get(page_url(world, tab="nope"))
    assert response.context["tab"] == "invoices"


def test_a_collector_logs_a_call_and_it_is_on_the_timeline(world):
    julien = as_user(world, "julien")

    response = julien.post(reverse("web:call_log", args=[world["late"].pk]),
                           {"outcome": "no_answer", "note": "Messagerie"})

    assert response.status_code == 302 and "tab=timeline" in response["Location"]
    event = Event.objects.get(type="call.no_answer")
    assert (event.customer, event.actor, event.message) == (
        world["late"], world["julien"], "Messagerie")
    timeline = julien.get(response["Location"]).content.decode()
    assert 'title="call.no_answer"' in timeline


def test_a_call_with_an_unknown_outcome_is_a_field_error(world):
    response = as_user(world, "julien").post(
        reverse("web:call_log", args=[world["late"].pk]), {"outcome": "promise"})

    assert response.status_code == 200
    assert response.context["call_form"].errors["outcome"]
    assert not Event.objects.filter(type__startswith="call.").exists()


def test_the_sales_rep_opens_a_dispute_from_the_customer_view(world):
    sam = as_user(world, "sam")
    page = sam.get(page_url(world)).content.decode()
    assert 'id="customer-dispute-form"' in page
    assert 'id="promise-form"' not in page and 'id="call-form"' not in page

    response = sam.post(reverse("web:customer_dispute", args=[world["late"].pk]),
                        {"invoice": world["f45"].pk, "reason": "quality", "comment": "Abîmé"})

    assert response.status_code == 302
    assert Dispute.objects.get().invoice == world["f45"]


def test_a_dispute_on_another_customers_invoice_is_refused(world):
    other = customer(world["company"], "C-OTHER", owner=world["julien"])
    theirs = invoice(other, "100.00", due_days_ago=5)

    response = as_user(world, "julien").post(
        reverse("web:customer_dispute", args=[world["late"].pk]),
        {"invoice": theirs.pk, "reason": "price"})

    assert response.status_code == 200 and response.context["dispute_form"].errors
    assert not Dispute.objects.exists()


def test_the_statement_goes_through_the_outbox_with_its_pdf(world, smtp_server):
    julien = as_user(world, "julien")
    contact = world["late"].contacts.get(role="accounts_payable")

    response = julien.post(reverse("web:statement_send", args=[world["late"].pk]),
                           {"contact": contact.pk, "note": "Merci de régulariser"})
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.state == MessageState.PENDING
    assert Event.objects.filter(type="statement.queued", actor=world["julien"]).exists()

    postman = Postman()
    try:
        outcome = Courier(postman, CONFIG, ignore_hours=True).handle_one(timezone.now())
    finally:
        postman.close()

    assert outcome.state == MessageState.SENT, outcome.detail
    [mail] = smtp_server.messages
    assert mail.recipients == ["compta@c-late.example"]
    assert "C-LATE" in mail.message["Subject"]
    [pdf] = [part for part in mail.message.iter_attachments()]
    assert pdf.get_filename().startswith("statement-C-LATE")
    text = pdf_text(pdf.get_content())
    assert "F-45" in text and "Retard & Fils" in text
    assert "Merci de régulariser" in mail.message.get_body(("plain",)).get_content()
    assert Action.objects.get().kind == "manual"


def test_a_statement_recomposed_after_a_payment_still_carries_the_statement(
        world, smtp_server):
    paid_later = invoice(world["late"], "800.00", due_days_ago=30, number="F-30")
    contact = world["late"].contacts.get(role="accounts_payable")
    as_user(world, "julien").post(reverse("web:statement_send", args=[world["late"].pk]),
                                  {"contact": contact.pk})
    paid_later.status, paid_later.open_amount = "paid", 0
    paid_later.paid_on = timezone.localdate()
    paid_later.save(update_fields=["status", "open_amount", "paid_on"])

    postman = Postman()
    try:
        outcome = Courier(postman, CONFIG, ignore_hours=True).handle_one(timezone.now())
    finally:
        postman.close()

    assert outcome.state == MessageState.SENT, outcome.detail
    [mail] = smtp_server.messages
    [pdf] = list(mail.message.iter_attachments())
    assert pdf.get_filename() == f"statement-C-LATE-{timezone.localdate().isoformat()}.pdf"
    text = pdf_text(pdf.get_content())
    assert "F-45" in text and "F-30" not in text
    assert paid_later.pk not in Message.objects.get().invoices


def test_a_statement_needs_a_contact_of_this_customer_with_an_email(world):
    other = customer(world["company"], "C-OTHER")
    response = as_user(world, "julien").post(
        reverse("web:statement_send", args=[world["late"].pk]),
        {"contact": other.contacts.first().pk})

    assert response.status_code == 200 and response.context["statement_form"].errors
    assert not Message.objects.exists()


def test_a_note_mentioning_a_teammate_notifies_them_in_the_app_and_by_email(
        world, smtp_server, django_capture_on_commit_callbacks):
    sam = as_user(world, "sam")

    with django_capture_on_commit_callbacks(execute=True):
        response = sam.post(reverse("web:note_add", args=[world["late"].pk]),
                            {"text": "@Claire Martin they want a payment plan, @julien.petit ok?"})

    assert response.status_code == 302 and "tab=notes" in response["Location"]
    note = Note.objects.get()
    assert set(note.mentioned.all()) == {world["claire"], world["julien"]}
    assert Event.objects.filter(type="note.added", actor=world["sam"]).exists()
    assert sorted(m.recipients[0] for m in smtp_server.messages) == [
        "claire@atelier.test", "julien.petit@atelier.test"]
    mail = smtp_server.messages[0].message
    assert "Sam Bernard mentioned you on Retard & Fils" == mail["Subject"]
    assert re.search(r"/customers/\d+/\?tab=notes", mail.get_content())

    claire = as_user(world, "claire")
    bell = claire.get(reverse("web:customers")).content.decode()
    assert '<span class="nav-count unread-count">1</span>' in bell
    notification = Notification.objects.get(user=world["claire"])
    opened = claire.post(reverse("web:notification_read", args=[notification.pk]))
    assert opened["Location"].endswith("?tab=notes")
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "unread-count" not in claire.get(reverse("web:customers")).content.decode()


def test_no_email_leaves_before_the_note_is_committed(world, smtp_server,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        as_user(world, "sam").post(reverse("web:note_add", args=[world["late"].pk]),
                                   {"text": "@Claire Martin fyi"})

    assert smtp_server.messages == [] and len(callbacks) == 1


def test_an_empty_note_is_a_field_error(world):
    response = as_user(world, "sam").post(reverse("web:note_add", args=[world["late"].pk]),
                                          {"text": "   "})

    assert response.status_code == 200 and response.context["note_form"].errors["text"]
    assert not Note.objects.exists()


def test_nobody_reads_another_users_notification(world):
    note = Note.objects.create(company=world["company"], customer=world["late"],
                               author=world["sam"], text="x", created_at=timezone.now())
    theirs = Notification.objects.create(user=world["claire"], note=note, text="x",
                                         created_at=timezone.now())

    response = as_user(world, "julien").post(
        reverse("web:notification_read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_collector_does_not_see_another_collectors_customer(world):
    assert as_user(world, "sophie").get(page_url(world)).status_code == 404
    response = as_user(world, "sophie").post(
        reverse("web:note_add", args=[world["late"].pk]), {"text": "hello"})
    assert response.status_code == 404
