"""The PDF documents, rendered for real and read back with pypdf.

The world: Ateliers Test SAS, in Lyon, writes on 23 November 2026 to Boulangerie Roux
in Bordeaux (followed by Julien, a collector) about two late invoices, one of them
partly paid, while a third one is overdue too: 1,000 + 400 + 250 = 1,650 euros open.
"""
import datetime as dt
import re
from decimal import Decimal

import pytest

from relance.cases.models import Dispute
from relance.compose import templating
from relance.compose.context import build_context
from relance.compose.documents import invoice_summary_pdf, letter_pdf
from relance.delivery.documents import history, history_pdf, print_batch
from relance.dunning.models import Action, Step
from relance.dunning.shipped import load_shipped
from relance.ledger import timeline
from relance.ledger.models import Allocation, Payment
from relance.team.models import User
from tests.dunning.world import D, creditor, customer, invoice
from tests.support.pdf import page_count, page_texts, pdf_pages, pdf_text, plain

pytestmark = pytest.mark.django_db

TODAY = D(2026, 11, 23)
A4_HEIGHT = 842  # points; PDF user space starts at the bottom left
MM_PER_POINT = 25.4 / 72
SIGNATURE = "Julien Roux\nService recouvrement"
BODY_FR = ("Madame, Monsieur,\n\nMalgré nos relances, les factures ci-dessous restent "
           "impayées.\n\nNous vous prions d'agréer nos salutations distinguées.\n\n"
           + SIGNATURE)


@pytest.fixture
def company():
    company = creditor()
    company.address_line1 = "3 quai Saint-Antoine"
    company.postal_code, company.city = "69002", "Lyon"
    company.email, company.phone = "compta@ateliers-test.example", "04 72 00 00 00"
    company.vat_number = "FR44732829320"
    company.contractual_rate = Decimal("12.150")
    company.save()
    return company


@pytest.fixture
def roux(company):
    julien = User.objects.create_user("julien@ateliers-test.example", "pw", role="collector",
                                      first_name="Julien", last_name="Roux",
                                      signature=SIGNATURE)
    return customer(company, "ROUX", name="Boulangerie Roux", owner=julien,
                    address_line1="4 avenue Jean Jaurès", postal_code="33000",
                    city="Bordeaux", siren="498765437")


@pytest.fixture
def late(roux):
    """The invoices the letters are about, and one more overdue."""
    return {
        "a": invoice(roux, "1000.00", TODAY - dt.timedelta(days=30), number="FA-101"),
        "b": invoice(roux, "1000.00", TODAY - dt.timedelta(days=10), number="FA-102",
                     open_amount=Decimal("400.00")),
        "other": invoice(roux, "250.00", TODAY - dt.timedelta(days=60), number="FA-099"),
    }


def context_for(customer, late, tone, currency="EUR"):
    """The context of an action of the default scenario's first step with `tone`."""
    step = Step.objects.filter(scenario__company=customer.company,
                               scenario__is_default=True,
                               tone=tone).order_by("position").first()

    def line(i):
        return {"id": i.pk, "number": i.number, "due_date": i.due_date.isoformat(),
                "open_amount": str(i.open_amount), "days_late": 0}
    action = Action.objects.create(
        company=customer.company, customer=customer, step=step, planned_on=TODAY,
        currency=currency, channel=step.channel, tone=step.tone,
        contact=customer.contacts.order_by("pk").first(), amount=Decimal("1400.00"),
        summary={"scenario": step.scenario.name, "step": step.name,
                 "invoices": [line(late["a"]), line(late["b"])],
                 "others": [line(late["other"])]})
    return build_context(action, TODAY, portal_url="https://relance.test/p/the-token/")


def placed_text(pdf, page=0):
    """(text, mm from the left edge, mm from the top edge) of each line of a page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((plain(text), x * MM_PER_POINT, (A4_HEIGHT - y) * MM_PER_POINT))
    pdf_pages(pdf)[page].extract_text(visitor_text=visit)
    return runs


def money_fr(amount):
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", " ") + f",{cents} €"


# Letters -----------------------------------------------------------------------------

def test_a_formal_notice_in_french_claims_principal_penalties_and_indemnities(roux, late):
    context = context_for(roux, late, "formal_notice")
    text = pdf_text(letter_pdf(context, "Mise en demeure de payer", BODY_FR, "fr",
                               registered=True))

    penalties = context["penalties"]
    assert penalties["amount"] > 0 and penalties["indemnity"] == Decimal("120.00")
    assert "MISE EN DEMEURE" in text
    assert "Principal : montant restant dû sur les factures ci-dessus 1 650,00 €" in text
    assert "au taux annuel de 12,15 %" in text
    assert money_fr(penalties["amount"]) in text
    assert "3 factures en retard de paiement × 40,00 €" in text
    assert "(article D441-5 du Code de commerce) 120,00 €" in text
    total = Decimal("1650.00") + penalties["amount"] + Decimal("120.00")
    assert f"Total réclamé {money_fr(total)}" in text
    # the default scenario's formal notice gives 15 days
    assert "au plus tard le 8 décembre 2026" in text
    assert "injonction de payer" in text and "mis à votre charge" in text
    assert "Lyon" in text and "23 novembre 2026" in text
    assert "Malgré nos relances, les factures ci-dessous restent impayées." in text


def test_a_formal_notice_to_a_consumer_claims_no_fixed_indemnity(roux, late):
    roux.is_consumer = True
    roux.save()
    context = context_for(roux, late, "formal_notice")
    text = pdf_text(letter_pdf(context, "Mise en demeure de payer", BODY_FR, "fr"))
    assert context["penalties"]["indemnity"] == Decimal("0.00")
    assert "MISE EN DEMEURE" in text and "au taux annuel" in text
    assert "Indemnités forfaitaires" not in text


def test_the_english_formal_notice_says_formal_notice(roux, late):
    context = context_for(roux, late, "formal_notice")
    text = pdf_text(letter_pdf(context, "Formal notice to pay", "Dear Sir or Madam,", "en"))

    assert "FORMAL NOTICE" in text and "MISE EN DEMEURE" not in text
    assert "Lyon, 23 November 2026" in text
    assert "Principal: amount outstanding on the invoices above €1,650.00" in text
    assert "annual rate of 12.15%" in text
    assert "3 late invoices × €40.00" in text
    assert "by 8 December 2026 at the latest" in text
    assert "order for payment (injonction de payer)" in text


def test_a_formal_notice_without_a_deadline_gives_eight_days(roux, late):
    context = {**context_for(roux, late, "formal_notice"), "deadline": None}
    text = pdf_text(letter_pdf(context, "Mise en demeure", BODY_FR, "fr"))

    assert "au plus tard le 1er décembre 2026" in text


def test_the_shipped_formal_notice_prints_its_letterhead_once(roux, late):
    """Its text is a whole letter, addresses and subject included: the layout prints
    those, so the body is printed from its salutation on."""
    context = context_for(roux, late, "formal_notice")
    text = templating.render(*load_shipped("formal_notice", "fr"), context, "fr")
    printed = pdf_text(letter_pdf(context, text.subject, text.body, "fr", registered=True))

    assert printed.count("Objet :") == 1 and "Votre référence client" not in printed
    assert "Madame, Monsieur, Malgré nos relances précédentes" in printed
    assert printed.count("4 avenue Jean Jaurès") == 1
    assert printed.count("MISE EN DEMEURE") >= 2  # the heading, the subject
    assert "Julien Roux" in printed and printed.count("Service recouvrement") == 1


def test_a_legal_tone_is_a_formal_notice_too(roux, late):
    context = context_for(roux, late, "formal_notice")
    context["step"] = {**context["step"], "tone": "legal"}

    assert "MISE EN DEMEURE" in pdf_text(letter_pdf(context, "Objet", BODY_FR, "fr"))


def test_a_courteous_letter_lists_the_invoices_without_a_formal_notice(roux, late):
    context = context_for(roux, late, "courteous")
    text = pdf_text(letter_pdf(context, "Rappel de factures", BODY_FR, "fr"))

    assert "MISE EN DEMEURE" not in text and "Total réclamé" not in text
    for number, open_amount in (("FA-101", "1 000,00 €"), ("FA-102", "400,00 €"),
                                ("FA-099", "250,00 €")):
        assert re.search(rf"{number} .*? {open_amount}", text), number
    assert "1 650,00 €" in text
    assert "FR76 3000 6000 0112 3456 7890 189" in text  # the IBAN, grouped by four
    assert context["payment"]["reference"] in text


def test_the_recipient_address_shows_through_the_envelope_window(roux, late):
    """Whatever the slide of a sheet folded in three in a DL envelope (window 100 x 45
    mm, 20 mm from the right, 15 mm from the bottom) or a C6/5 one, the part of the
    sheet that shows is 109-190 mm from the left and 54-84 mm from the top."""
    pdf = letter_pdf(context_for(roux, late, "courteous"), "Rappel", BODY_FR, "fr")
    placed = {text: (x, y) for text, x, y in placed_text(pdf)}

    for line in ("Boulangerie Roux", "Compta ROUX", "4 avenue Jean Jaurès",
                 "33000 Bordeaux"):
        x, y = placed[line]
        assert 109 <= x <= 190 - 40 and 54 <= y <= 84, (line, x, y)
    x, y = placed["Ateliers Test SAS"]
    assert x < 100, "the sender's header stays out of the window"


def test_a_registered_letter_says_so(roux, late):
    context = context_for(roux, late, "firm")
    registered = pdf_text(letter_pdf(context, "Reminder", "Hello", "en", registered=True))
    ordinary = pdf_text(letter_pdf(context, "Reminder", "Hello", "en"))

    mention = "registered letter with acknowledgement of receipt"
    assert mention in registered.lower() and mention not in ordinary.lower()


def test_the_body_is_plain_text_escaped_and_in_paragraphs(roux, late):
    body = "First <b>line</b> & more\nsame paragraph\n\n\n\nSecond paragraph"
    pdf = letter_pdf(context_for(roux, late, "courteous"), "Reminder", body, "en")
    placed = {text: y for text, x, y in placed_text(pdf)}

    assert "First <b>line</b> & more" in placed
    line_gap = placed["same paragraph"] - placed["First <b>line</b> & more"]
    paragraph_gap = placed["Second paragraph"] - placed["same paragraph"]
    assert 0 < line_gap < paragraph_gap < 3 * line_gap  # blank lines make one gap


def test_the_letter_is_signed_once(roux, late):
    context = context_for(roux, late, "courteous")
    signed_body = letter_pdf(context, "Rappel", BODY_FR, "fr")
    unsigned_body = letter_pdf(context, "Rappel", "Madame, Monsieur,", "fr")

    assert pdf_text(signed_body).count("Service recouvrement") == 1
    assert pdf_text(unsigned_body).count("Service recouvrement") == 1


def test_only_euro_letters_carry_the_epc_qr_code(roux, late):
    euros = context_for(roux, late, "courteous")
    dollars = {**euros, "total": {"currency": "USD", "amount": Decimal("1650.00")}}

    caption = "Scan with your banking app"
    assert caption in pdf_text(letter_pdf(euros, "Reminder", "Hello", "en"))
    assert caption not in pdf_text(letter_pdf(dollars, "Reminder", "Hello", "en"))


# Invoice summary ---------------------------------------------------------------------

@pytest.fixture
def summary_parts(company, roux, late):
    context = context_for(roux, late, "courteous")
    b = late["b"]
    return context["company"], context["customer"], {
        "number": b.number, "issue_date": b.issue_date, "due_date": b.due_date,
        "amount_excl_tax": Decimal("833.33"), "vat": Decimal("166.67"),
        "amount": Decimal("1000.00"), "open_amount": Decimal("400.00"), "currency": "EUR"}


def test_the_invoice_summary_says_it_is_not_the_original(summary_parts):
    pdf = invoice_summary_pdf(*summary_parts, "en")
    text = pdf_text(pdf)

    assert page_count(pdf) == 1
    assert "Summary of invoice FA-102" in text
    assert "This document is a summary of the invoice, not the original invoice" in text
    assert "€833.33" in text and "€166.67" in text and "€1,000.00" in text
    assert "Already paid or credited €600.00" in text
    assert re.search(r"Open amount €400\.00", text)
    assert "Reference to quote: FA-102" in text


def test_the_french_summary_formats_in_french(summary_parts):
    text = pdf_text(invoice_summary_pdf(*summary_parts, "fr"))

    assert "Reste dû 400,00 €" in text
    assert "Échéance : 13 novembre 2026" in text


# Print batch -------------------------------------------------------------------------

def test_a_duplex_batch_starts_every_letter_on_the_front_of_a_sheet(roux, late):
    notice, courteous = (context_for(roux, late, tone) for tone in ("formal_notice",
                                                                     "courteous"))
    long_body = "\n\n".join(f"Paragraphe {n} : " + "texte " * 60 for n in range(30))
    letters = [letter_pdf(context, f"Lettre {name}", body, "fr")
               for name, context, body in (("un", notice, long_body),
                                           ("deux", courteous, "Bonjour."),
                                           ("trois", notice, "Bonjour."))]
    counts = [page_count(pdf) for pdf in letters]
    assert any(count % 2 for count in counts), "the story needs an odd letter"

    duplex = page_texts(print_batch(letters))
    simplex = page_texts(print_batch(letters, duplex=False))

    assert len(duplex) == sum(count + count % 2 for count in counts)
    assert len(simplex) == sum(counts)
    for name in ("un", "deux", "trois"):
        first = next(i for i, page in enumerate(duplex) if f"Lettre {name}" in page)
        assert first % 2 == 0, f"letter {name} starts on page {first + 1}"
    assert duplex.count("") == sum(count % 2 for count in counts)


def test_an_empty_batch_is_refused():
    with pytest.raises(ValueError):
        print_batch([])


# History -----------------------------------------------------------------------------

def test_the_history_holds_the_ledger_the_timeline_and_the_messages_sent(company, roux, late):
    payment = Payment.objects.create(company=company, customer=roux, reference="VIR-7781",
                                     date=TODAY - dt.timedelta(days=12),
                                     amount=Decimal("600.00"))
    Allocation.objects.create(invoice=late["b"], payment=payment, amount=Decimal("600.00"),
                              date=payment.date)
    Dispute.objects.create(invoice=late["other"], reason="quality",
                           comment="Pain livré rassis", opened_on=TODAY - dt.timedelta(days=5))
    timeline.record(company, "dispute.opened", invoice=late["other"], actor_label="debtor",
                    message="Lot du 2 septembre contesté",
                    at=dt.datetime(2026, 11, 18, 9, 30, tzinfo=dt.timezone.utc))
    timeline.record(company, "payment.received", customer=roux, actor_label="bank",
                    message="Virement VIR-7781 reçu",
                    at=dt.datetime(2026, 11, 11, 14, 0, tzinfo=dt.timezone.utc))
    messages = [{"sent_at": dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc),
                 "channel": "email", "recipients": ["compta@roux.example"],
                 "subject": "Second reminder: FA-101",
                 "text": "Dear customer,\n\nInvoice FA-101 is still unpaid.\n\nJulien",
                 "attachments": ["FA-101.pdf"]}]

    text = pdf_text(history_pdf(roux, "en", TODAY, messages))

    assert "History of Boulangerie Roux" in text and "498765437" in text
    assert "Compta ROUX" in text and "Achats ROUX" in text
    for number in ("FA-099", "FA-101", "FA-102"):
        assert number in text
    assert "VIR-7781" in text and "payment VIR-7781" in text  # the payment, its allocation
    assert "Pain livré rassis" in text
    assert "Dispute opened" in text and "Lot du 2 septembre contesté" in text
    # oldest first, in Paris time
    assert text.index("11/11/2026 15:00:00") < text.index("18/11/2026 10:30:00")
    assert "Invoice FA-101 is still unpaid." in text
    assert "compta@roux.example" in text and "FA-101.pdf" in text
    assert text.endswith("End of the history.") or "End of the history." in text


def test_a_long_history_is_laid_out_in_parts_with_page_numbers_running_on(
        company, roux, late, monkeypatch):
    monkeypatch.setattr(history, "ROW_BUDGET", 25)
    for n in range(60):
        timeline.record(company, "action.planned", customer=roux, message=f"Étape {n:02d}",
                        at=dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc)
                        + dt.timedelta(hours=n))

    pages = page_texts(history_pdf(roux, "en", TODAY))

    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"Page {number}\b", page), f"page {number}: {page[-80:]}"
    text = " ".join(pages)
    steps = [int(n) for n in re.findall(r"Étape (\d\d)", text)]
    assert steps == list(range(60)), "every event once, oldest first"
    assert "Timeline (continued)" in text
