from relance.ledger.models.company import Company
from relance.ledger.models.customer import Contact, ContactRole, Customer
from relance.ledger.models.invoice import Invoice, InvoiceKind, InvoiceStatus
from relance.ledger.models.open_totals import OpenByCustomer, OpenByDueDate
from relance.ledger.models.payment import Allocation, Payment
from relance.ledger.models.timeline import Event

__all__ = [
    "Allocation", "Company", "Contact", "ContactRole", "Customer", "Event", "Invoice",
    "InvoiceKind", "InvoiceStatus", "OpenByCustomer", "OpenByDueDate", "Payment",
]
