"""The payment list: the money received, behind the dashboard's cash collected.

The world: Ateliers Test SAS; Claire manages credit, Paul and Léa collect, Sam sells.
- Boulangerie Roux (Paul's, sold by Sam) paid VIR-ROUX-1 (1,500.00 EUR, 3 days ago)
  on F-ROUX-1 and F-ROUX-2, and VIR-ROUX-2 (700.00 EUR by direct debit, 40 days ago)
  of which only 200.00 went to F-ROUX-3;
- Blanc Industrie (Léa's) sent a cheque CHQ-BLANC (2,000.00 EUR, 10 days ago) nobody
  has matched yet, and WIRE-BLANC (300.00 USD, yesterday).
"""
import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
import tinyhtml5

from relance.ledger.models import Allocation, Payment
from relance.workspace.views import payments as payments_view
from tests.dunning.world import creditor, customer, team
from tests.support.ledger_builders import days_ago, invoice
from tests.web.test_exports import read_csv, read_xlsx

NEWEST_FIRST = ["WIRE-BLANC", "VIR-ROUX-1", "CHQ-BLANC", "VIR-ROUX-2"]


def pay(customer, reference, amount, received_days_ago, settled=None, **fields):
    """A payment and its allocations ({invoice: amount}); the rest is unapplied."""
    settled = settled or {}
    allocated = sum((Decimal(a) for a in settled.values()), Decimal(0))
    payment = Payment.objects.create(
        company=customer.company, customer=customer, reference=reference,
        date=days_ago(received_days_ago), amount=Decimal(amount),
        unapplied_amount=Decimal(amount) - allocated, **fields)
    for settled_invoice, part in settled.items():
        Allocation.objects.create(invoice=settled_invoice, payment=payment,
                                  amount=Decimal(part), date=payment.date)
    return payment


@pytest.fixture
def world(db):
    company = creditor()
    people = team()
    roux = customer(company, "ROUX", name="Boulangerie Roux", owner=people["paul"],
                    sales_rep=people["sam"])
    blanc = customer(company, "BLANC", name="Blanc Industrie", owner=people["lea"])
    f1 = invoice(roux, "1000.00", due_days_ago=10, number="F-ROUX-1")
    f2 = invoice(roux, "500.00", due_days_ago=5, number="F-ROUX-2")
    f3 = invoice(roux, "900.00", due_days_ago=50, number="F-ROUX-3")
    pay(roux, "VIR-ROUX-1", "1500.00", 3, {f1: "1000.00", f2: "500.00"}, method="transfer")
    pay(roux, "VIR-ROUX-2", "700.00", 40, {f3: "200.00"}, method="direct_debit")
    pay(blanc, "CHQ-BLANC", "2000.00", 10, method="cheque")
    pay(blanc, "WIRE-BLANC", "300.00", 1, currency="USD", method="transfer")
    return {"company": company, "roux": roux, "blanc": blanc, "f1": f1, "f2": f2,
            "f3": f3, **people}


def client_of(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def parse(response):
    assert response.status_code == 200
    return tinyhtml5.parse(response.content.decode(), namespace_html_elements=False)


def text(element):
    return "".join(element.itertext()).strip()


def with_class(doc, tag, name):
    return [e for e in doc.iter(tag) if name in e.get("class", "").split()]


def table_rows(doc):
    return [tr for table in with_class(doc, "table", "payments") for tr in table.iter("tr")
            if tr.find("td") is not None]


def listed(response):
    """The page's parsed HTML and the payment references of its table, in order."""
    doc = parse(response)
    return doc, [text(tr.findall("td")[2]) for tr in table_rows(doc)]


def references(client, **params):
    return listed(client.get(reverse("web:payments"), params))[1]


def row_of(doc, reference):
    [row] = [tr for tr in table_rows(doc) if text(tr.findall("td")[2]) == reference]
    return row.findall("td")


def links(cell):
    return [a.get("href") for a in cell.iter("a")]


# The list ---------------------------------------------------------------------------

def test_payments_are_listed_newest_first_with_what_they_settled(world):
    doc, refs = listed(client_of(world["claire"]).get(reverse("web:payments")))

    assert refs == NEWEST_FIRST
    row = row_of(doc, "VIR-ROUX-1")
    cells = [text(cell) for cell in row]
    with translation.override("en"):
        assert cells[0] == date_format(days_ago(3), "SHORT_DATE_FORMAT")
    assert "Boulangerie Roux" in cells[1]
    assert cells[3] == "Transfer"
    assert cells[4:8] == ["1,500.00\xa0€", "EUR", "1,500.00\xa0€", "0.00\xa0€"]
    assert links(row[1]) == [reverse("web:customer", args=[world["roux"].pk])]
    assert links(row[8]) == [reverse("web:invoice", args=[world["f1"].pk]),
                             reverse("web:invoice", args=[world["f2"].pk])]
    assert [text(a) for a in row[8].iter("a")] == ["F-ROUX-1", "F-ROUX-2"]
    partly = [text(c) for c in row_of(doc, "VIR-ROUX-2")]
    assert partly[3] == "Direct debit"
    assert partly[6:9] == ["200.00\xa0€", "500.00\xa0€", "F-ROUX-3"]


def test_the_list_sorts_by_amount_and_back_by_date(world):
    claire = client_of(world["claire"])

    assert references(claire, sort="amount") == [
        "WIRE-BLANC", "VIR-ROUX-2", "VIR-ROUX-1", "CHQ-BLANC"]
    assert references(claire, sort="-amount") == [
        "CHQ-BLANC", "VIR-ROUX-1", "VIR-ROUX-2", "WIRE-BLANC"]
    assert references(claire, sort="date") == NEWEST_FIRST[::-1]


def test_the_filters_narrow_the_period_the_customer_the_currency_and_the_unapplied(world):
    claire = client_of(world["claire"])

    assert references(claire, date_from=days_ago(10).isoformat(),
                      date_to=days_ago(2).isoformat()) == ["VIR-ROUX-1", "CHQ-BLANC"]
    assert references(claire, date_from=days_ago(3).isoformat()) == [
        "WIRE-BLANC", "VIR-ROUX-1"]
    assert references(claire, q="roux") == ["VIR-ROUX-1", "VIR-ROUX-2"]
    assert references(claire, q="CHQ-BLANC") == ["CHQ-BLANC"]
    assert references(claire, currency="usd") == ["WIRE-BLANC"]
    assert references(claire, unapplied="on") == ["WIRE-BLANC", "CHQ-BLANC", "VIR-ROUX-2"]
    assert references(claire, owner=world["lea"].pk) == ["WIRE-BLANC", "CHQ-BLANC"]


def totals(doc):
    return {box.get("data-currency"): (
        text(box.find(".//strong[@class='total-amount']")),
        text(box.find(".//small[@class='total-unapplied']")))
        for section in with_class(doc, "section", "payment-totals")
        for box in section.findall("div")}


def test_totals_add_every_filtered_payment_per_currency_not_only_the_page(
        world, monkeypatch):
    monkeypatch.setattr(payments_view, "PAGE_SIZE", 1)
    claire = client_of(world["claire"])

    doc, refs = listed(claire.get(reverse("web:payments")))
    assert refs == ["WIRE-BLANC"]
    assert totals(doc) == {"EUR": ("4,200.00\xa0€", "unapplied 2,500.00\xa0€"),
                           "USD": ("300.00\xa0$", "unapplied 300.00\xa0$")}
    assert "4 payments" in text(with_class(doc, "div", "page-head")[0])

    doc, _refs = listed(claire.get(reverse("web:payments"), {"q": "roux"}))
    assert totals(doc) == {"EUR": ("2,200.00\xa0€", "unapplied 500.00\xa0€")}


def test_pages_follow_each_other_without_overlap_and_keep_the_filters(world, monkeypatch):
    monkeypatch.setattr(payments_view, "PAGE_SIZE", 2)
    claire = client_of(world["claire"])

    first, refs1 = listed(claire.get(reverse("web:payments"), {"sort": "-date"}))
    [next_link] = links(with_class(first, "nav", "pager")[0])
    assert "sort=-date" in next_link and "page=2" in next_link
    second, refs2 = listed(claire.get(reverse("web:payments") + next_link))
    assert refs1 + refs2 == NEWEST_FIRST
    assert "Page 2 of 2" in text(with_class(second, "nav", "pager")[0])


def test_the_page_reads_the_allocations_of_its_rows_in_one_query(world):
    claire = client_of(world["claire"])
    claire.get(reverse("web:payments"))     # the session and caches are warm

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert claire.get(reverse("web:payments")).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    before = queries()
    for n in range(10):
        pay(world["roux"], f"VIR-MORE-{n}", "10.00", 2, {world["f3"]: "10.00"})
    after = queries()

    assert len(after) == len(before)
    assert sum("ledger_allocation" in sql for sql in after) == 1


# Roles ------------------------------------------------------------------------------

def test_a_collector_and_a_sales_rep_see_only_their_portfolios_payments(world):
    for who in ("paul", "sam"):
        response = client_of(world[who]).get(reverse("web:payments"))
        doc, refs = listed(response)
        assert refs == ["VIR-ROUX-1", "VIR-ROUX-2"], who
        assert "Blanc Industrie" not in response.content.decode()
        assert set(totals(doc)) == {"EUR"}
    assert references(client_of(world["lea"])) == ["WIRE-BLANC", "CHQ-BLANC"]


def test_a_collector_cannot_widen_the_list_to_another_portfolio(world):
    paul = client_of(world["paul"])

    assert references(paul, owner=world["lea"].pk) == []
    assert references(paul, q="CHQ-BLANC") == []
    rows = read_csv(paul.get(reverse("web:payments"), {"format": "csv"}))[1:]
    assert sorted(row[3] for row in rows) == ["VIR-ROUX-1", "VIR-ROUX-2"]


def test_the_list_asks_anonymous_visitors_to_log_in(world):
    response = Client().get(reverse("web:payments"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Exports ----------------------------------------------------------------------------

def test_the_csv_export_keeps_the_filters_and_lists_the_settled_invoices(world):
    claire = client_of(world["claire"])
    response = claire.get(reverse("web:payments"), {"unapplied": "on", "currency": "EUR",
                                                    "format": "csv"},
                          HTTP_ACCEPT_LANGUAGE="fr")

    assert 'filename="payments-' in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert len(header) == len(payments_view.PAYMENT_COLUMNS)
    assert [row[3] for row in rows] == ["CHQ-BLANC", "VIR-ROUX-2"]
    roux = rows[1]
    assert roux[:3] == [days_ago(40).isoformat(), "ROUX", "Boulangerie Roux"]
    assert roux[5:] == ["700,00", "EUR", "200,00", "500,00", "F-ROUX-3"]


def test_the_excel_export_has_numbers_dates_and_every_allocation(world):
    claire = client_of(world["claire"])
    response = claire.get(reverse("web:payments"), {"q": "ROUX", "format": "xlsx"})

    header, *rows = read_xlsx(response)
    assert header == ["Date", "Customer reference", "Customer", "Reference", "Method",
                      "Amount", "Currency", "Allocated", "Unapplied", "Invoices"]
    assert [row[3] for row in rows] == ["VIR-ROUX-1", "VIR-ROUX-2"]
    first = dict(zip(header, rows[0]))
    assert first["Date"] == dt.datetime.combine(days_ago(3), dt.time())
    assert first["Amount"] == 1500 and first["Allocated"] == 1500
    assert first["Unapplied"] == 0
    assert first["Invoices"] == "F-ROUX-1, F-ROUX-2"
    assert first["Method"] == "Transfer"


def test_the_page_links_to_its_exports_with_the_current_filters(world):
    doc, _refs = listed(client_of(world["claire"]).get(
        reverse("web:payments"), {"currency": "EUR", "page": "1"}))

    [csv_link] = [a.get("href") for a in with_class(doc, "a", "export-csv")]
    assert parse_qs(urlparse(csv_link).query) == {"currency": ["EUR"], "format": ["csv"]}


# Bad input --------------------------------------------------------------------------

@pytest.mark.parametrize("params, field", [
    ({"date_from": "31/02/2026"}, "date_from"),
    ({"date_to": "yesterday"}, "date_to"),
    ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "date_to"),
    ({"currency": "EURO"}, "currency"),
    ({"currency": "E1R"}, "currency"),
    ({"company": "999999"}, "company"),
    ({"sort": "unapplied; DROP TABLE"}, "sort"),
])
def test_a_filter_not_understood_is_named_and_ignored(world, params, field):
    response = client_of(world["claire"]).get(reverse("web:payments"), params)

    doc, refs = listed(response)
    assert "Some filters were not understood and were ignored." in response.content.decode()
    assert doc.findall(f".//div[@role='alert']//li[@data-field='{field}']")
    assert refs == NEWEST_FIRST


def test_a_page_number_out_of_range_shows_the_last_page(world):
    claire = client_of(world["claire"])
    assert references(claire, page="999") == NEWEST_FIRST
    assert references(claire, page="abc") == NEWEST_FIRST


# The dashboard links here -----------------------------------------------------------

def cash_links(client):
    doc = parse(client.get(reverse("web:home")))
    [this] = doc.findall(".//a[@id='fig-cash-this-month']")
    [last] = doc.findall(".//a[@id='fig-cash-last-month']")
    return this.get("href"), last.get("href")


def query_of(url):
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}


def test_the_dashboard_cash_collected_links_to_this_and_last_months_payments(world):
    today = timezone.localdate()
    first = today.replace(day=1)
    last_end = first - dt.timedelta(days=1)
    claire = client_of(world["claire"])

    this, last = cash_links(claire)

    assert urlparse(this).path == reverse("web:payments")
    assert query_of(this) == {"date_from": first.isoformat(), "date_to": today.isoformat()}
    assert query_of(last) == {"date_from": last_end.replace(day=1).isoformat(),
                              "date_to": last_end.isoformat()}
    received = {p.reference: p.date for p in Payment.objects.all()}
    assert references(claire, **query_of(this)) == [
        ref for ref in NEWEST_FIRST if first <= received[ref] <= today]


def test_a_collectors_dashboard_links_to_their_portfolios_payments(world):
    paul = client_of(world["paul"])

    this, _last = cash_links(paul)

    assert query_of(this)["owner"] == str(world["paul"].pk)
    assert set(references(paul, **query_of(this))) <= {"VIR-ROUX-1", "VIR-ROUX-2"}


def test_with_two_companies_the_list_and_its_search_keep_to_the_one_chosen(world):
    other = creditor()
    roux_elsewhere = customer(other, "ROUX-B", name="Boulangerie Roux Sud")
    pay(roux_elsewhere, "VIR-SUD", "90.00", 2)
    claire = client_of(world["claire"])

    assert references(claire, company=other.pk) == ["VIR-SUD"]
    assert references(claire, company=world["company"].pk, q="roux") == [
        "VIR-ROUX-1", "VIR-ROUX-2"]
    assert references(claire, company=other.pk, q="VIR-ROUX-1") == []
    assert references(claire, q="roux") == ["VIR-SUD", "VIR-ROUX-1", "VIR-ROUX-2"]
    this, _last = cash_links(claire)
    assert query_of(this)["company"] == str(world["company"].pk)
