"""The context a reminder template is rendered with, built from an action, or from a
customer and a step for a template editor's preview (`context_for_customer`).

The shape is the one documented at the top of `templating.py` and in docs/templates.md;
`templating.render` refuses anything but plain data, so everything is copied out of the
models here. Amounts and days late are today's, read from the invoices themselves: the
action's `summary` says which invoices, the ledger says how much is still open.

Time and the portal address are the caller's: `today` is given, and so is
`portal_url`, which the sending path gets from `portal.links.for_reminder` (reusing or
issuing a link) and a page that only shows a reminder from `preview_portal_url`
(the customer's usable link, or a placeholder: never a new link).
"""
from datetime import timedelta
from decimal import Decimal

from relance.dunning import loading, recipients
from relance.dunning.models import Trigger
from relance.dunning.snapshots import concerned_ids, other_ids
from relance.ledger.claims import customer_statement
from relance.ledger.models import Invoice
from relance.ledger.models.invoice import InvoiceKind
from relance.ledger.references import creditor_reference
from relance.legal import penalties as legal
from relance.legal import rates as rate_tables
from relance.legal.halfyears import HalfYear
from relance.legal.statement import INDEMNITY_CURRENCY, restricted
from relance.portal import links as portal_links

# The token a preview's portal address carries when the customer has no usable link:
# the link is issued when the reminder is sent, never by a page that only shows it.
PLACEHOLDER_TOKEN = "PORTAL-LINK-ISSUED-WHEN-SENT"


def preview_portal_url(customer, now):
    """The portal address a preview shows: the customer's link a reminder sent `now`
    would reuse, else a clearly marked placeholder. Writes nothing."""
    return (portal_links.reusable_url(customer, now)
            or portal_links.url(PLACEHOLDER_TOKEN))


def build_context(action, today, *, portal_url):
    """The template context for `action` as it would read on `today`, with
    `portal_url` as the customer's portal address.

    1. Load the invoices the action is about and the other overdue ones from `summary`.
    2. Describe them and the rest as `_context` does, in the action's currency.
    """
    summary = action.summary or {}
    rows = _invoices(summary)
    concerned = [rows[pk] for pk in concerned_ids(summary) if pk in rows]
    others = [rows[pk] for pk in other_ids(summary) if pk in rows]
    return _context(action.company, action.customer, action.contact, action.step,
                    action.tone, action.currency, concerned, others, today, portal_url)


def context_for_customer(customer, step, today, *, portal_url):
    """The context `step` would be rendered with for `customer` on `today`, without a
    saved action: what a template editor previews.

    1. Take the customer's open invoices; the step is about those it has reached
       (`step.days` or more after their due date; a step counted from the previous
       one, about every overdue invoice), or the overdue ones, or all, when it has
       reached none.
    2. Its currency is the first of these invoices'; the other overdue invoices in
       that currency are listed beside them, as the run does.
    3. The contact is the one the run would choose for the step's roles and channel.
    """
    open_invoices = list(Invoice.objects.filter(customer=customer, open_amount__gt=0)
                         .exclude(kind=InvoiceKind.CREDIT_NOTE)
                         .order_by("due_date", "number"))
    overdue = [i for i in open_invoices if i.due_date < today]
    reached = [i for i in open_invoices if _reached(step, i, today)]
    concerned = reached or overdue or open_invoices
    currency = concerned[0].currency if concerned else "EUR"
    concerned = [i for i in concerned if i.currency == currency]
    others = [i for i in overdue if i.currency == currency and i not in concerned]
    return _context(customer.company, customer, _contact_for(customer, step), step,
                    step.tone, currency, concerned, others, today, portal_url)


def _reached(step, invoice, today):
    if step.trigger == Trigger.DUE_DATE:
        return (today - invoice.due_date).days >= step.days
    return invoice.due_date < today


def _contact_for(customer, step):
    """The contact the run would address, read the way the run reads contacts."""
    cards = loading.contacts_of([customer.pk]).get(customer.pk, [])
    _channel, card = recipients.route(cards, step.roles, step.channel)
    return None if card is None else customer.contacts.get(pk=card.id)


def _context(company, customer, contact, step, tone, currency, concerned, others, today,
             portal_url):
    """The context itself, from model rows: described with today's open amounts and
    days late, totalled per currency (`currency` first), penalties on that currency."""
    invoices = [_invoice(i, today) for i in concerned]
    other_overdue = [_invoice(i, today) for i in others]
    totals = _totals(invoices + other_overdue, currency)
    rates = rate_tables.load()
    found = message_claim(customer, [i["number"] for i in invoices + other_overdue],
                          today, rates)
    claims = claim_totals(found, totals[0]["currency"])
    return {
        "company": _company(company),
        "customer": {"name": customer.name, "reference": customer.reference,
                     "address": "\n".join(customer.address_lines),
                     "siren": customer.siren},
        "contact": contact_of(contact),
        "invoices": invoices,
        "other_overdue": other_overdue,
        "totals": totals,
        "total": totals[0],
        "penalties": penalties(found, totals[0]["currency"], rates),
        "claim": claims[0],
        "claims": claims,
        "payment": _payment(company, customer),
        "portal_url": portal_url,
        "collector": _collector(customer.owner, company),
        "today": today,
        "deadline": (today + timedelta(days=step.deadline_days)
                     if step is not None and step.deadline_days else None),
        "step": {"name": step.name if step is not None else "", "tone": tone},
    }


def _payment(company, customer):
    """Where and how to pay; `reference` is the structured one the bank carries."""
    return {"iban": company.iban, "bic": company.bic,
            "reference": creditor_reference(customer.reference),
            "plain_reference": customer.reference}


def message_claim(customer, numbers, today, rates=None):
    """The customer's statement of claim on `today` (`ledger.claims`) restricted to
    the invoices a message names: the one claim every document computes, so that a
    reminder, its letter, the statement and the court's data agree to the cent."""
    return restricted(customer_statement(customer, today, rates=rates), numbers)


def claim_totals(found, currency):
    """The claim's totals per currency, `currency` first (never empty), then euros,
    where the 40 EUR indemnities of a claim in another currency are."""
    order = [currency] + [c for c in found.totals if c != currency]
    return [found.totals_in(c).as_dict() for c in order]


def penalties(found, currency, rates):
    """The late penalties in `currency` and the fixed indemnities (in euros, D441-5)
    of the claim `found`; `total` adds the indemnities when they are in `currency`,
    `rate` is the rate that applies on the claim's date, `late_invoices` the number
    of invoices an indemnity is claimed for."""
    amount = found.totals_in(currency).penalties
    indemnity = found.totals_in(INDEMNITY_CURRENCY).indemnities
    same = currency == INDEMNITY_CURRENCY
    return {"rate": _rate(found.policy, found.as_of, rates), "amount": amount,
            "indemnity": indemnity, "indemnity_currency": INDEMNITY_CURRENCY,
            "late_invoices": sum(1 for line in found.lines if line.indemnity > 0),
            "total": amount + (indemnity if same else Decimal("0.00")),
            "currency": currency}


def _rate(policy, today, rates):
    if policy.contractual_rate is not None:
        return policy.contractual_rate
    return legal.statutory_rate(HalfYear.of(today), rates)


def _invoices(summary):
    ids = concerned_ids(summary) + other_ids(summary)
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
    # Users have no phone number yet; read one as soon as they do.
    phone = getattr(user, "phone", "") or ""
    return {"name": name, "email": user.email, "phone": phone,
            "signature": user.signature or f"{name}\n{company.name}"}
