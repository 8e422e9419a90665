"""A customer's statement of claim: on screen, as PDF and as CSV.

Who may see it is the customer history's rule (`delivery.evidence.may_see_customer`):
managers every customer, a collector the customers they own, a sales rep the
customers they sell to; anyone else gets a 404, as for the history PDF. The figures
come from `claims.customer_statement`; a bad date is a form error, never a 500.
"""
import csv
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from relance.delivery.documents.rendering import Formats, creditor_of, render_pdf
from relance.delivery.evidence import customer_for
from relance.legal.claims import customer_statement
from relance.legal.forms import StatementForm
from relance.legal.handover_section import may_view_legal
from relance.legal.penalties import percent
from relance.legal.statement import INDEMNITY_CURRENCY


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
    return _download(content, _filename(customer, found, "pdf"), "application/pdf")


def statement_pdf_content(customer, found, language):
    """The statement of claim as PDF bytes (also a member of the dossier)."""
    return render_pdf("legal/statement_pdf.html",
                      _pdf_context(customer, found, Formats(language)), language)


def _csv_file(customer, found):
    french = (get_language() or "").startswith("fr")
    content = statement_csv_text(found, french=french)
    return _download(content.encode("utf-8-sig"), _filename(customer, found, "csv"),
                     "text/csv; charset=utf-8")


statement_pdf = statement_download(_pdf_file)
statement_csv = statement_download(_csv_file)


def _statement(customer, form):
    return customer_statement(customer, form.cleaned_data["as_of"],
                              include_paid_late=form.cleaned_data["paid_late"])


def _filename(customer, found, extension):
    return f"statement-{customer.reference}-{found.as_of.isoformat()}.{extension}"


def _download(content, name, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def policy_text(found):
    """The rate the penalties were computed at, in words."""
    policy = found.policy
    if policy is None or policy.contractual_rate is None:
        return _("Statutory rate: the ECB main refinancing rate of each half-year plus "
                 "10 points (Code de commerce L441-10).")
    return _("Contractual rate: %(rate)s %% a year.") % {"rate": percent(policy.contractual_rate)}


# CSV ---------------------------------------------------------------------------------

def statement_csv_text(found, *, french):
    """One row per invoice, then one total row per currency. French: `;` and a decimal
    comma, as Excel reads it in France; English: `,` and a dot."""
    def amount(value):
        text = f"{value:.2f}"
        return text.replace(".", ",") if french else text

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if french else ",", lineterminator="\r\n")
    writer.writerow([_("Invoice"), _("Issue date"), _("Due date"), _("Currency"),
                     _("Amount incl. tax"), _("Credit notes"), _("Principal"),
                     _("Payments received"), _("Payments"), _("Open principal"),
                     _("Days late"), _("Penalties"),
                     _("Indemnity (%(currency)s)") % {"currency": INDEMNITY_CURRENCY},
                     _("Total claimed")])
    for line in found.lines:
        received = " ".join(f"{p.date.isoformat()}:{amount(p.amount)}" for p in line.payments)
        writer.writerow([line.number, line.issue_date.isoformat(), line.due_date.isoformat(),
                         line.currency, amount(line.amount), amount(line.credited),
                         amount(line.principal), received, amount(line.paid),
                         amount(line.open), line.days_late, amount(line.penalties),
                         amount(line.indemnity), amount(line.claimed)])
    for currency, totals in found.totals.items():
        writer.writerow([_("Total %(currency)s") % {"currency": currency}, "", "", currency,
                         "", "", amount(totals.principal), "", amount(totals.payments),
                         amount(totals.open), "", amount(totals.penalties),
                         amount(totals.indemnities), amount(totals.total)])
    return out.getvalue()


# PDF ---------------------------------------------------------------------------------

def _pdf_context(customer, found, formats):
    return {
        "company": creditor_of(customer.company),
        "customer": {"name": customer.name, "reference": customer.reference,
                     "siren": customer.siren, "address": customer.address_lines},
        "as_of": formats.date(found.as_of),
        "policy": policy_text(found),
        "lines": [_pdf_line(line, formats) for line in found.lines],
        "totals": [{key: formats.money(value, totals.currency) if key != "currency"
                    else value for key, value in totals.as_dict().items()}
                   for totals in found.totals.values()],
        "warnings": found.warnings,
    }


def _pdf_line(line, formats):
    def money(value):
        return formats.money(value, line.currency)
    return {
        "number": line.number, "issue_date": formats.short_date(line.issue_date),
        "due_date": formats.short_date(line.due_date), "amount": money(line.amount),
        "credited": money(line.credited) if line.credited else "",
        "payments": [f"{formats.short_date(p.date)}{formats.colon} {money(p.amount)}"
                     for p in line.payments],
        "open": money(line.open), "days_late": line.days_late,
        "penalties": money(line.penalties),
        "indemnity": formats.money(line.indemnity, INDEMNITY_CURRENCY),
        "claimed": money(line.claimed),
        "periods": [{"start": formats.short_date(p.start), "end": formats.short_date(p.end),
                     "days": p.days, "base": money(p.base),
                     "rate": formats.number(p.rate), "amount": money(p.amount)}
                    for p in line.penalty.periods],
    }
