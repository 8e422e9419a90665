"""The structured data of the dossier: the debtor's identity, the order-for-payment
application (the fields of Cerfa 12946) and the collection agency's mandate. Pure:
plain rows in, JSON-ready dicts out (amounts as strings with two decimals, dates ISO).
"""
from stdnum.eu import vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number

CERFA = "12946"
ZERO = "0.00"


def money(value):
    return f"{value:.2f}"


def checked(number, module):
    """A legal identifier with its python-stdnum verdict: a court clerk rejects a
    SIREN that does not check, so the dossier says so before filing."""
    if not number:
        return {"value": "", "valid": False}
    try:
        compact = module.compact(number)
    except ValidationError:
        compact = number
    valid = module.is_valid(compact)
    return {"value": compact, "valid": valid,
            "formatted": module.format(compact) if valid and hasattr(module, "format")
            else compact}


def debtor_identity(customer, contacts):
    """debtor.json: who owes, where its seat is, who to reach there."""
    return {
        "name": customer.name, "reference": customer.reference,
        "siren": checked(customer.siren, siren_number),
        "siret": checked(customer.siret, siret_number),
        "vat_number": checked(customer.vat_number, vat),
        "address": {"lines": list(customer.address_lines),
                    "address_line1": customer.address_line1,
                    "address_line2": customer.address_line2,
                    "postal_code": customer.postal_code, "city": customer.city,
                    "country": customer.country},
        "consumer": customer.is_consumer,
        "insolvency_proceedings": customer.insolvency_proceedings,
        "contacts": [{"name": c.name, "role": c.role, "email": c.email, "phone": c.phone}
                     for c in contacts],
    }


def creditor_identity(company):
    return {"name": company.name, "siren": checked(company.siren, siren_number),
            "vat_number": company.vat_number, "address": list(company.address_lines),
            "email": company.email, "phone": company.phone, "iban": company.iban,
            "bic": company.bic}


def amounts(claim, currency="EUR"):
    """principal / interest / indemnities / total of the claim in `currency`."""
    totals = claim.totals_in(currency)
    return {"currency": currency, "principal": money(totals.open),
            "interest": money(totals.penalties), "indemnities": money(totals.indemnities),
            "total": money(totals.total)}


def interest_rate(claim, policy_text):
    """The rate the penalties were computed at: the policy in words and every rate
    applied over the late periods."""
    applied = sorted({period.rate for line in claim.lines for period in line.penalty.periods})
    policy = claim.policy
    return {"policy": "contractual" if policy and policy.contractual_rate is not None
            else "statutory", "text": policy_text, "rates_applied": [str(r) for r in applied]}


def invoice_rows(claim):
    return [{"number": line.number, "issue_date": line.issue_date.isoformat(),
             "due_date": line.due_date.isoformat(), "currency": line.currency,
             "amount": money(line.amount), "credited": money(line.credited),
             "paid": money(line.paid), "open": money(line.open),
             "days_late": line.days_late, "penalties": money(line.penalties),
             "indemnity": money(line.indemnity), "claimed": money(line.claimed)}
            for line in claim.lines]


def order_for_payment(creditor, debtor, claim, recommendation, policy_text, documents):
    """cerfa-12946.json: what the application for an order for payment asks for."""
    return {
        "form": CERFA, "as_of": claim.as_of.isoformat(),
        "procedure": recommendation.procedure, "court": recommendation.court,
        "reasons": list(recommendation.reasons), "warnings": list(recommendation.warnings),
        "creditor": creditor, "debtor": debtor,
        "amounts": {**amounts(claim), "interest_rate": interest_rate(claim, policy_text),
                    "other_currencies": [amounts(claim, currency) for currency in claim.totals
                                         if currency != "EUR"]},
        "invoices": invoice_rows(claim),
        "excluded": [{"number": line.number, "reason": code, "text": text}
                     for line, code, text in recommendation.excluded],
        "documents": list(documents),
    }


def agency_mandate(creditor, debtor, claim, handover, policy_text, documents):
    """agency-mandate.json: what a collection agency needs for its first letter
    (Code des procédures civiles d'exécution R124-4): the creditor, the debtor, the
    basis of the debt and its breakdown into principal, interest and other sums."""
    totals = amounts(claim)
    return {
        "as_of": claim.as_of.isoformat(), "creditor": creditor, "debtor": debtor,
        "agency": None if handover is None else {
            "name": handover.agency_name, "reference": handover.agency_reference,
            "handed_on": handover.handed_on.isoformat(), "status": handover.status},
        "basis": [f"{row['number']} ({row['issue_date']}, {row['due_date']})"
                  for row in invoice_rows(claim)],
        "breakdown": {"currency": "EUR", "principal": totals["principal"],
                      "interest": totals["interest"], "other": totals["indemnities"],
                      "total": totals["total"]},
        "interest_rate": interest_rate(claim, policy_text),
        "invoices": invoice_rows(claim), "documents": list(documents),
    }
