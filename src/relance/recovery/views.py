"""A customer's statement of claim: on screen, as PDF and as CSV.

Who may see it is the customer history's rule (`delivery.evidence.may_see_customer`):
managers every customer, a collector the customers they own, a sales rep the
customers they sell to; anyone else gets a 404, as for the history PDF. The figures
come from `claims.customer_statement`; a bad date is a form error, never a 500.
"""
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from relance.compose.documents.statement import (
    policy_text,
    statement_csv_text,
    statement_pdf_content,
)
from relance.delivery.evidence import customer_for
from relance.ledger.claims import customer_statement
from relance.legal.statement import INDEMNITY_CURRENCY
from relance.recovery.forms import StatementForm
from relance.recovery.views_handover import may_view_legal
from relance.web.downloads import attachment


@require_GET
def statement_page(request, pk):
    customer = customer_for(request.user, pk)
    form = StatementForm(request.GET, today=timezone.localdate())
    context = {"section": "customers", "customer": customer, "form": form,
               "indemnity_currency": INDEMNITY_CURRENCY,
               "may_view_legal": may_view_legal(request.user, customer)}
    if not form.is_valid():
        return render(request, "legal/statement.html", context, status=400)
    found = _statement(customer, form)
    context.update(statement=found, policy=policy_text(found),
                   query=request.GET.urlencode() or f"as_of={found.as_of.isoformat()}")
    return render(request, "legal/statement.html", context)


def statement_download(build):
    """A view that answers the statement as a file made by `build(customer, found)`;
    a bad date shows the page with the form's error, as the page itself does."""
    @require_GET
    def view(request, pk):
        customer = customer_for(request.user, pk)
        form = StatementForm(request.GET, today=timezone.localdate())
        if not form.is_valid():
            return statement_page(request, pk)
        return build(customer, _statement(customer, form))
    return view


def _pdf_file(customer, found):
    content = statement_pdf_content(customer, found, get_language())
    return attachment(content, _filename(customer, found, "pdf"), "application/pdf")


def _csv_file(customer, found):
    french = (get_language() or "").startswith("fr")
    content = statement_csv_text(found, french=french)
    return attachment(content.encode("utf-8-sig"), _filename(customer, found, "csv"),
                     "text/csv; charset=utf-8")


statement_pdf = statement_download(_pdf_file)
statement_csv = statement_download(_csv_file)


def _statement(customer, form):
    return customer_statement(customer, form.cleaned_data["as_of"],
                              include_paid_late=form.cleaned_data["paid_late"])


def _filename(customer, found, extension):
    return f"statement-{customer.reference}-{found.as_of.isoformat()}.{extension}"

