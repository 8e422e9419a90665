"""The files a debtor downloads: each invoice (its PDF, or the generated summary) and
the statement of the account, in the portal's language."""
from django.utils import timezone

from relance.compose.messages import invoice_document
from relance.portal import rules
from relance.portal.statement import statement_of


def company_data(company):
    return {"name": company.name, "address": "\n".join(company.address_lines),
            "siren": company.siren, "vat_number": company.vat_number,
            "email": company.email, "phone": company.phone, "iban": company.iban,
            "bic": company.bic, "city": company.city}


def customer_data(customer):
    return {"name": customer.name, "reference": customer.reference,
            "address": "\n".join(customer.address_lines), "siren": customer.siren}


def invoice_file(customer, invoice, language):
    """(file name, bytes) of one of the customer's invoices."""
    return invoice_document(company_data(customer.company), customer_data(customer),
                            invoice, language)


def statement_file(customer, language):
    # WeasyPrint takes a second to import: only when a PDF is asked for.
    from relance.compose.documents.rendering import (
        Formats, creditor, lines, payment_block, render_pdf,
    )
    formats = Formats(language)
    today = timezone.localdate()
    found = statement_of(customer, today)
    company = company_data(customer.company)
    structured, text = rules.transfer_reference(customer.reference,
                                                [i.number for i in found.invoices])
    euros = found.totals.get("EUR")
    page = {
        "company": creditor(company),
        "customer": {**customer_data(customer),
                     "address_lines": lines("\n".join(customer.address_lines))},
        "today": formats.date(today),
        "invoices": [_row(i, formats) for i in found.invoices],
        "credit_notes": [_row(i, formats) for i in found.credit_notes],
        "payments": [{"reference": p.reference, "date": formats.short_date(p.date),
                      "amount": formats.money(p.amount, p.currency)} for p in found.payments],
        "totals": [formats.money(amount, currency) for currency, amount in found.totals.items()],
        "claimed": None if found.claimed is None else {
            "notice_sent_on": formats.date(found.claimed.notice_sent_on),
            "totals": [{key: value if key == "currency" else formats.money(value, row["currency"])
                        for key, value in row.items()} for row in found.claimed.totals]},
        "payment": payment_block(company, {"iban": company["iban"], "bic": company["bic"],
                                           "reference": structured or text},
                                 euros if euros and euros > 0 else None, "EUR", formats),
    }
    name = f"statement-{customer.reference}-{today.isoformat()}.pdf"
    return name, render_pdf("portal/statement_pdf.html", page, language)


def _row(invoice, formats):
    return {"number": invoice.number, "issue_date": formats.short_date(invoice.issue_date),
            "due_date": formats.short_date(invoice.due_date),
            "amount": formats.money(invoice.amount_total, invoice.currency),
            "open_amount": formats.money(invoice.open_amount, invoice.currency)}
