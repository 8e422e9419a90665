"""Where the law's checks show: the invoice's page warns of terms beyond the legal
maximum and of a limitation date near or passed, `relance legal limitation` lists the
invoices near their limitation date, imports count the invoices due after the legal
maximum (and import them), and the admin names the mentions the terms of sale
lack and refuses unlawful customer terms.

The world: Claire manages credit at a creditor whose customer Lent SARL was given 105
days, whose haulier Routier SA was given 31, and whose old debtor Ancien SA owes
invoices that fell due about five years ago, one of them paid in part since.
"""
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from relance.imports import legal_checks
from relance.ledger.models import Allocation, Customer, Invoice, InvoiceStatus, Payment
from relance.legal.limitation import years_after
from tests.dunning.world import creditor, customer, invoice, team

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    company = creditor()
    slow = customer(company, "LENT")
    haulier = customer(company, "ROUTIER", road_transport=True)
    old = customer(company, "ANCIEN")
    return {"company": company, "claire": team("claire")["claire"],
            "too_long": issued_on_15_january(slow, D(2025, 4, 30)),
            "lawful": issued_on_15_january(slow, D(2025, 3, 31)),
            "haulage": issued_on_15_january(haulier, D(2025, 2, 15)),
            "old": old}


def issued_on_15_january(debtor, due):
    found = invoice(debtor, "1000.00", due)
    found.issue_date = D(2025, 1, 15)
    found.save()
    return found


def page(client, user, found):
    client.force_login(user)
    response = client.get(reverse("web:invoice", args=[found.pk]))
    assert response.status_code == 200
    return response.content.decode()


def pay(found, amount, on):
    payment = Payment.objects.create(company=found.company, customer=found.customer,
                                     reference=f"VIR-{found.number}", date=on,
                                     amount=Decimal(amount), method="transfer")
    Allocation.objects.create(invoice=found, payment=payment, amount=Decimal(amount), date=on)
    found.open_amount -= Decimal(amount)
    found.save()


# The invoice page --------------------------------------------------------------------

def test_an_invoice_due_after_the_legal_maximum_says_so_with_the_rule(client, world):
    html = page(client, world["claire"], world["too_long"])
    assert 'data-warning="terms"' in html
    assert ("due on 2025-04-30, after 2025-03-31: the legal maximum is 60 days from the "
            "invoice date or 45 days end of month") in html


def test_an_invoice_within_the_legal_maximum_has_no_warning(client, world):
    assert 'data-warning="terms"' not in page(client, world["claire"], world["lawful"])


def test_a_haulier_invoice_due_after_thirty_days_is_flagged(client, world):
    html = page(client, world["claire"], world["haulage"])
    assert "30 days from the invoice date in road transport" in html


def test_an_invoice_near_its_limitation_date_warns_until_when(client, world):
    today = timezone.localdate()
    due = years_after(today, -5) + dt.timedelta(days=40)
    near = invoice(world["old"], "800.00", due, number="OLD-NEAR")
    html = page(client, world["claire"], near)
    assert 'data-warning="limitation"' in html and "Time-barred after" in html


def test_a_time_barred_invoice_says_since_when(client, world):
    today = timezone.localdate()
    barred = invoice(world["old"], "800.00", years_after(today, -6), number="OLD-BARRED")
    html = page(client, world["claire"], barred)
    assert "Time-barred since" in html


def test_a_partial_payment_takes_the_limitation_warning_away(client, world):
    today = timezone.localdate()
    paid_in_part = invoice(world["old"], "800.00", years_after(today, -5), number="OLD-PART")
    pay(paid_in_part, "100.00", today - dt.timedelta(days=365))
    assert 'data-warning="limitation"' not in page(client, world["claire"], paid_in_part)


# relance legal limitation --------------------------------------------------------------

def limitation(*args):
    out = io.StringIO()
    call_command("legal", "limitation", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_debts(world):
    old = world["old"]
    barred = invoice(old, "300.00", D(2020, 12, 1), number="OLD-1")
    near = invoice(old, "400.00", D(2021, 3, 15), number="OLD-2")
    invoice(old, "500.00", D(2021, 9, 30), number="OLD-3")     # in 273 days
    revived = invoice(old, "600.00", D(2021, 1, 10), number="OLD-4")
    pay(revived, "100.00", D(2022, 6, 10))
    return barred, near


def test_the_command_lists_passed_and_near_limitation_dates_as_json(old_debts):
    rows = json.loads(limitation("--on", "2026-01-01", "--json"))
    assert rows == [
        {"invoice": "OLD-1", "customer": "ANCIEN", "due_date": "2020-12-01",
         "last_payment": None, "last_acknowledgment": None, "limitation_date": "2025-12-01", "days_left": -31,
         "passed": True, "open_amount": "300.00", "currency": "EUR"},
        {"invoice": "OLD-2", "customer": "ANCIEN", "due_date": "2021-03-15",
         "last_payment": None, "last_acknowledgment": None, "limitation_date": "2026-03-15", "days_left": 73,
         "passed": False, "open_amount": "400.00", "currency": "EUR"},
    ]


def test_the_window_is_a_number_of_days(old_debts):
    rows = json.loads(limitation("--on", "2026-01-01", "--within", "300", "--json"))
    assert [r["invoice"] for r in rows] == ["OLD-1", "OLD-2", "OLD-3"]
    assert json.loads(limitation("--on", "2026-01-01", "--within", "0", "--json"))[0][
        "invoice"] == "OLD-1"


def test_a_partial_payment_restarts_five_years(old_debts):
    rows = json.loads(limitation("--on", "2027-06-01", "--within", "30", "--json"))
    assert {"invoice": "OLD-4", "last_payment": "2022-06-10",
            "limitation_date": "2027-06-10"}.items() <= rows[-1].items()


def test_the_command_prints_a_table_without_json(old_debts):
    out = limitation("--on", "2026-01-01")
    assert "OLD-1" in out and "2025-12-01" in out and "OLD-3" not in out


# The admin ----------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, world):
    world["claire"].is_staff = world["claire"].is_superuser = True
    world["claire"].save()
    client.force_login(world["claire"])
    return client


def test_the_company_admin_names_the_mentions_missing_from_the_terms_of_sale(admin_client,
                                                                             world):
    company = world["company"]
    company.terms_of_sale = "Pénalités de retard : BCE + 10 points. Pas d'escompte."
    company.save()
    html = admin_client.get(reverse("admin:ledger_company_change", args=[company.pk])
                            ).content.decode()
    assert "<li>the fixed indemnity of 40 EUR for recovery costs</li>" in html
    assert "<li>the late-penalty rate</li>" not in html

    company.terms_of_sale += " Indemnité forfaitaire pour frais de recouvrement : 40 €."
    company.save()
    html = admin_client.get(reverse("admin:ledger_company_change", args=[company.pk])
                            ).content.decode()
    assert "none: the terms of sale carry the mandatory mentions" in html


def test_the_customer_admin_edits_terms_and_refuses_unlawful_ones(admin_client, world):
    slow = Customer.objects.get(reference="LENT")
    url = reverse("admin:ledger_customer_change", args=[slow.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="payment_terms"' in html and 'name="road_transport"' in html

    slow.payment_terms = "net:90"
    slow.road_transport = False
    with pytest.raises(Exception, match="legal maximum"):
        slow.full_clean()
    slow.payment_terms = "eom45:B"
    slow.full_clean()
    slow.payment_terms, slow.payment_terms_days, slow.road_transport = "", 45, True
    with pytest.raises(Exception, match="road transport"):
        slow.full_clean()


# The import's result ------------------------------------------------------------------

INVOICES_CSV = (
    "number,customer_ref,issue_date,due_date,currency,amount_excl_tax,vat,amount_total,"
    "disputed\n"
    "I-OK,LENT,2026-09-01,2026-10-31,EUR,100.00,20.00,120.00,0\n"
    "I-LONG,LENT,2026-09-01,2026-12-15,EUR,100.00,20.00,120.00,0\n"
    "I-HAUL,ROUTIER,2026-09-01,2026-10-15,EUR,100.00,20.00,120.00,0\n")


def test_the_ledger_count_flags_each_invoice_due_after_its_maximum(world):
    assert legal_checks.terms_beyond_maximum(world["company"]) == 2   # too long, haulage
    world["too_long"].status = InvoiceStatus.CANCELLED
    world["too_long"].save()
    assert legal_checks.terms_beyond_maximum(world["company"]) == 1


def test_the_web_import_counts_invoices_beyond_the_maximum_without_rejecting_them(world):
    Invoice.objects.all().delete()
    client = Client(headers={"accept-language": "en"})
    client.force_login(world["claire"])
    upload = io.BytesIO(INVOICES_CSV.encode())
    upload.name = "invoices.csv"
    response = client.post(reverse("imports:upload"), {"entity": "invoices",
                                                       "source": "ERP", "file": upload})
    url = response["Location"]
    form = client.get(url).context["form"]
    html = client.post(url, {n: form.initial.get(n, "") for n in form.fields}
                       ).content.decode()
    assert "The file was imported." in html
    assert ("2 invoices have terms beyond the legal maximum (60 days from the invoice date "
            "or 45 days end of month; 30 days in road transport)") in html
    assert Invoice.objects.filter(number__startswith="I-").count() == 3


def test_the_command_line_import_warns_on_standard_error_and_keeps_its_json(tmp_path,
                                                                           world):
    Invoice.objects.all().delete()
    (tmp_path / "invoices.csv").write_text(INVOICES_CSV.replace("I-HAUL,ROUTIER", "I-HAUL,LENT"))
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import", "ledger", str(tmp_path), "--json", stdout=out, stderr=err)
    assert json.loads(out.getvalue()) == {
        "invoices": {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}}
    assert err.getvalue().startswith("1 invoice has terms beyond the legal maximum")
