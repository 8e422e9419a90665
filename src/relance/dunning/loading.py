"""Reading the ledger into the planner's plain rows, with a few set-based queries.

The daily run reads every open invoice of a company; on a million-invoice ledger that is
about 150,000 rows, so rows come from raw SQL and become slotted dataclasses without
any model instance.
"""
import datetime as dt
from decimal import Decimal

from django.db import connection

from relance.cases.models import Dispute, PaymentDeclaration, PaymentPlan, Promise
from relance.dunning import assignment
from relance.dunning.models import InvoiceProgress
from relance.dunning.planner import OpenInvoice, Progress
from relance.dunning.recipients import ContactCard
from relance.ledger.models import Contact, Customer, Invoice

# Stop reasons, in the order they are reported when several apply.
PAID = "paid"
DISPUTED = "disputed"
INVOICE_ON_HOLD = "invoice_on_hold"
CUSTOMER_ON_HOLD = "customer_on_hold"
PROMISED = "promised"
PAYMENT_PLAN = "payment_plan"
DECLARED_PAID = "declared_paid"
NO_SCENARIO = "no_scenario"


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _converters():
    """(date, amount) converters for raw rows. Django's SQLite connection already turns
    DATE columns into dates, but decimals come back as floats."""
    same = (lambda v: v)
    if connection.vendor == "sqlite":
        return same, lambda v: Decimal(str(v))
    return same, same


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(10_000):
            yield from batch


class CustomerRules:
    """Per customer of the company: the scenario it follows and whether it is on hold."""

    def __init__(self, company, as_of, customer_id=None):
        by_segment = assignment.segment_scenarios(company)
        default_id = assignment.default_scenario_id(company)
        to_date, _ = _converters()
        self.scenario_id, self.on_hold = {}, set()
        sql = (f"SELECT id, scenario_id, segment, hold_reason, hold_until "
               f"FROM {_table(Customer)} WHERE company_id = %s")
        params = [company.pk]
        if customer_id is not None:
            sql += " AND id = %s"
            params.append(customer_id)
        for cid, own, segment, reason, until in _rows(sql, params):
            self.scenario_id[cid] = assignment.choose(own, segment, by_segment, default_id)
            if reason and (until is None or to_date(until) >= as_of):
                self.on_hold.add(cid)


def stopped_invoice_ids(company, as_of):
    """reason -> set of invoice ids whose dunning a case stops."""
    disputed = Dispute.objects.filter(invoice__company=company, status="open")
    promised = Promise.invoices.through.objects.filter(
        promise__customer__company=company, promise__status="open",
        promise__promised_for__gte=as_of)
    planned = PaymentPlan.invoices.through.objects.filter(
        paymentplan__customer__company=company, paymentplan__status="active")
    declared = PaymentDeclaration.invoices.through.objects.filter(
        paymentdeclaration__customer__company=company,
        paymentdeclaration__status="pending")
    return {
        DISPUTED: set(disputed.values_list("invoice_id", flat=True)),
        PROMISED: set(promised.values_list("invoice_id", flat=True)),
        PAYMENT_PLAN: set(planned.values_list("invoice_id", flat=True)),
        DECLARED_PAID: set(declared.values_list("invoice_id", flat=True)),
    }


def open_invoices(company, as_of, horizon_days, customers, customer_id=None):
    """The company's open invoices due by `as_of + horizon_days` (preventive steps act
    before the due date), each with its progress and its stop reason if any.

    Returns (invoices, numbers) where numbers maps invoice id -> invoice number."""
    to_date, to_amount = _converters()
    stops = stopped_invoice_ids(company, as_of)
    tolerance = company.dunning_tolerance
    sql = (f"SELECT i.id, i.customer_id, i.currency, i.due_date, i.open_amount, i.number, "
           f"i.hold_reason, i.hold_until, p.scenario_id, p.position, p.reached_on, "
           f"p.last_on, p.repeats "
           f"FROM {_table(Invoice)} i LEFT JOIN {_table(InvoiceProgress)} p "
           f"ON p.invoice_id = i.id "
           f"WHERE i.company_id = %s AND i.status = 'open' AND i.kind = 'invoice' "
           f"AND i.due_date <= %s")
    horizon = as_of + dt.timedelta(days=horizon_days)
    params = [company.pk, horizon.isoformat()]
    if customer_id is not None:
        sql += " AND i.customer_id = %s"
        params.append(customer_id)
    invoices, numbers = [], {}
    for (iid, cid, currency, due, amount, number, hold_reason, hold_until,
         scenario_id, position, reached_on, last_on, repeats) in _rows(sql, params):
        amount = to_amount(amount)
        progress = None if scenario_id is None else Progress(
            scenario_id, position, to_date(reached_on), to_date(last_on), repeats)
        invoice = OpenInvoice(iid, cid, currency, to_date(due), amount, progress)
        invoice.stop = _stop_reason(invoice, hold_reason, hold_until and to_date(hold_until),
                                    as_of, tolerance, stops, customers)
        invoices.append(invoice)
        numbers[iid] = number
    return invoices, numbers


def _stop_reason(invoice, hold_reason, hold_until, as_of, tolerance, stops, customers):
    if invoice.open_amount < tolerance:
        return PAID
    if invoice.id in stops[DISPUTED]:
        return DISPUTED
    if hold_reason and (hold_until is None or hold_until >= as_of):
        return INVOICE_ON_HOLD
    if invoice.customer_id in customers.on_hold:
        return CUSTOMER_ON_HOLD
    for reason in (PROMISED, PAYMENT_PLAN, DECLARED_PAID):
        if invoice.id in stops[reason]:
            return reason
    if customers.scenario_id.get(invoice.customer_id) is None:
        return NO_SCENARIO
    return None


def contacts_of(customer_ids):
    """customer id -> [ContactCard] for the given customers."""
    cards = {}
    ids = sorted(customer_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        rows = Contact.objects.filter(customer_id__in=chunk).values_list(
            "customer_id", "id", "role", "email", "phone", "preferred", "email_bounced")
        for customer_id, *card in rows:
            cards.setdefault(customer_id, []).append(ContactCard(*card))
    return cards
