"""Reading the ledger into the planner's plain rows, with a few set-based queries.

A million-invoice ledger has about 150,000 open invoices, so rows come from raw SQL and
become slotted dataclasses without any model instance. The daily run reads only the
invoices that may need something: those without progress, those whose recorded next
date has come, and those whose progress was computed under other inputs (another
scenario, changed steps, a changed due date). Everything else provably has nothing to
do that day (`planner.next_date`).

Two ways to find the last ones. While the scenarios' steps and the assignment rules
are those of the last run (its `signature`) and the triggers of `dunning.triggers` are
in place, a changed due date, status or customer scenario has already cleared the
progress's next date: the run reads the invoices without progress and the progress due
through its index. Otherwise it checks every open invoice's progress against its
inputs in SQL, and records the new next dates, after which the fast way holds again.
"""
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Max

from relance.cases.models import (
    HANDOVER_STOPS, Dispute, Handover, PaymentDeclaration, PaymentPlan, Promise,
)
from relance.db.sql import among
from relance.dunning import assignment, triggers
from relance.dunning.conversation import Contacts
from relance.dunning.models import (
    OPEN_STATUSES, Action, ActionInvoice, ActionKind, ActionStatus, InvoiceProgress, Run,
)
from relance.dunning.planner import (
    CONTACT_CHANNELS, DUE_DATE, WRITTEN_CHANNELS, OpenInvoice, Progress,
)
from relance.dunning.recipients import ContactCard
from relance.dunning.stops import (
    DECLARED_PAID, DISPUTED, HANDED_OVER, NO_SCENARIO, PAYMENT_PLAN, PROMISED, held,
    stop_reason,
)
from relance.ledger import companies
from relance.ledger.models import Contact, Customer, Invoice


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


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

    def signature(self):
        """What the progress's next dates were computed under, beside the ledger: the
        steps of each scenario and the assignment rules (JSON, stored with the run)."""
        return {"rules": {str(sid): fp for sid, fp in sorted(self.fingerprints.items())},
                "default": self.default_id, "segments": sorted(self.by_segment.items())}

    def fingerprint_sql(self, params):
        whens = []
        for sid, fingerprint in sorted(self.fingerprints.items()):
            whens.append("WHEN %s THEN %s")
            params += [sid, fingerprint]
        if not whens:
            return "0"
        return f"CASE p.scenario_id {' '.join(whens)} ELSE 0 END"


def _same(stored, current):
    """Signatures compared as JSON gives them back (lists, string keys)."""
    return stored == json.loads(json.dumps(current))


def last_signature(company):
    """The signature recorded by the company's last run, if any."""
    summary = (Run.objects.filter(company=company, finished_at__isnull=False)
               .order_by("-pk").values_list("summary", flat=True).first())
    return (summary or {}).get("signature")


def _of_company(invoice_ids, company):
    """Those of the invoices that are the company's. Disputes are read without joining
    their invoices: both databases would then walk the company's invoices (a million)
    to find the ten thousand disputed; most installations hold one company."""
    if not invoice_ids or not companies.several():
        return invoice_ids
    ids, found = sorted(invoice_ids), set()
    for start in range(0, len(ids), 900):
        found.update(Invoice.objects.filter(company=company, pk__in=ids[start:start + 900])
                     .values_list("pk", flat=True))
    return found


def stopped_invoice_ids(company, as_of, customer_ids=None):
    """The `cases` of `stops.stop_reason`: reason -> set of the ids of the invoices a
    case stops on `as_of` (a promise whose date has passed no longer does); with
    `customer_ids`, only those customers' (one customer's preview must not read the
    whole company's cases: the disputes' join otherwise walks every invoice of the
    company)."""
    disputed = Dispute.objects.filter(status="open")
    promised = Promise.invoices.through.objects.filter(
        promise__customer__company=company, promise__status="open",
        promise__promised_for__gte=as_of)
    planned = PaymentPlan.invoices.through.objects.filter(
        paymentplan__customer__company=company, paymentplan__status="active")
    declared = PaymentDeclaration.invoices.through.objects.filter(
        paymentdeclaration__customer__company=company,
        paymentdeclaration__status="pending")
    handed_over = Handover.invoices.through.objects.filter(
        handover__customer__company=company, handover__status__in=HANDOVER_STOPS)
    if customer_ids is not None:
        disputed = disputed.filter(invoice__company=company,
                                   invoice__customer_id__in=customer_ids)
        promised = promised.filter(promise__customer_id__in=customer_ids)
        planned = planned.filter(paymentplan__customer_id__in=customer_ids)
        declared = declared.filter(paymentdeclaration__customer_id__in=customer_ids)
        handed_over = handed_over.filter(handover__customer_id__in=customer_ids)
    return {
        HANDED_OVER: set(handed_over.values_list("invoice_id", flat=True)),
        DISPUTED: _of_company(set(disputed.values_list("invoice_id", flat=True)), company),
        PROMISED: set(promised.values_list("invoice_id", flat=True)),
        PAYMENT_PLAN: set(planned.values_list("invoice_id", flat=True)),
        DECLARED_PAID: set(declared.values_list("invoice_id", flat=True)),
    }


def stop_reasons(company, customer_id, invoice_ids, today):
    """{invoice id: the reason `stops.stop_reason` gives on `today`, or None} for a few
    invoices of one customer, read now: what the worker checks before sending and what
    the invoice page says."""
    cases = stopped_invoice_ids(company, today, [customer_id])
    customer_hold = (Customer.objects.filter(pk=customer_id)
                     .values_list("hold_reason", "hold_until").first())
    customer_held = bool(customer_hold) and held(*customer_hold, today)
    rows = (Invoice.objects.filter(pk__in=invoice_ids)
            .values_list("id", "open_amount", "hold_reason", "hold_until"))
    return {pk: stop_reason(pk, open_amount, held(hold, until, today), customer_held, cases,
                            company.dunning_tolerance)
            for pk, open_amount, hold, until in rows}


def _text():
    """On SQLite, dates and amounts are read as text and converted here: Django's
    per-value converters would triple the cost."""
    if connection.vendor == "sqlite":
        return lambda column: f"CAST({column} AS TEXT)"
    return lambda column: column


PROGRESS = f"LEFT JOIN {InvoiceProgress._meta.db_table} p ON p.invoice_id = i.id"


def _select(progress=True):
    """The columns read for each invoice (its progress's NULL without `progress`); its
    customer's come from `_customers`."""
    text = _text()
    columns = ["i.id", "i.customer_id", "i.currency", text("i.due_date"),
               text("i.open_amount"), "i.number", "i.hold_reason", text("i.hold_until")]
    if progress:
        columns += ["p.scenario_id", "p.position", text("p.reached_on"), text("p.last_on"),
                    "p.repeats", text("p.next_on"), text("p.due_date"), "p.rules"]
    else:
        columns += ["NULL"] * 8
    return "SELECT " + ", ".join(columns) + " "


def _customers(where, params):
    """customer id -> (own scenario id, segment, hold reason, hold until) for the
    customers of `where` (customer alias c): read once, not joined to each invoice."""
    text = _text()
    sql = (f"SELECT c.id, c.scenario_id, c.segment, c.hold_reason, {text('c.hold_until')} "
           f"FROM {_table(Customer)} c WHERE {where}")
    return {cid: rest for cid, *rest in _rows(sql, params)}


def _parsers():
    if connection.vendor == "sqlite":
        return dt.date.fromisoformat, Decimal
    return (lambda v: v), (lambda v: v)


class InvoiceReader:
    """Reads open invoices as planner rows, with their progress and stop reason."""

    def __init__(self, company, as_of, rules, last_signature=None, customer_ids=None):
        self.company = company
        self.as_of = as_of
        self.assignment = Assignment.of(company, rules)
        self.stops = stopped_invoice_ids(company, as_of, customer_ids)
        progress = InvoiceProgress.objects.filter(invoice__company=company)
        if customer_ids is not None:
            progress = progress.filter(invoice__customer_id__in=customer_ids)
        self.had_progress = progress.exists()
        # whether a next date not due yet is known to hold (see the module's docstring)
        self.trusted = (self.had_progress and last_signature is not None
                        and _same(last_signature, self.assignment.signature())
                        and triggers.installed(connection))
        self.scenario_of = {}     # customer id -> scenario id, for the customers read
        self.customers = {}       # customer id -> `_customers` row, for those read
        self.numbers = {}         # invoice id -> number

    def due_by(self, horizon, customer_ids=None, incremental=False, progress=True):
        """Open invoices due by `horizon`; with `incremental`, only those that may
        need something on `as_of` (see the module's docstring); without `progress`,
        their progress is not read."""
        scope = "i.status = 'open' AND i.kind = 'invoice' AND i.due_date <= %s "
        params = [horizon.isoformat()]
        if customer_ids is None:
            scope += "AND i.company_id = %s"
            params.append(self.company.pk)
        else:   # the customers' invoices through their index, not the company's
            condition, ids = among("i.customer_id", customer_ids)
            scope += "AND " + condition
            params += ids
        # without any progress yet (a first run), every invoice may need something
        selective = incremental and self.had_progress
        if selective and self.trusted:   # a few: their customers read by id
            due = self._due(scope, company_wide=customer_ids is None)
            due_params = [*params, *params, self.as_of.isoformat(), *params]
            if connection.vendor == "postgresql":
                # PostgreSQL cannot foresee how few are due: it would expect every open
                # invoice and hash all the progress rows to join them.
                # Given the ids, it looks up just those.
                due_params = [[pk for pk, in _rows(due, due_params)]]
                due = "SELECT unnest(%s::bigint[])"
            sql = (_select() + f"FROM {_table(Invoice)} i {PROGRESS} WHERE i.id IN ({due}) "
                   "ORDER BY i.id")   # as the other ways read them: actions list them so
            rows = list(_rows(sql, due_params))
            return self._read(rows, self._customers({row[1] for row in rows}))
        if customer_ids is None:   # many: all the company's customers in one pass
            customers = self.customers = _customers("c.company_id = %s", [self.company.pk])
        else:
            customers = self._customers(customer_ids)
        if selective:
            scope += " AND " + self._may_need_something(params)
        invoices = f"{_table(Invoice)} i"
        if connection.vendor == "sqlite" and customer_ids is None:
            # ids from the indexes first (the invoices' and the progress's), then the
            # rows in id order: the table is read front to back instead of jumping
            # around it in due date order, and only for the invoices selected
            scope = (f"i.id IN (SELECT i.id FROM {invoices} "
                     f"{PROGRESS if selective else ''} WHERE {scope})")
        elif connection.vendor == "sqlite":
            # a few customers' open invoices: from the index that holds every column
            # read, without visiting the table
            invoices += " INDEXED BY open_invoices_by_customer"
        sql = (_select(progress) + f"FROM {invoices} {PROGRESS if progress else ''} "
               f"WHERE {scope}")
        return self._read(_rows(sql, params), customers)

    def _customers(self, ids):
        """`_customers` of these customers, reading only those not read yet."""
        known = self.customers
        missing = sorted(set(ids) - known.keys())
        for start in range(0, len(missing), 900):
            chunk = missing[start:start + 900]
            known.update(_customers(*among("c.id", chunk)))
        return known

    def _due(self, scope, *, company_wide):
        """SQL for the ids of the invoices of `scope` without progress or whose progress
        is due or to be recomputed (next date NULL), the latter through the progress's
        index; its parameters are scope's, scope's and the date, scope's."""
        invoices, progress = _table(Invoice), _table(InvoiceProgress)
        # SQLite: from the progress to the invoice, not the other way round
        join = "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"
        due = f"{progress} p {join} {invoices} i ON i.id = p.invoice_id"
        # an invoice disputed before any step has nothing to read until the dispute
        # closes (most of those without progress on a next day: 9,400 of 11,000 at 1M)
        disputed = (f"SELECT 1 FROM {_table(Dispute)} d WHERE d.invoice_id = i.id "
                    "AND d.status = 'open'")
        # SQLite, over the company: its open invoices in id order, so each progress
        # looked up is next to the last one, not scattered as in due date order
        ordered = ""
        if connection.vendor == "sqlite" and company_wide:
            ordered = " INDEXED BY open_invoice_ids"
        return (f"SELECT i.id FROM {invoices} i{ordered} WHERE {scope} AND NOT EXISTS "
                f"(SELECT 1 FROM {progress} p WHERE p.invoice_id = i.id) "
                f"AND NOT EXISTS ({disputed}) "
                f"UNION ALL SELECT i.id FROM {due} WHERE p.next_on IS NULL AND {scope} "
                f"UNION ALL SELECT i.id FROM {due} WHERE p.next_on <= %s AND {scope}")

    def _may_need_something(self, params):
        """SQL for "this invoice may need something on `as_of`" (invoice alias i,
        progress alias p), appending its parameters."""
        params.append(self.as_of.isoformat())
        # the customer's scenario is looked up only for invoices with progress
        scenario = (f"(SELECT {self.assignment.effective_sql(params)} "
                    f"FROM {_table(Customer)} c WHERE c.id = i.customer_id)")
        return ("(p.invoice_id IS NULL OR p.next_on <= %s "
                "OR p.due_date <> i.due_date "
                f"OR p.scenario_id <> {scenario} "
                f"OR p.rules <> {self.assignment.fingerprint_sql(params)})")

    def overdue_of(self, customer_ids, read):
        """Every open overdue invoice of these customers (for the 'other overdue
        invoices' of their reminders), whatever their progress. `read` are the
        invoices already read: when no invoice had progress yet (the first run), they
        are all of them."""
        day = self.as_of - dt.timedelta(days=1)
        if not self.had_progress:
            return read
        if len(customer_ids) > 50_000:   # then one pass over the company is cheaper
            wanted = set(customer_ids)
            return [i for i in self.due_by(day, progress=False) if i.customer_id in wanted]
        found = []
        ids = sorted(customer_ids)
        # as few statements as the databases' parameter limits allow (SQLite: 32,766)
        for start in range(0, len(ids), 25_000):
            found += self.due_by(day, ids[start:start + 25_000], progress=False)
        return found

    def _read(self, rows, customers):
        """Rows to OpenInvoices, each with its stop reason: the hot loop of a run."""
        day, stops, tolerance = self.as_of, self.stops, self.company.dunning_tolerance
        to_date, to_amount = _parsers()
        scenario_of, numbers, choose = self.scenario_of, self.numbers, self.assignment.scenario_id
        invoices = []
        for (iid, cid, currency, due, amount, number, hold, hold_until, scenario_id,
             position, reached_on, last_on, repeats, next_on, progress_due,
             rules) in rows:
            own, segment, customer_hold, customer_until = customers[cid]
            progress = None if scenario_id is None else Progress(
                scenario_id, position, to_date(reached_on), to_date(last_on), repeats,
                next_on and to_date(next_on), progress_due and to_date(progress_due), rules)
            amount = to_amount(amount)
            invoice = OpenInvoice(iid, cid, currency, to_date(due), amount, progress)
            numbers[iid] = number
            if cid not in scenario_of:
                scenario_of[cid] = choose(own, segment)
            invoice.stop = stop_reason(
                iid, amount, hold and held(hold, hold_until and to_date(hold_until), day),
                customer_hold and held(customer_hold, customer_until and to_date(customer_until),
                                       day),
                stops, tolerance)
            if invoice.stop is None and scenario_of[cid] is None:
                invoice.stop = NO_SCENARIO
            invoices.append(invoice)
        return invoices


def contacts_of(customer_ids, company=None):
    """customer id -> [ContactCard] for the given customers."""
    return dict(contacts_by_customer(customer_ids, company))


def contacts_by_customer(customer_ids, company=None):
    """Yield (customer id, [ContactCard]) for the given customers that have contacts,
    one customer at a time (a run need not hold every contact of the company at once);
    many customers of a company are read in one pass over its contacts, a few by their
    index."""
    wanted = set(customer_ids)
    columns = ("k.customer_id, k.id, k.role, k.email, k.phone, k.preferred, "
               "k.email_bounced, k.phone_invalid")
    if company is not None and len(wanted) > 50_000:
        # in the customers' index order: SQLite need not sort the contacts again
        sql = (f"SELECT {columns} FROM {_table(Customer)} c JOIN {_table(Contact)} k "
               f"ON k.customer_id = c.id WHERE c.company_id = %s ORDER BY c.id, k.id")
        queries = [(sql, [company.pk])]
    else:
        ids = sorted(wanted)
        queries = []
        for start in range(0, len(ids), 900):
            condition, params = among("k.customer_id", ids[start:start + 900])
            queries.append((f"SELECT {columns} FROM {_table(Contact)} k WHERE {condition} "
                            "ORDER BY k.customer_id, k.id", params))
    current, cards = None, []
    for sql, params in queries:
        for customer_id, *card in _rows(sql, params):
            if customer_id != current:
                if cards:
                    yield current, cards
                current, cards = customer_id, []
            if customer_id in wanted:
                cards.append(ContactCard(*card))
    if cards:
        yield current, cards


def resume_returning(invoices, scenario_of):
    """An invoice back in a scenario it went through before resumes where it left it
    there: its progress remembers only the last scenario, and taking again a step it
    took there would repeat a reminder (the database refuses it). Reads the action
    lines of the invoices whose progress is in another scenario: a few, on the days
    customers move."""
    moved = {i.id: i for i in invoices
             if i.progress is not None and i.customer_id in scenario_of
             and i.progress.scenario_id != scenario_of[i.customer_id].id}
    ids, taken = sorted(moved), {}
    for start in range(0, len(ids), 900):
        for invoice_id, scenario_id, position, occurrence, on in (
                ActionInvoice.objects.filter(invoice_id__in=ids[start:start + 900],
                                             step__isnull=False)
                .values_list("invoice_id", "step__scenario_id", "step__position",
                             "occurrence", "action__planned_on")):
            invoice = moved[invoice_id]
            if scenario_id == scenario_of[invoice.customer_id].id:
                taken.setdefault(invoice_id, []).append((position, occurrence, on))
    for invoice_id, lines in taken.items():
        position = max(p for p, _, _ in lines)
        at = [(occurrence, on) for p, occurrence, on in lines if p == position]
        moved[invoice_id].progress = Progress(
            scenario_of[moved[invoice_id].customer_id].id, position,
            min(on for _, on in at), max(on for _, on in at), max(o for o, _ in at))


def conversations(company, customer_ids, day):
    """customer id -> conversation.Contacts as of `day`, for the customers given that
    were ever contacted: the last contact and the last written reminder, whatever made
    them (a run, a collector's manual action), but cancelled ones, and the day's
    scheduled contact still open."""
    wanted = set(customer_ids)
    if not wanted:
        return {}
    contacts = (Action.objects.filter(company=company, planned_on__lte=day,
                                      channel__in=CONTACT_CHANNELS)
                .exclude(status=ActionStatus.CANCELLED))
    if len(wanted) > 5_000:   # a first run: one pass over the company's actions
        scopes = [contacts]
    else:
        ids = sorted(wanted)
        scopes = [contacts.filter(customer_id__in=ids[i:i + 900])
                  for i in range(0, len(ids), 900)]
    last_contact, last_reminder, today = {}, {}, {}
    for scope in scopes:
        last_contact.update(scope.values_list("customer_id").annotate(Max("planned_on")))
        last_reminder.update(
            scope.filter(channel__in=WRITTEN_CHANNELS)
            .exclude(step__trigger=DUE_DATE, step__days__lt=0)
            .values_list("customer_id").annotate(Max("planned_on")))
        today.update(
            (customer_id, (step_id, currency)) for customer_id, step_id, currency in
            scope.filter(planned_on=day, kind=ActionKind.SCHEDULED,
                         status__in=OPEN_STATUSES)
            .values_list("customer_id", "step_id", "currency"))
    return {cid: Contacts(on, last_reminder.get(cid), today.get(cid))
            for cid, on in last_contact.items() if cid in wanted}
