"""A collector opens a late payer's page and finds the invoice to chase."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from relance.ledger.models import Company, Contact, ContactRole, Customer, Invoice


@pytest.fixture
def late_payer(transactional_db):
    creditor = Company.objects.create(name="Atelier Dubois SARL")
    customer = Customer.objects.create(company=creditor, reference="C-0042",
                                       name="Boulangerie Martin")
    Contact.objects.create(customer=customer, name="Claire Martin",
                           email="compta@boulangerie-martin.test",
                           role=ContactRole.ACCOUNTS_PAYABLE, preferred=True)
    Invoice.objects.create(
        company=creditor, customer=customer, number="F-2025-0042",
        issue_date=datetime.date(2025, 1, 10), due_date=datetime.date(2025, 2, 9),
        amount_excl_tax=Decimal("1000.00"), vat=Decimal("200.00"),
        amount_total=Decimal("1200.00"), open_amount=Decimal("1200.00"))
    return customer


@pytest.mark.browser
def test_the_customer_page_shows_the_customer_and_its_open_invoice(logged_in_page, late_payer):
    logged_in_page.goto(reverse("web:customer", args=[late_payer.pk]))

    body = logged_in_page.locator("body")
    assert "Boulangerie Martin" in body.inner_text()
    assert "F-2025-0042" in body.inner_text()
