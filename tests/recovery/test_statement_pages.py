"""The statement of claim of a customer on screen, as PDF and as CSV.

The world: Ateliers Test SAS; Paul collects from Lenoir, who owes 1000.00 due on
15 June 2025 and paid 400.00 of it on 1 July, and 2000.00 in dollars due the same day.
On 15 July 2025 (worked in tests/legal/test_statement.py) Lenoir owes 600.00 + 8.53
penalties + 40 + 40 indemnities = 688.53 EUR, and 2000.00 + 20.80 = 2020.80 USD.
Léa collects from others; Claire manages credit and sees everyone.
"""
import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from relance.compose.context import context_for_customer
from relance.dunning.models import Step
from relance.ledger.models import Allocation, Invoice, Payment
from tests.dunning.world import creditor, customer, invoice, team
from tests.support.pdf import pdf_text

D = dt.date
AS_OF = "2025-07-15"


@pytest.fixture
def world(db):
    company = creditor()
    people = team("claire", "paul", "lea", "sam")
    lenoir = customer(company, "LENOIR", owner=people["paul"])
    owed = invoice(lenoir, "1000.00", D(2025, 6, 15), number="F-2025-001",
                   open_amount=Decimal("600.00"))
    invoice(lenoir, "2000.00", D(2025, 6, 15), number="US-2025-001", currency="USD")
    payment = Payment.objects.create(company=company, customer=lenoir, reference="VIR-77",
                                     date=D(2025, 7, 1), currency="EUR",
                                     amount=Decimal("400.00"),
                                     unapplied_amount=Decimal("0.00"))
    Allocation.objects.create(invoice=owed, payment=payment, amount=Decimal("400.00"),
                              date=D(2025, 7, 1))
    return {"lenoir": lenoir, **people}


def url(world, name="statement", **query):
    query = {"as_of": AS_OF, **query}
    return (reverse(f"legal:{name}", args=[world["lenoir"].pk]) + "?"
            + "&".join(f"{key}={value}" for key, value in query.items()))


def get(client, user, address, language="en"):
    client.force_login(user)
    return client.get(address, HTTP_ACCEPT_LANGUAGE=language)


def test_the_page_shows_the_lines_their_periods_and_the_totals_per_currency(client, world):
    response = get(client, world["paul"], url(world))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("F-2025-001", "US-2025-001", "600.00", "8.53", "688.53", "2,020.80",
                 "15 days on 1,000.00"):
        assert text in page, text
    assert url(world, "statement_pdf").split("?")[0] in page
    assert url(world, "statement_csv").split("?")[0] in page


def test_an_invoice_not_yet_due_is_listed_apart_and_left_out_of_the_totals(client, world):
    invoice(world["lenoir"], "5000.00", D(2025, 7, 20), number="F-2025-009")
    page = get(client, world["paul"], url(world)).content.decode()
    apart = page.split("Not yet due, not claimed")[1]
    assert "F-2025-009" in apart and "5,000.00" in apart
    assert "F-2025-009" not in page.split("Not yet due, not claimed")[0]
    assert "688.53" in page         # the euro total claimed, as without it
    pdf = pdf_text(get(client, world["paul"], url(world, "statement_pdf")).content)
    assert "Not yet due, not claimed F-2025-009" in pdf.replace("\n", " ").replace(
        "Invoice Issue date Due date Open principal ", "")


def test_the_pdf_prints_the_statement_in_the_request_language(client, world):
    response = get(client, world["paul"], url(world, "statement_pdf"), language="fr")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ("Ateliers Test SAS", "LENOIR SARL", "F-2025-001", "15 juillet 2025",
                     "688,53", "2 020,80", "8,53"):
        assert expected in text, expected


def parsed_csv(response, delimiter):
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")          # the BOM Excel needs
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_the_csv_in_french_uses_semicolons_and_decimal_commas(client, world):
    rows = parsed_csv(get(client, world["paul"], url(world, "statement_csv"), "fr"), ";")
    header, euro, dollar, total_eur, total_usd = rows
    assert len(header) == len(euro) == len(total_eur) == 14
    assert euro[0] == "F-2025-001"
    assert (euro[7], euro[9], euro[10], euro[11], euro[12], euro[13]) == (
        "2025-07-01:400,00", "600,00", "30", "8,53", "40,00", "648,53")
    assert dollar[0] == "US-2025-001" and dollar[13] == "2020,80"
    assert (total_eur[3], total_eur[12], total_eur[13]) == ("EUR", "80,00", "688,53")
    assert (total_usd[3], total_usd[13]) == ("USD", "2020,80")


def test_the_csv_in_english_uses_commas_and_dots(client, world):
    rows = parsed_csv(get(client, world["paul"], url(world, "statement_csv"), "en"), ",")
    assert rows[0][0] == "Invoice"
    assert rows[-2][13] == "688.53" and rows[-1][13] == "2020.80"


def test_the_invoices_paid_late_in_full_are_added_on_request(client, world):
    lenoir = world["lenoir"]
    invoice(lenoir, "1000.00", D(2025, 5, 15), number="F-2025-000",
            open_amount=Decimal("0.00"), status="paid", paid_on=D(2025, 6, 14))
    payment = Payment.objects.create(company=lenoir.company, customer=lenoir,
                                     reference="VIR-76", date=D(2025, 6, 14),
                                     currency="EUR", amount=Decimal("1000.00"),
                                     unapplied_amount=Decimal("0.00"))
    Allocation.objects.create(invoice_id=lenoir.invoices.get(number="F-2025-000").pk,
                              payment=payment, amount=Decimal("1000.00"),
                              date=D(2025, 6, 14))
    assert "F-2025-000" not in get(client, world["paul"], url(world)).content.decode()
    page = get(client, world["paul"], url(world, paid_late="on")).content.decode()
    assert "F-2025-000" in page


def test_the_customer_page_links_to_the_statement(client, world):
    page = get(client, world["paul"],
               reverse("web:customer", args=[world["lenoir"].pk])).content.decode()
    assert reverse("legal:statement", args=[world["lenoir"].pk]) in page


@pytest.mark.parametrize("name", ["statement", "statement_pdf", "statement_csv"])
def test_another_collector_or_a_sales_rep_of_others_gets_a_404(client, world, name):
    assert get(client, world["lea"], url(world, name)).status_code == 404
    assert get(client, world["sam"], url(world, name)).status_code == 404
    assert get(client, world["claire"], url(world, name)).status_code == 200


@pytest.mark.parametrize("name", ["statement", "statement_pdf", "statement_csv"])
def test_a_bad_date_is_a_form_error_not_a_server_error(client, world, name):
    response = get(client, world["paul"], url(world, name, as_of="2025-13-45"))
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_without_a_date_the_statement_is_todays(client, world):
    response = get(client, world["paul"],
                   reverse("legal:statement", args=[world["lenoir"].pk]))
    assert response.status_code == 200
    assert "F-2025-001" in response.content.decode()


def test_a_reminder_carries_the_claim_in_its_currency(world):
    lenoir = world["lenoir"]
    step = Step.objects.filter(scenario__company=lenoir.company, scenario__is_default=True,
                               tone="courteous").order_by("position").first()
    context = context_for_customer(lenoir, step, D(2025, 7, 15), portal_url="")
    # The reminder is about the euro invoice: its claim is that invoice's line of the
    # statement (the dollar invoice's 40 EUR indemnity goes with its own reminder).
    assert context["claim"] == {
        "currency": "EUR", "principal": Decimal("1000.00"), "payments": Decimal("400.00"),
        "open": Decimal("600.00"), "penalties": Decimal("8.53"),
        "indemnities": Decimal("40.00"), "total": Decimal("648.53")}
    assert context["claims"] == [context["claim"]]


def test_a_reminder_in_dollars_claims_its_indemnity_in_euros(world):
    lenoir = world["lenoir"]
    Invoice.objects.filter(number="F-2025-001").update(open_amount=0, status="paid")
    step = Step.objects.filter(scenario__company=lenoir.company, scenario__is_default=True,
                               tone="courteous").order_by("position").first()
    context = context_for_customer(lenoir, step, D(2025, 7, 15), portal_url="")
    dollars, euros = context["claims"]
    # 2000 × 13.15 × 15 / 36500 = 10.81 ; 2000 × 12.15 × 15 / 36500 = 9.99
    assert (dollars["currency"], dollars["open"], dollars["penalties"], dollars["total"]) == (
        "USD", Decimal("2000.00"), Decimal("20.80"), Decimal("2020.80"))
    assert (euros["currency"], euros["indemnities"], euros["total"]) == (
        "EUR", Decimal("40.00"), Decimal("40.00"))
    assert (context["penalties"]["indemnity"], context["penalties"]["indemnity_currency"],
            context["penalties"]["total"]) == (Decimal("40.00"), "EUR", Decimal("20.80"))
