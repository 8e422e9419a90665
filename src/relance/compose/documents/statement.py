"""The statement of claim as files: its PDF, its CSV and its rate in words, for the
statement's pages, the dossier and the statement emailed through the outbox."""
import csv
import io

from django.utils.translation import gettext as _

from relance.compose.documents.rendering import Formats, creditor_of, render_pdf
from relance.ledger.claims import customer_statement
from relance.legal.penalties import percent
from relance.legal.statement import INDEMNITY_CURRENCY
from relance.textfiles import spreadsheet_safe


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
        writer.writerow([spreadsheet_safe(line.number), line.issue_date.isoformat(),
                         line.due_date.isoformat(),
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

def statement_attachment(customer, as_of, language):
    """The customer's statement of claim on `as_of`, as an email's attachment:
    its file name and its PDF bytes."""
    found = customer_statement(customer, as_of)
    name = f"statement-{customer.reference}-{as_of.isoformat()}.pdf"
    return name, statement_pdf_content(customer, found, language)


def statement_pdf_content(customer, found, language):
    """The statement of claim as PDF bytes (also a member of the dossier)."""
    return render_pdf("legal/statement_pdf.html",
                      _pdf_context(customer, found, Formats(language)), language)


def _pdf_context(customer, found, formats):
    return {
        "company": creditor_of(customer.company),
        "customer": {"name": customer.name, "reference": customer.reference,
                     "siren": customer.siren, "address": customer.address_lines},
        "as_of": formats.date(found.as_of),
        "policy": policy_text(found),
        "lines": [_pdf_line(line, formats) for line in found.lines],
        "not_due": [_pdf_line(line, formats) for line in found.not_due],
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
