"""The demo ledger tells a coherent story: one creditor, eighteen months of invoices.

The data is built once for the module (a few seconds) inside a transaction that is
rolled back at the end; every test reads it.
"""
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, F, Q, Sum

from relance.cases.models import Dispute
from relance.demo import ledger as demo
from relance.ledger import validators
from relance.ledger.models import (
    Allocation, Company, Contact, Customer, Event, Invoice, InvoiceKind, InvoiceStatus, Payment)
from relance.team.models import Role, User

AS_OF = date(2026, 3, 16)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.build(as_of=AS_OF)
        transaction.set_rollback(True)


def invoices():
    return Invoice.objects.filter(kind=InvoiceKind.INVOICE)


def test_the_demo_has_a_company_a_team_and_the_expected_volumes(counts):
    assert Company.objects.count() == 1
    roles = sorted(User.objects.values_list("role", flat=True))
    assert roles == sorted([Role.ADMIN, Role.CREDIT_MANAGER] + [Role.COLLECTOR] * 3
                           + [Role.SALES] * 2)
    assert User.objects.get(email=demo.DEMO_EMAIL).role == Role.ADMIN
    assert counts["customers"] == 200
    assert 200 <= counts["contacts"] <= 600
    assert counts["invoices"] == 3000
    assert 2_000 <= counts["payments"] <= 3_500
    assert counts["customers_on_hold"] == 2


def test_identifiers_of_company_and_customers_are_valid(counts):
    company = Company.objects.get()
    for check, value in [(validators.clean_siren, company.siren),
                         (validators.clean_siret, company.siret),
                         (validators.clean_vat, company.vat_number),
                         (validators.clean_iban, company.iban),
                         (validators.clean_bic, company.bic)]:
        check(value)
    assert company.siret.startswith(company.siren)
    assert company.vat_number.endswith(company.siren)
    for customer in Customer.objects.all():
        if customer.siren:
            validators.clean_siren(customer.siren)
            validators.clean_siret(customer.siret)
            assert customer.siret.startswith(customer.siren)
        if customer.vat_number:
            validators.clean_vat(customer.vat_number)


def test_customers_are_mostly_french_with_a_few_abroad_speaking_their_language(counts):
    french = Customer.objects.filter(country="FR")
    assert french.count() >= 160
    assert not french.filter(siren="").exists()
    abroad = Customer.objects.exclude(country="FR")
    assert 5 <= abroad.count() <= 40
    assert abroad.filter(language="en").exists()
    assert not abroad.filter(country__in=["DE", "ES", "IT"], language="fr").exists()
    assert set(Customer.objects.values_list("segment", flat=True)) == {"sme", "large", "public"}
    assert set(Customer.objects.values_list("payment_terms_days", flat=True)) == {30, 45, 60}
    assert not Customer.objects.filter(Q(owner=None) | Q(sales_rep=None)).exists()


def test_every_customer_has_one_preferred_contact_with_an_email(counts):
    preferred = Contact.objects.filter(preferred=True)
    assert preferred.values("customer").distinct().count() == 200
    assert preferred.count() == 200
    assert not Contact.objects.filter(email="").exists()
    assert Contact.objects.filter(phone__startswith="+33 ").count() == counts["contacts"]


def test_invoices_are_numbered_per_year_and_due_after_their_terms(counts):
    numbers = list(invoices().values_list("number", flat=True))
    assert all(re.fullmatch(r"F20\d\d-\d{6}", number) for number in numbers)
    assert invoices().filter(number="F2026-000001").exists()
    for invoice in invoices().select_related("customer")[:300]:
        assert (invoice.due_date - invoice.issue_date).days == invoice.customer.payment_terms_days
    assert invoices().filter(issue_date__gt=AS_OF).count() == 0
    median = sorted(invoices().values_list("amount_excl_tax", flat=True))[1500]
    assert Decimal(800) < median < Decimal(1600)


def test_open_amount_is_the_total_less_what_is_allocated(counts):
    paid_by = dict(Allocation.objects.values_list("invoice").annotate(total=Sum("amount")))
    for pk, total, open_amount in invoices().values_list("pk", "amount_total", "open_amount"):
        assert open_amount == max(Decimal(0), total - Decimal(paid_by.get(pk, 0))).quantize(
            Decimal("0.01"))


def test_paid_invoices_have_a_paid_date_and_open_ones_none(counts):
    assert not invoices().filter(status=InvoiceStatus.PAID, paid_on=None).exists()
    assert not invoices().filter(status=InvoiceStatus.OPEN).exclude(paid_on=None).exists()
    assert not invoices().filter(status=InvoiceStatus.PAID).exclude(open_amount=0).exists()


def test_most_invoices_are_paid_on_time_a_good_share_late_and_some_still_open(counts):
    paid = invoices().filter(status=InvoiceStatus.PAID)
    late = paid.filter(paid_on__gt=F("due_date")).count()
    assert 0.2 < late / paid.count() < 0.5
    assert 0.08 < counts["open_invoices"] / counts["invoices"] < 0.25
    assert counts["overdue_invoices"] > 50


def test_some_invoices_are_partly_paid(counts):
    partly = invoices().filter(
        status=InvoiceStatus.OPEN, open_amount__gt=0, open_amount__lt=F("amount_total"),
        allocations__payment__isnull=False)
    assert partly.exists()


def test_a_payment_can_settle_several_invoices(counts):
    assert counts["multi_invoice_payments"] > 10
    several = Payment.objects.annotate(n=Count("allocations")).filter(n__gt=1).first()
    assert {a.invoice.customer_id for a in several.allocations.all()} == {several.customer_id}


def test_unapplied_cash_is_what_allocations_leave_of_a_payment(counts):
    assert counts["unapplied_cash"] > 0
    allocated = dict(Allocation.objects.exclude(payment=None).values_list("payment")
                     .annotate(total=Sum("amount")))
    for pk, amount, unapplied in Payment.objects.values_list("pk", "amount", "unapplied_amount"):
        assert unapplied == (amount - Decimal(allocated.get(pk, 0))).quantize(Decimal("0.01"))
        assert unapplied >= 0
    assert Payment.objects.filter(allocations=None).exists()


def test_credit_notes_are_used_against_their_invoice(counts):
    notes = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE)
    assert notes.count() >= 20
    assert all(re.fullmatch(r"A20\d\d-\d{6}", n) for n in notes.values_list("number", flat=True))
    assert not notes.exclude(open_amount=0).exists()
    assert Allocation.objects.exclude(credit_note=None).count() == notes.count()


def test_about_one_invoice_in_a_hundred_is_disputed_while_unpaid(counts):
    disputes = Dispute.objects.select_related("invoice")
    assert 15 <= counts["disputes"] <= 45
    for dispute in disputes:
        assert dispute.status == "open" and dispute.reason and dispute.comment
        assert dispute.invoice.status == InvoiceStatus.OPEN
        assert dispute.invoice.issue_date <= dispute.opened_on <= AS_OF


def test_chronic_late_payers_pay_later_than_the_punctual_ones(counts):
    delays = {}
    for customer_id, paid_on, due in invoices().filter(status=InvoiceStatus.PAID).values_list(
            "customer", "paid_on", "due_date"):
        delays.setdefault(customer_id, []).append((paid_on - due).days)
    averages = sorted(sum(d) / len(d) for d in delays.values() if len(d) >= 3)
    assert averages[len(averages) // 10] <= 0  # the best payers pay before the due date
    assert averages[-len(averages) // 10] >= 20  # the worst pay weeks late


def test_the_timeline_tells_what_happened_in_office_hours(counts):
    types = dict(Event.objects.values_list("type").annotate(n=Count("id")))
    assert types["invoice.issued"] == counts["invoices"]
    assert types["payment.received"] == counts["payments"]
    assert types["dispute.opened"] == counts["disputes"]
    assert types["credit_note.issued"] == counts["credit_notes"]
    assert types["customer.put_on_hold"] == 2
    issued = Event.objects.filter(type="invoice.issued").select_related("invoice").first()
    assert issued.at.date() == issued.invoice.issue_date


def test_the_builder_refuses_a_database_that_already_holds_a_company(counts):
    with pytest.raises(demo.DemoRefused):
        demo.build(as_of=AS_OF)
    assert Customer.objects.count() == 200
