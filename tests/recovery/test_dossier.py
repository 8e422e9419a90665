"""The dossier of a claim as a ZIP: every member opened and checked.

The world: Ateliers Test SAS (Lyon) reminds Garage Lenoir (SIREN 542 107 651, Lyon
3e), whom Paul collects from, through a real SMTP server. On Monday 15 June 2026 the
daily run sends a friendly email about F-LATE (1,200.00, one day late) and a formal
notice by registered letter about F-NOTICE (2,500.00, thirty days late, its own PDF in
the ledger); Claire approves the notice, the worker delivers both, and the letter is
posted the same day with tracking number 1A00112233445. F-DISP (900.00) is disputed.
Lenoir then promises to pay F-LATE by 22 June. The dossier is drawn up that Monday.
"""
import csv
import datetime as dt
import email
import hashlib
import io
import json
import zipfile
from decimal import Decimal
from email import policy

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from relance.cases import services
from relance.delivery.channels import Postman
from relance.delivery.evidence import eml
from relance.delivery.letters import Posting, mark_posted
from relance.delivery.models import Message
from relance.delivery.policy import Hours
from relance.delivery.sending import Config, Courier
from relance.dunning import actions
from relance.dunning.models import Action, ActionStatus
from relance.dunning.run import run_dunning
from relance.recovery.dossier import AGENCY, steady_eml, write_dossier
from tests.dunning.world import D, creditor, customer, invoice, team
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)
FRIDAY = D(2026, 6, 5)
TEN_AM = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))
CONFIG = Config(Hours.parse("08:00-19:00"), lease_seconds=60, retry_seconds=60,
                max_attempts=1, max_per_minute=0)
OWN_PDF = b"%PDF-1.4\n% the invoice as the creditor issued it\n%%EOF\n"


@pytest.fixture
def world(smtp_server):
    company = creditor(email="relances@ateliers-test.example", address_line1="3 quai Perrache",
                       postal_code="69002", city="Lyon")
    people = team("claire", "paul", "lea", "sam")
    lenoir = customer(company, "LENOIR", name="Garage Lenoir", owner=people["paul"],
                      sales_rep=people["sam"], siren="542107651",
                      address_line1="12 rue des Forges", postal_code="69003", city="Lyon")
    # Friday 5 June: the friendly reminder of F-LATE, in writing
    late = invoice(lenoir, "1200.00", FRIDAY - dt.timedelta(days=1), number="F-LATE")
    run_dunning(company, FRIDAY)
    # then invoices imported since; on Monday the formal notice, ten days after the email
    notice = invoice(lenoir, "2500.00", MONDAY - dt.timedelta(days=30), number="F-NOTICE")
    notice.pdf.save("F-NOTICE.pdf", ContentFile(OWN_PDF))
    disputed = invoice(lenoir, "900.00", MONDAY - dt.timedelta(days=10), number="F-DISP")
    services.open_dispute(disputed, "quality", "Pièces abîmées", MONDAY - dt.timedelta(days=5))
    postman = Postman()
    courier = Courier(postman, CONFIG, ignore_hours=True)
    while courier.handle_one(TEN_AM):
        pass
    run_dunning(company, MONDAY)
    for action in Action.objects.filter(status=ActionStatus.AWAITING_APPROVAL):
        actions.approve(action, people["claire"])
    while courier.handle_one(TEN_AM):
        pass
    postman.close()
    letter = Message.objects.get(channel="registered_letter")
    mark_posted([Posting(letter, MONDAY, "1A00112233445")], people["claire"])
    services.record_promise(lenoir, [late], Decimal("1200.00"), MONDAY + dt.timedelta(days=7),
                            MONDAY, "Virement lundi prochain", people["paul"])
    return {"company": company, "lenoir": lenoir, "letter": letter,
            "email": Message.objects.get(channel="email"), **people}


def dossier(customer, purpose="court"):
    out = io.BytesIO()
    write_dossier(customer, MONDAY, out, purpose=purpose, language="en")
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def text_in(archive, name):
    """The text of one of the dossier's PDFs, as tests/support/pdf.py reads it: a table
    cell wraps where the machine's fonts fill it, so line breaks count as spaces."""
    return pdf_text(archive.read(name))


def test_the_court_dossier_holds_every_document_of_the_claim(world):
    archive = dossier(world["lenoir"])
    letter = world["letter"].attachments.get().name
    email_attachment = world["email"].attachments.get().name
    assert archive.namelist() == [
        "statement/statement.pdf", "statement/statement.csv",
        "invoices/F-NOTICE.pdf", "invoices/F-LATE-summary.pdf",
        "reminders/01-2026-06-15-email/message.eml",
        f"reminders/01-2026-06-15-email/{email_attachment}",
        "reminders/01-2026-06-15-email/sending.json",
        f"reminders/02-2026-06-15-registered_letter/{letter}",
        "reminders/02-2026-06-15-registered_letter/sending.json",
        "agreements/agreements.pdf", "debtor.json", "cerfa-12946.json", "cerfa-12946.pdf",
        "index.csv", "README.txt"]
    assert archive.testzip() is None


def test_the_index_lists_every_other_file_with_its_date_and_true_sha256(world):
    archive = dossier(world["lenoir"])
    rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
    assert [r["file"] for r in rows] == archive.namelist()[:-2]
    for row in rows:
        content = archive.read(row["file"])
        assert row["sha256"] == hashlib.sha256(content).hexdigest()
        assert int(row["size"]) == len(content)
    dates = {r["file"]: r["date"] for r in rows}
    assert dates["invoices/F-NOTICE.pdf"] == "2026-04-16"        # its issue date
    assert dates["statement/statement.pdf"] == "2026-06-15"
    readme = archive.read("README.txt").decode()
    assert all(row["sha256"] in readme for row in rows)


def test_the_claim_leaves_the_disputed_invoice_out_everywhere(world):
    archive = dossier(world["lenoir"])
    statement = text_in(archive, "statement/statement.pdf")
    assert "F-NOTICE" in statement and "F-LATE" in statement and "F-DISP" not in statement
    assert "F-DISP" not in archive.read("statement/statement.csv").decode("utf-8-sig")
    data = json.loads(archive.read("cerfa-12946.json"))
    assert [i["number"] for i in data["invoices"]] == ["F-NOTICE", "F-LATE"]
    assert [(e["number"], e["reason"]) for e in data["excluded"]] == [("F-DISP", "disputed")]


def test_the_cerfa_data_holds_the_parties_the_amounts_and_the_court(world):
    archive = dossier(world["lenoir"])
    data = json.loads(archive.read("cerfa-12946.json"))
    assert data["form"] == "12946" and data["as_of"] == "2026-06-15"
    assert data["procedure"] == "small_claims"
    assert data["creditor"]["name"] == "Ateliers Test SAS"
    assert data["debtor"]["siren"] == {"value": "542107651", "valid": True,
                                       "formatted": "542 107 651"}
    amounts = data["amounts"]
    assert amounts["principal"] == "3700.00" and amounts["indemnities"] == "80.00"
    assert Decimal(amounts["total"]) == (Decimal("3780.00") + Decimal(amounts["interest"]))
    assert Decimal(amounts["interest"]) > 0
    assert amounts["interest_rate"]["policy"] == "statutory"
    assert amounts["interest_rate"]["rates_applied"] == ["12.15"]    # ECB 2.15 + 10
    assert "invoices/F-NOTICE.pdf" in data["documents"]
    summary = text_in(archive, "cerfa-12946.pdf")
    for text in ("Cerfa 12946", "Garage Lenoir", "542107651", amounts["total"],
                 "Small-claims procedure", "F-DISP is disputed"):
        assert text in summary


def test_the_debtor_file_has_the_identity_and_the_contacts(world):
    debtor = json.loads(dossier(world["lenoir"]).read("debtor.json"))
    assert debtor["name"] == "Garage Lenoir" and debtor["siren"]["valid"] is True
    assert debtor["address"]["lines"] == ["12 rue des Forges", "69003 Lyon"]
    assert debtor["address"]["postal_code"] == "69003"
    assert {c["email"] for c in debtor["contacts"]} == {"compta@lenoir.example",
                                                       "achats@lenoir.example"}


def test_the_email_in_the_dossier_is_the_email_as_sent(world, smtp_server):
    archive = dossier(world["lenoir"])
    sent = world["email"]
    raw = archive.read("reminders/01-2026-06-15-email/message.eml")
    assert raw == steady_eml(eml(sent), sent.message_id)
    parsed = email.message_from_bytes(raw, policy=policy.default)
    [mail] = [m for m in smtp_server.messages if m.message["Message-ID"] == sent.message_id]
    for header in ("Subject", "From", "To", "Message-ID"):
        assert parsed[header] == mail.message[header]
    assert parsed.get_body(("plain",)).get_content() == mail.message.get_body(
        ("plain",)).get_content()
    [attachment] = sent.attachments.all()
    member = archive.read(f"reminders/01-2026-06-15-email/{attachment.name}")
    assert hashlib.sha256(member).hexdigest() == attachment.sha256


def test_the_letter_comes_with_its_postage_tracking_number_and_posting_date(world):
    archive = dossier(world["lenoir"])
    record = json.loads(archive.read("reminders/02-2026-06-15-registered_letter/sending.json"))
    assert record["formal_notice"] is True
    assert (record["postage"], record["tracking_number"], record["posted_on"]) == (
        "registered", "1A00112233445", "2026-06-15")
    letter = world["letter"].attachments.get()
    assert "F-NOTICE" in text_in(archive, f"reminders/02-2026-06-15-registered_letter/"
                                           f"{letter.name}")


def test_the_agreements_and_the_invoice_files_are_there(world):
    archive = dossier(world["lenoir"])
    agreements = text_in(archive, "agreements/agreements.pdf")
    assert "Promise to pay" in agreements and "Virement lundi prochain" in agreements
    assert archive.read("invoices/F-NOTICE.pdf") == OWN_PDF
    assert "F-LATE" in text_in(archive, "invoices/F-LATE-summary.pdf")


def test_the_same_dossier_twice_is_the_same_bytes(world):
    first, second = io.BytesIO(), io.BytesIO()
    write_dossier(world["lenoir"], MONDAY, first, language="en")
    write_dossier(world["lenoir"], MONDAY, second, language="en")
    assert first.getvalue() == second.getvalue()


def test_the_agency_flavour_has_the_mandate_instead_of_the_cerfa(world):
    archive = dossier(world["lenoir"], AGENCY)
    assert "cerfa-12946.json" not in archive.namelist()
    mandate = json.loads(archive.read("agency-mandate.json"))
    assert mandate["breakdown"] == {"currency": "EUR", "principal": "3700.00",
                                    "interest": mandate["breakdown"]["interest"],
                                    "other": "80.00", "total": mandate["breakdown"]["total"]}
    assert mandate["creditor"]["name"] == "Ateliers Test SAS"
    assert mandate["debtor"]["name"] == "Garage Lenoir"
    assert "Collection agency mandate" in text_in(archive, "agency-mandate.pdf")


def test_the_command_writes_the_dossier_to_a_file(world, tmp_path):
    out = io.StringIO()
    target = tmp_path / "lenoir.zip"
    call_command("legal", "dossier", "LENOIR", "--as-of", "2026-06-15", "--out", str(target),
                 "--language", "en", stdout=out)
    assert "15 files" in out.getvalue()
    assert "cerfa-12946.json" in zipfile.ZipFile(target).namelist()


def test_the_command_refuses_an_unknown_customer(world):
    from django.core.management.base import CommandError
    with pytest.raises(CommandError, match="NOBODY"):
        call_command("legal", "dossier", "NOBODY", stdout=io.StringIO())
