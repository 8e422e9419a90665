"""Helpers shared by the customer and invoice pages."""
from relance.cases.models import Dispute, DisputeStatus
from relance.ledger import aging


def mark_invoices(invoices, today):
    """Set days late and the disputed flag the tables show, in one query for disputes."""
    disputed = set(Dispute.objects.filter(invoice__in=[i.pk for i in invoices],
                                          status=DisputeStatus.OPEN)
                   .values_list("invoice_id", flat=True))
    for invoice in invoices:
        invoice.late = (0 if invoice.is_credit_note or invoice.status != "open"
                        else aging.days_late(invoice.due_date, today))
        invoice.disputed = invoice.pk in disputed
