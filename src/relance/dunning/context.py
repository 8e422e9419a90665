"""The context a reminder template is rendered with, built from an action.

The shape is the one documented at the top of `templating.py` and in docs/templates.md;
`templating.render` refuses anything but plain data, so everything is copied out of the
models here. Amounts and days late are today's, read from the invoices themselves: the
action's `summary` says which invoices, the ledger says how much is still open.
"""
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from relance.ledger.models import Invoice

CENT = Decimal("0.01")
# PROVISIONAL until the French-law module (legal/) exists: the statutory rate (ECB
# rate + 10 points, per half-year) is not computed yet. We take the contractual rate
# when the company has one, else this figure (2.15 % + 10, first half of 2026).
PROVISIONAL_STATUTORY_RATE = Decimal("12.15")
# PROVISIONAL as well: the fixed recovery indemnity (article D441-5 of the Code de
# commerce), 40 per late invoice, in the currency of the penalties.
INDEMNITY_PER_INVOICE = Decimal("40.00")


def build_context(action, today):
    """The template context for `action` as it would read on `today`.

    1. Load the invoices the action is about and the other overdue ones from `summary`.
    2. Describe each invoice with today's open amount and days late.
    3. Total them per currency, the action's currency first.
    4. Compute the penalties on the invoices of that first currency.
    """
    company, customer = action.company, action.customer
    summary = action.summary or {}
    rows = _invoices(summary)
    invoices = [_invoice(rows[line["id"]], today) for line in summary.get("invoices", [])
                if line["id"] in rows]
    others = [_invoice(rows[line["id"]], today) for line in summary.get("others", [])
              if line["id"] in rows]
    totals = _totals(invoices + others, action.currency)
    step = action.step
    return {
        "company": _company(company),
        "customer": {"name": customer.name, "reference": customer.reference,
                     "address": "\n".join(customer.address_lines),
                     "siren": customer.siren},
        "contact": contact_of(action.contact),
        "invoices": invoices,
        "other_overdue": others,
        "totals": totals,
        "total": totals[0],
        "penalties": penalties(invoices + others, totals[0]["currency"],
                               _rate(company)),
        "payment": {"iban": company.iban, "bic": company.bic,
                    "reference": f"RL-{customer.reference}"},
        "portal_url": "",
        "collector": _collector(customer.owner, company),
        "today": today,
        "deadline": (today + timedelta(days=step.deadline_days)
                     if step is not None and step.deadline_days else None),
        "step": {"name": step.name if step is not None else "", "tone": action.tone},
    }


def penalties(invoices, currency, rate):
    """Simple interest, open amount × rate × days late / 36500, rounded per invoice to
    the cent, plus the fixed indemnity per late invoice; on the invoices in `currency`."""
    late = [i for i in invoices if i["currency"] == currency and i["days_late"] > 0
            and i["open_amount"] > 0]
    amount = sum(((i["open_amount"] * rate * i["days_late"] / 36500)
                  .quantize(CENT, ROUND_HALF_UP) for i in late), Decimal("0.00"))
    indemnity = INDEMNITY_PER_INVOICE * len(late)
    return {"rate": rate, "amount": amount, "indemnity": indemnity,
            "total": amount + indemnity, "currency": currency}


def _rate(company):
    if company.contractual_rate is not None:
        return company.contractual_rate
    return PROVISIONAL_STATUTORY_RATE


def _invoices(summary):
    ids = [line["id"] for key in ("invoices", "others") for line in summary.get(key, [])]
    return Invoice.objects.in_bulk(ids)


def _invoice(invoice, today):
    return {"number": invoice.number, "issue_date": invoice.issue_date,
            "due_date": invoice.due_date, "amount": invoice.amount_total,
            "open_amount": invoice.open_amount, "currency": invoice.currency,
            "days_late": (today - invoice.due_date).days}


def _totals(invoices, first_currency):
    """One {currency, amount} per currency, the action's currency first, then A to Z;
    never empty, so that `total` always exists."""
    amounts = {first_currency: Decimal("0.00")}
    for invoice in invoices:
        amounts[invoice["currency"]] = (amounts.get(invoice["currency"], Decimal("0.00"))
                                        + invoice["open_amount"])
    order = [first_currency] + sorted(c for c in amounts if c != first_currency)
    return [{"currency": c, "amount": amounts[c]} for c in order]


def _company(company):
    return {"name": company.name, "address": "\n".join(company.address_lines),
            "siren": company.siren, "vat_number": company.vat_number,
            "email": company.email, "phone": company.phone, "iban": company.iban,
            "bic": company.bic, "city": company.city}


def contact_of(contact):
    return None if contact is None else {"name": contact.name, "email": contact.email}


def _collector(user, company):
    """The customer's collector; without one, the company signs."""
    if user is None:
        return {"name": company.name, "email": company.email, "phone": company.phone,
                "signature": company.name}
    name = user.get_full_name() or user.email
    return {"name": name, "email": user.email, "phone": "",
            "signature": user.signature or f"{name}\n{company.name}"}
