"""Reading the ledger into the planner's plain rows, with a few set-based queries.

A million-invoice ledger has about 150,000 open invoices, so rows come from raw SQL and
become slotted dataclasses without any model instance. The daily run reads only the
invoices that may need something: those without progress, those whose recorded next
date has come, and those whose progress was computed under other inputs (another
scenario, changed steps, a changed due date). Everything else provably has nothing to
do that day (`planner.next_date`).
"""
import datetime as dt
from dataclasses import dataclass
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

NEVER = dt.date(9999, 12, 31)   # next_on of an invoice its scenario has finished with


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _to_amount():
    """Django's SQLite connection turns DATE columns into dates, but decimals come
    back as floats."""
    if connection.vendor == "sqlite":
        return lambda v: Decimal(str(v))
    return lambda v: v


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(10_000):
            yield from batch


@dataclass
class Assignment:
    """How the company's customers are assigned to scenarios, and the current rules."""
    default_id: int | None
    by_segment: dict
    fingerprints: dict      # scenario id -> ScenarioRule.fingerprint

    @classmethod
    def of(cls, company, rules):
        return cls(assignment.default_scenario_id(company),
                   assignment.segment_scenarios(company),
                   {sid: rule.fingerprint for sid, rule in rules.items()})

    def scenario_id(self, own, segment):
        return assignment.choose(own, segment, self.by_segment, self.default_id)

    def effective_sql(self, params):
        """SQL for the customer's scenario id (customer alias c), appending its
        parameters; mirrors `scenario_id`."""
        segment = "NULL"
        if self.by_segment:
            whens = []
            for name, sid in sorted(self.by_segment.items()):
                whens.append("WHEN %s THEN %s")
                params += [name, sid]
            segment = f"CASE c.segment {' '.join(whens)} ELSE NULL END"
        params.append(self.default_id)
        return f"COALESCE(c.scenario_id, {segment}, %s)"

    def fingerprint_sql(self, params):
        whens = []
        for sid, fingerprint in sorted(self.fingerprints.items()):
            whens.append("WHEN %s THEN %s")
            params += [sid, fingerprint]
        if not whens:
            return "0"
        return f"CASE p.scenario_id {' '.join(whens)} ELSE 0 END"


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


SELECT = ("SELECT i.id, i.customer_id, i.currency, i.due_date, i.open_amount, i.number, "
          "i.hold_reason, i.hold_until, c.scenario_id, c.segment, c.hold_reason, "
          "c.hold_until, p.scenario_id, p.position, p.reached_on, p.last_on, p.repeats, "
          "p.next_on, p.due_date, p.rules ")


class InvoiceReader:
    """Reads open invoices as planner rows, with their progress and stop reason."""

    def __init__(self, company, as_of, rules):
        self.company = company
        self.as_of = as_of
        self.assignment = Assignment.of(company, rules)
        self.stops = stopped_invoice_ids(company, as_of)
        self.scenario_of = {}     # customer id -> scenario id, for the customers read
        self.numbers = {}         # invoice id -> number
        self._to_amount = _to_amount()

    def due_by(self, horizon, customer_ids=None, incremental=False):
        """Open invoices due by `horizon`; with `incremental`, only those that may
        need something on `as_of` (see the module's docstring)."""
        params = [self.company.pk, horizon.isoformat()]
        sql = (SELECT + f"FROM {_table(Invoice)} i "
               f"JOIN {_table(Customer)} c ON c.id = i.customer_id "
               f"LEFT JOIN {_table(InvoiceProgress)} p ON p.invoice_id = i.id "
               "WHERE i.company_id = %s AND i.status = 'open' AND i.kind = 'invoice' "
               "AND i.due_date <= %s")
        if customer_ids is not None:
            sql += f" AND i.customer_id IN ({', '.join(['%s'] * len(customer_ids))})"
            params += list(customer_ids)
        if incremental:
            params.append(self.as_of.isoformat())
            sql += (" AND (p.invoice_id IS NULL OR p.next_on <= %s "
                    "OR p.due_date <> i.due_date "
                    f"OR p.scenario_id <> {self.assignment.effective_sql(params)} "
                    f"OR p.rules <> {self.assignment.fingerprint_sql(params)})")
        return [self._invoice(row) for row in _rows(sql, params)]

    def overdue_of(self, customer_ids):
        """Every open overdue invoice of these customers (for the 'other overdue
        invoices' of their reminders), whatever their progress."""
        day = self.as_of - dt.timedelta(days=1)
        if len(customer_ids) > 2_000:
            wanted = set(customer_ids)
            return [i for i in self.due_by(day) if i.customer_id in wanted]
        found = []
        ids = sorted(customer_ids)
        for start in range(0, len(ids), 500):
            found += self.due_by(day, ids[start:start + 500])
        return found

    def _invoice(self, row):
        (iid, cid, currency, due, amount, number, hold_reason, hold_until, own_scenario,
         segment, customer_hold, customer_until, scenario_id, position, reached_on,
         last_on, repeats, next_on, progress_due, rules) = row
        progress = None if scenario_id is None else Progress(
            scenario_id, position, reached_on, last_on, repeats, next_on, progress_due, rules)
        invoice = OpenInvoice(iid, cid, currency, due, self._to_amount(amount), progress)
        self.numbers[iid] = number
        if cid not in self.scenario_of:
            self.scenario_of[cid] = self.assignment.scenario_id(own_scenario, segment)
        invoice.stop = self._stop_reason(invoice, hold_reason, hold_until, customer_hold,
                                         customer_until)
        return invoice

    def _stop_reason(self, invoice, hold_reason, hold_until, customer_hold, customer_until):
        as_of, stops = self.as_of, self.stops
        if invoice.open_amount < self.company.dunning_tolerance:
            return PAID
        if invoice.id in stops[DISPUTED]:
            return DISPUTED
        if hold_reason and (hold_until is None or hold_until >= as_of):
            return INVOICE_ON_HOLD
        if customer_hold and (customer_until is None or customer_until >= as_of):
            return CUSTOMER_ON_HOLD
        for reason in (PROMISED, PAYMENT_PLAN, DECLARED_PAID):
            if invoice.id in stops[reason]:
                return reason
        if self.scenario_of[invoice.customer_id] is None:
            return NO_SCENARIO
        return None


def contacts_of(customer_ids, company=None):
    """customer id -> [ContactCard] for the given customers; many customers of a
    company are read in one pass over its contacts."""
    cards = {}
    wanted = set(customer_ids)
    if company is not None and len(wanted) > 2_000:
        sql = (f"SELECT k.customer_id, k.id, k.role, k.email, k.phone, k.preferred, "
               f"k.email_bounced FROM {_table(Contact)} k JOIN {_table(Customer)} c "
               f"ON c.id = k.customer_id WHERE c.company_id = %s")
        for customer_id, *card in _rows(sql, [company.pk]):
            if customer_id in wanted:
                cards.setdefault(customer_id, []).append(ContactCard(*card))
        return cards
    ids = sorted(wanted)
    for start in range(0, len(ids), 900):
        rows = Contact.objects.filter(customer_id__in=ids[start:start + 900]).values_list(
            "customer_id", "id", "role", "email", "phone", "preferred", "email_bounced")
        for customer_id, *card in rows:
            cards.setdefault(customer_id, []).append(ContactCard(*card))
    return cards
