"""A small named world for the dunning tests: one creditor with the shipped scenarios
and customers whose stories differ. Dates are explicit: the run takes its date as an
argument, so tests move the calendar by passing one."""
import datetime as dt
from decimal import Decimal
from itertools import count

from relance.dunning.defaults import install
from relance.dunning.models import Action, ActionKind, ActionStatus
from relance.ledger.models import Company, Contact, Customer, Invoice
from relance.team.models import User

D = dt.date
_numbers = count(1)


def creditor(**fields):
    company = Company.objects.create(name="Ateliers Test SAS", siren="732829320",
                                     iban="FR7630006000011234567890189", bic="AGRIFRPP",
                                     **fields)
    install(company, language="en")   # step names as the tests spell them
    return company


STAFF = {"claire": "credit_manager", "paul": "collector", "lea": "collector",
         "sam": "sales"}


def team(*names):
    """The creditor's people by first name: Claire manages credit, Paul and Léa
    collect, Sam sells; all of them unless `names` picks some."""
    return {name: User.objects.create_user(f"{name}@ateliers-test.example", "pw",
                                           role=STAFF[name], first_name=name.title())
            for name in names or STAFF}


def customer(company, reference, *, emails=True, **fields):
    fields.setdefault("name", f"{reference} SARL")
    found = Customer.objects.create(company=company, reference=reference, **fields)
    Contact.objects.create(customer=found, name=f"Compta {reference}", role="accounts_payable",
                           email=f"compta@{reference.lower()}.example" if emails else "",
                           phone="+33 1 23 45 67 89")
    Contact.objects.create(customer=found, name=f"Achats {reference}", role="purchasing",
                           email=f"achats@{reference.lower()}.example" if emails else "")
    return found


def invoice(customer, amount, due, *, currency="EUR", number=None, **fields):
    total = Decimal(amount)
    fields.setdefault("open_amount", total)
    return Invoice.objects.create(
        company=customer.company, customer=customer, number=number or f"F-{next(_numbers):05d}",
        issue_date=due - dt.timedelta(days=30), due_date=due, currency=currency,
        amount_excl_tax=total, vat=Decimal(0), amount_total=total, **fields)


def reminded(customer, on):
    """A written reminder sent to the customer on `on` by hand, before Relance: what
    lets the first run escalate at once over old debt (conversation rule 3)."""
    return Action.objects.create(
        company=customer.company, customer=customer, kind=ActionKind.MANUAL, planned_on=on,
        currency="EUR", channel="email", tone="courteous", status=ActionStatus.DONE,
        amount=Decimal(0), overdue_total=Decimal(0))
