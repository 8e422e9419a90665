"""Every list exports to CSV and Excel with its current filters.

The world: Atelier Dupont sells to Retard & Fils (F-45 for 3,000.00 and F-100 for
700.50, both late) and Bon Payeur (F-OK, not due). Claire manages credit.
"""
import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from relance.dunning.run import run_dunning
from relance.team.models import User
from tests.dunning.world import creditor, customer
from tests.support.ledger_builders import days_ago, invoice


@pytest.fixture
def world(db):
    company = creditor()
    late = customer(company, "C-LATE", name="Retard & Fils")
    good = customer(company, "C-GOOD", name="Bon Payeur")
    return {"company": company, "late": late, "good": good,
            "f45": invoice(late, "3000.00", due_days_ago=45, number="F-45"),
            "f100": invoice(late, "700.50", due_days_ago=100, number="F-100"),
            "ok": invoice(good, "90.00", due_days_ago=-20, number="F-OK")}


@pytest.fixture
def claire(world):
    client = Client()
    client.force_login(User.objects.create_user("claire@atelier.test", None,
                                                role="credit_manager"))
    return client


def read_csv(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def read_xlsx(response):
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_invoice_list_exports_to_csv_with_its_filter(claire, world):
    response = claire.get(reverse("web:invoices"), {"overdue": "on", "format": "csv"},
                          HTTP_ACCEPT_LANGUAGE="fr")

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="invoices-' in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[0] == "Numéro" or header[0] == "Number"
    assert sorted(row[0] for row in rows) == ["F-100", "F-45"]
    f100 = next(row for row in rows if row[0] == "F-100")
    assert "700,50" in f100, "French Excel reads decimal commas"
    assert days_ago(100).isoformat() in f100


def test_the_invoice_list_exports_to_excel_with_numbers_and_dates(claire, world):
    response = claire.get(reverse("web:invoices"), {"q": "F-45", "format": "xlsx"},
                          HTTP_ACCEPT_LANGUAGE="en")

    header, *rows = read_xlsx(response)
    assert header[:2] == ["Number", "Customer reference"]
    [row] = rows
    assert row[0] == "F-45" and row[1] == "C-LATE"
    assert row[header.index("Open amount")] == 3000
    assert row[header.index("Due date")] == dt.datetime.combine(days_ago(45), dt.time())


def test_the_customer_list_exports_its_filtered_customers_with_totals(claire, world):
    response = claire.get(reverse("web:customers"), {"overdue": "on", "format": "xlsx"},
                          HTTP_ACCEPT_LANGUAGE="en")

    header, *rows = read_xlsx(response)
    assert [row[0] for row in rows] == ["C-LATE"]
    assert Decimal(str(rows[0][header.index("Overdue (EUR)")])) == Decimal("3700.50")


def test_an_export_keeps_to_the_collectors_portfolio(world):
    paul = User.objects.create_user("paul@atelier.test", None, role="collector")
    world["good"].owner = paul
    world["good"].save()
    client = Client()
    client.force_login(paul)

    header, *rows = read_csv(client.get(reverse("web:invoices"), {"format": "csv"}))

    assert [row[0] for row in rows] == ["F-OK"]


def test_the_list_pages_link_to_their_exports_with_the_current_filters(claire, world):
    page = claire.get(reverse("web:invoices"), {"overdue": "on", "page": "2"}).content.decode()
    assert "?overdue=on&amp;format=csv" in page and "?overdue=on&amp;format=xlsx" in page
    for name in ("web:customers", "dunning:review", "dunning:calendar", "delivery:calls",
                 "outbox:list"):
        assert "format=xlsx" in claire.get(reverse(name)).content.decode(), name


def test_the_dunning_lists_export_their_rows(claire, world):
    today = dt.date.today()
    run_dunning(world["company"], today)

    calendar = read_csv(claire.get(reverse("dunning:calendar"), {"format": "csv"}))
    outbox = read_xlsx(claire.get(reverse("outbox:list"), {"format": "xlsx"}))
    review = read_csv(claire.get(reverse("dunning:review"), {"format": "csv"}))
    calls = read_csv(claire.get(reverse("delivery:calls"), {"format": "csv"}))

    assert len(outbox) > 1 and all(len(row) == len(outbox[0]) for row in outbox)
    assert {row[2] for row in outbox[1:]} == {"C-LATE"}
    for table in (calendar, review, calls):
        assert all(len(row) == len(table[0]) for row in table)


def test_an_unknown_format_shows_the_page(claire, world):
    response = claire.get(reverse("web:invoices"), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


FORMULA = "=cmd|' /C calc'!A0"


def test_a_name_that_looks_like_a_formula_stays_text_in_both_formats(claire, world):
    world["late"].name = FORMULA
    world["late"].save()
    world["good"].name = "+33 Négoce"
    world["good"].save()

    rows = read_csv(claire.get(reverse("web:customers"), {"format": "csv"}))
    names = {row[1] for row in rows[1:]}
    assert names == {"'" + FORMULA, "'+33 Négoce"}

    content = b"".join(claire.get(reverse("web:customers"), {"format": "xlsx"})
                       .streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert {(c.value, c.data_type) for c in cells} == {(FORMULA, "s"), ("+33 Négoce", "s")}


def test_a_statement_csv_neutralises_an_invoice_number_that_starts_a_formula(world):
    from relance.compose.documents.statement import statement_csv_text
    from relance.ledger.claims import customer_statement
    from relance.ledger.models import Invoice

    Invoice.objects.filter(number="F-45").update(number="@SUM(1+1)")
    text = statement_csv_text(customer_statement(world["late"], days_ago(0)), french=True)
    assert "\n'@SUM(1+1);" in text
