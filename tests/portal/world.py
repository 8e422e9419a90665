"""The portal's small world: Ateliers Test (the creditor, with an IBAN), its collector
Paul, and two customers: Retard & Fils, who owes two invoices and has a credit note,
and Autre SA, whose invoices no link to Retard & Fils may ever reach."""
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from relance.ledger.models import Company, Contact, Customer, Invoice, InvoiceKind
from relance.portal import links
from relance.team.models import User

PASSWORD = "pw-portal-tests"


def days_from_today(days):
    return timezone.localdate() + dt.timedelta(days=days)


def creditor():
    return Company.objects.create(name="Ateliers Test SAS", siren="732829320",
                                  iban="FR7630006000011234567890189", bic="AGRIFRPP",
                                  email="compta@ateliers.example")


def person(email, role, **fields):
    return User.objects.create_user(email, PASSWORD, role=role, **fields)


def customer(company, reference, name, owner=None, language="fr"):
    found = Customer.objects.create(company=company, reference=reference, name=name,
                                    owner=owner, language=language)
    Contact.objects.create(customer=found, name=f"Compta {reference}",
                           role="accounts_payable", email=f"compta@{reference.lower()}.example")
    return found


def invoice(customer, number, amount, due_in_days, kind=InvoiceKind.INVOICE, currency="EUR"):
    total = Decimal(amount)
    due = days_from_today(due_in_days)
    return Invoice.objects.create(
        company=customer.company, customer=customer, kind=kind, number=number,
        issue_date=due - dt.timedelta(days=30), due_date=due, currency=currency,
        amount_excl_tax=total, vat=Decimal(0), amount_total=total, open_amount=total)


def build():
    company = creditor()
    paul = person("paul@ateliers.example", "collector", first_name="Paul")
    late = customer(company, "C042", "Retard & Fils", owner=paul)
    other = customer(company, "C099", "Autre SA", owner=paul)
    return {
        "company": company, "paul": paul, "late": late, "other": other,
        "f1": invoice(late, "F-001", "1200.00", -20),
        "f2": invoice(late, "F-002", "300.00", 10),
        "avoir": invoice(late, "AV-001", "100.00", 0, kind=InvoiceKind.CREDIT_NOTE),
        "foreign": invoice(other, "F-900", "999.00", -5),
    }


def portal_client(client, customer, action=""):
    """`client` with a portal session opened through a fresh link of `customer`."""
    _link, token = links.issue(customer, timezone.now())
    response = client.get(links.url(token, action).removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 302, response
    return token
