"""What an import tells about the law once it is committed: how many invoices of the
ledger are due after the legal maximum of payment terms. A warning, never a rejection:
the invoices are what the company issued.

The import keeps no list of the rows it wrote, so the whole ledger of the company is
counted (cancelled invoices aside). The database picks the few candidates (due more
than 30 days after issue for hauliers, more than 60 for the others, since 45 days end
of month never reaches beyond 76); `invoice_term_problem` decides.
"""
from django.db.models import Func, IntegerField, Q
from django.utils.translation import ngettext

from relance.ledger.models import Customer, Invoice, InvoiceKind, InvoiceStatus
from relance.legal.checks import invoice_term_problem
from relance.legal.terms import MAX_DAYS, ROAD_TRANSPORT_DAYS


class DaysBetween(Func):
    """later - earlier in days, in SQL on both databases: Django's own date arithmetic
    calls a Python function per row on SQLite, too slow on a million invoices."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(e) for e in self.get_source_expressions())
        if connection.vendor == "sqlite":
            sql = f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
        else:
            sql = f"({later} - {earlier})"
        return sql, (*later_params, *earlier_params)


def terms_beyond_maximum(company):
    """How many of the company's invoices are due after the legal maximum."""
    invoices = (Invoice.objects.filter(company=company, kind=InvoiceKind.INVOICE)
                .exclude(status=InvoiceStatus.CANCELLED)
                .annotate(term_days=DaysBetween("due_date", "issue_date")))
    hauliers = Customer.objects.filter(company=company, road_transport=True).values("pk")
    candidates = invoices.filter(Q(term_days__gt=MAX_DAYS) | Q(
        term_days__gt=ROAD_TRANSPORT_DAYS, customer_id__in=hauliers))
    rows = candidates.values_list("issue_date", "due_date", "customer__road_transport")
    return sum(1 for issued, due, road in rows
               if invoice_term_problem(issued, due, road_transport=road))


def terms_warning(count):
    """The sentence the import result shows, or "" when there is nothing to say."""
    if not count:
        return ""
    return ngettext(
        "%(counter)s invoice has terms beyond the legal maximum (60 days from the invoice "
        "date or 45 days end of month; 30 days in road transport): it was imported, check "
        "its due date.",
        "%(counter)s invoices have terms beyond the legal maximum (60 days from the invoice "
        "date or 45 days end of month; 30 days in road transport): they were imported, "
        "check their due dates.", count) % {"counter": count}
