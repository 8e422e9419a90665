"""Paying by transfer: the bank details, a reference naming the customer and the chosen
invoices, and an EPC QR code decoded back from the PNG the portal serves and checked
field by field against EPC069-12 (version 002, "SCT")."""
import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image
from stdnum import iso11649

from relance.portal import rules
from tests.portal import world

EPC_LINES = ("service_tag", "version", "charset", "identification", "bic", "name", "iban",
             "amount", "purpose", "reference", "text", "information")


def decoded(client, query):
    """The QR code the portal serves for `query`, read by a real decoder, as fields."""
    response = client.get(reverse("portal:qr_png"), query)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    raw = found.text
    assert len(raw.encode("utf-8")) <= 331                        # EPC069-12 maximum
    lines = raw.split("\n")
    assert 10 <= len(lines) <= 12
    return dict(zip(EPC_LINES, lines + [""] * (12 - len(lines)))), found


def assert_epc069_12(fields):
    assert fields["service_tag"] == "BCD"
    assert fields["version"] == "002"
    assert fields["charset"] in {str(n) for n in range(1, 9)}
    assert fields["identification"] == "SCT"
    assert len(fields["name"]) <= 70
    assert re.fullmatch(r"EUR\d{1,9}(\.\d{1,2})?", fields["amount"])
    assert not (fields["reference"] and fields["text"])           # one remittance only
    assert len(fields["reference"]) <= 35 and len(fields["text"]) <= 140


def test_the_qr_code_carries_the_creditor_the_amount_and_the_rf_reference(debtor, story):
    fields, found = decoded(debtor, {"invoices": [story["f1"].pk]})
    assert_epc069_12(fields)
    assert fields["bic"] == "AGRIFRPP"
    assert fields["name"] == "Ateliers Test SAS"
    assert fields["iban"] == "FR7630006000011234567890189"
    assert Decimal(fields["amount"][3:]) == Decimal("1100.00")     # less AV-001
    assert iso11649.is_valid(fields["reference"])
    assert fields["reference"] == "RF" + fields["reference"][2:4] + "C042ZF001"
    assert found.ec_level in ("M", "L", "Q", "H")


def test_the_default_amount_deducts_the_credit_notes_available(debtor, story):
    page = debtor.get(reverse("portal:pay")).content.decode()
    amount = page.split('class="transfer-amount">')[1].split("<")[0]
    assert re.sub(r"\D", "", amount) == "140000"          # 1200 + 300 - 100
    assert "transfer-credited" in page


def test_the_chosen_amount_goes_in_the_code(debtor, story):
    fields, _found = decoded(debtor, {"invoices": [story["f1"].pk, story["f2"].pk],
                                      "amount": "250.50"})
    assert_epc069_12(fields)
    assert fields["amount"] == "EUR250.5"


def test_two_short_invoice_numbers_still_fit_the_rf_reference(debtor, story):
    fields, _found = decoded(debtor, {"invoices": [story["f1"].pk, story["f2"].pk]})
    assert_epc069_12(fields)
    assert fields["reference"][4:] == "C042ZF001ZF002" and fields["text"] == ""


def test_when_the_invoices_do_not_fit_a_reference_the_text_names_them(debtor, story):
    long = world.invoice(story["late"], "FAC-2026-000123", "80.00", 5)
    fields, _found = decoded(debtor, {"invoices": [story["f1"].pk, long.pk]})
    assert_epc069_12(fields)
    assert fields["reference"] == "" and fields["text"] == "C042 F-001 FAC-2026-000123"


def test_the_pay_page_shows_iban_bic_reference_and_the_code(debtor, story):
    page = debtor.get(reverse("portal:pay"), {"invoices": [story["f1"].pk]}).content.decode()
    assert "FR76 3000 6000 0112 3456 7890 189" in page and "AGRIFRPP" in page
    assert iso11649.format(rules.transfer_reference("C042", ["F-001"])[0]) in page
    assert 'id="epc-qr"' in page


def test_an_amount_above_what_is_open_is_a_form_error(debtor, story):
    response = debtor.get(reverse("portal:pay"), {"invoices": [story["f1"].pk],
                                                  "amount": "1200.01"})
    assert response.status_code == 400


@pytest.mark.parametrize("customer, invoices, structured, text", [
    ("C042", ["F-001"], True, ""),
    ("C042", [], True, ""),
    ("CLIENT-0042", ["2026-000123", "2026-000124"], False,
     "CLIENT-0042 2026-000123 2026-000124"),
])
def test_the_transfer_reference_names_the_customer_and_the_invoices(
        customer, invoices, structured, text):
    reference, words = rules.transfer_reference(customer, invoices)
    assert bool(reference) is structured and words == text
    if reference:
        assert iso11649.is_valid(reference)


def test_a_long_list_of_invoices_is_cut_to_what_a_transfer_carries():
    _reference, words = rules.transfer_reference("C042", [f"F-{n:06d}" for n in range(40)])
    assert len(words) == 140 and words.startswith("C042 F-000000")
