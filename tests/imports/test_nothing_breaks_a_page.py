"""Nothing that an import accepts may break a page: random valid ledgers, at the edges
of what the rules allow (dates at both ends of the ledger's window, amounts up to
twelve digits, currencies with no or three decimals, names in any script or shaped
like formulas), go in through `relance import ledger`, then every page, PDF and
export of their customer is asked for: none may fail.

Each example is its own creditor company, imported with `--company`; the test
client raises any server error, so a 500 fails the example with its traceback."""
import csv
import datetime as dt
import itertools
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance.ledger import validators
from relance.ledger.models import Company, Customer, Invoice
from relance.team.models import User

pytestmark = pytest.mark.django_db

FIRST, LAST = validators.date_window()
CURRENCIES = ["EUR", "USD", "JPY", "CHF", "KWD", "XAF", "GBP"]
NAMES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200),
    st.sampled_from(["=cmd|' /C calc'!A0", "+33 Négoce", "@SUM(A1)", "Ωμέγα ΑΕ",
                     "株式会社テスト", "<script>alert(1)</script>", "O'Brien & Fils"]),
).filter(lambda name: name.strip())
DATES = st.dates(min_value=FIRST, max_value=LAST)
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"),
                      places=2)
_examples = itertools.count(1)


@st.composite
def ledgers(draw):
    invoices = []
    for number in range(draw(st.integers(1, 4))):
        issued = draw(DATES)
        due = draw(st.dates(min_value=issued, max_value=LAST))
        invoices.append({"number": f"F-{number}", "issue_date": issued, "due_date": due,
                         "currency": draw(st.sampled_from(CURRENCIES)),
                         "amount_total": draw(AMOUNTS)})
    payments = []
    for number, paid in enumerate(draw(st.lists(st.sampled_from(invoices), max_size=2))):
        payments.append({"payment_ref": f"P-{number}", "invoice_number": paid["number"],
                         "date": draw(st.dates(min_value=paid["issue_date"],
                                               max_value=min(LAST, timezone.localdate()))
                                      if paid["issue_date"] <= timezone.localdate()
                                      else st.just(paid["issue_date"])),
                         "amount": draw(st.decimals(min_value=Decimal("0.01"),
                                                    max_value=paid["amount_total"],
                                                    places=2)),
                         "currency": paid["currency"]})
    return {"name": draw(NAMES), "invoices": invoices, "payments": payments}


def write(folder, name, header, rows):
    with open(folder / name, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def import_ledger(folder, company, ledger):
    folder.mkdir()
    write(folder, "customers.csv", ["customer_ref", "name"], [["C1", ledger["name"]]])
    write(folder, "invoices.csv",
          ["number", "customer_ref", "issue_date", "due_date", "currency", "amount_total"],
          [[i["number"], "C1", i["issue_date"].isoformat(), i["due_date"].isoformat(),
            i["currency"], f"{i['amount_total']:.2f}"] for i in ledger["invoices"]])
    if ledger["payments"]:
        write(folder, "payments.csv",
              ["payment_ref", "customer_ref", "invoice_number", "date", "amount", "currency"],
              [[p["payment_ref"], "C1", p["invoice_number"], p["date"].isoformat(),
                f"{p['amount']:.2f}", p["currency"]] for p in ledger["payments"]])
    call_command("import", "ledger", str(folder), "--company", str(company.pk), "--json",
                 stdout=StringIO())


def pages_of(customer):
    """Every page, PDF and export about the customer, and the lists it is in."""
    pk = customer.pk
    yield reverse("web:customer", args=[pk])
    for tab in ("invoices", "timeline", "legal", "portal"):
        yield reverse("web:customer", args=[pk]) + f"?tab={tab}"
    for name in ("statement", "statement_pdf", "statement_csv", "path", "dossier"):
        yield reverse(f"legal:{name}", args=[pk])
    yield reverse("legal:statement", args=[pk]) + "?paid_late=on"
    yield reverse("outbox:history", args=[pk])
    for invoice in Invoice.objects.filter(customer=customer):
        yield reverse("web:invoice", args=[invoice.pk])
    for listing in ("web:customers", "web:invoices", "web:payments"):
        for export in ("", "?format=csv", "?format=xlsx"):
            yield reverse(listing) + export
    yield reverse("web:home")


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(User.objects.create_user("admin@relance.test", None, role="admin"))
    return client


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ledger=ledgers())
def test_whatever_an_import_accepts_every_page_of_its_customer_renders(
        ledger, admin_client, tmp_path):
    example = next(_examples)
    company = Company.objects.create(name=f"Creditor {example}")
    import_ledger(tmp_path / f"ledger-{example}", company, ledger)
    customer = Customer.objects.get(company=company, reference="C1")
    for address in pages_of(customer):
        response = admin_client.get(address, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, (address, response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)


def test_the_edges_themselves_render(admin_client, tmp_path):
    """The corners the property may not draw: both ends of the window, the largest
    amount, a currency without decimals."""
    company = Company.objects.create(name="Creditor at the edges")
    ledger = {"name": "=1+1", "payments": [], "invoices": [
        {"number": "F-FIRST", "issue_date": FIRST, "due_date": FIRST, "currency": "JPY",
         "amount_total": Decimal("999999999999.99")},
        {"number": "F-LAST", "issue_date": LAST - dt.timedelta(days=1), "due_date": LAST,
         "currency": "KWD", "amount_total": Decimal("0.01")}]}
    import_ledger(tmp_path / "edges", company, ledger)
    customer = Customer.objects.get(company=company)
    for address in pages_of(customer):
        response = admin_client.get(address, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, address
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
