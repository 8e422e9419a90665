"""Importing a ledger: customers, contacts, invoices and payments, all or nothing.

The algorithm, for each file in that order:

1. check the header has every required column;
2. read each row into values (schema.clean_row), checking references to rows of the
   same import or already in the database;
3. compare it by natural key with what the database holds: new rows are inserted, rows
   whose fingerprint changed are updated, the others are left alone;
4. after the payments, recompute the open amounts of the invoices they touch.

Everything runs in one transaction. If any row of any file is rejected, the transaction
rolls back: the report lists every problem and the database is as it was.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.cases.models import Dispute, DisputeReason, DisputeStatus
from relance.imports import schema as schemas
from relance.imports.readers import FileRejected, Problem
from relance.imports.writer import TableWriter, max_id, row_hash
from relance.ledger import balances, timeline
from relance.ledger.models import Allocation, Contact, Customer, Event, Invoice, Payment

MAX_PROBLEMS = 10_000
TOLERANCE = Decimal("0.01")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def as_dict(self):
        return {"created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected}


@dataclass
class Report:
    counts: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    problem_count: int = 0
    committed: bool = False

    @property
    def ok(self):
        return self.problem_count == 0

    def add_problem(self, problem):
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def as_dict(self):
        return {entity: counts.as_dict() for entity, counts in self.counts.items()}


class _RolledBack(Exception):
    pass


def import_sources(company, sources, *, actor=None, progress=None):
    """Import {entity: Source} into the company; return the Report.

    `progress(entity, lines_done)` is called now and then for a progress bar.
    """
    run = _Run(company, actor, progress)
    try:
        with transaction.atomic():
            for entity in schemas.ENTITIES:
                if entity in sources:
                    run.import_entity(entity, sources[entity])
            if not run.report.ok:
                raise _RolledBack
            run.record_completion(sources)
    except _RolledBack:
        run.report.committed = False
        for counts in run.report.counts.values():
            counts.created = counts.updated = counts.unchanged = 0
    else:
        run.report.committed = True
    return run.report


class _Run:
    def __init__(self, company, actor, progress):
        self.company = company
        self.actor = actor
        self.progress = progress or (lambda entity, done: None)
        self.report = Report()
        self.customer_ids = None
        self.invoices = None  # number -> [id, customer_id, amount_total, kind, digest]
        # References read from this import's files, good rows or not: checking later
        # files against them reports each mistake once instead of once per dependent row.
        self.file_customers = set()
        self.file_invoices = set()

    def import_entity(self, entity, source):
        counts = self.report.counts.setdefault(entity, Counts())
        schema = schemas.SCHEMAS[entity]
        try:
            source.check_columns(schema)
            getattr(self, f"_import_{entity}")(source, schema, counts)
        except FileRejected as exc:
            self.report.add_problem(exc.problem)
            raise _RolledBack from None  # the files after it depend on it

    # -- shared row handling -------------------------------------------------------

    def _clean_rows(self, source, schema, counts, check=None, remember=None):
        """Yield (line, values) of the good rows; report the bad ones and duplicates.

        `remember(natural key)` sees every row's key, good or bad."""
        seen = {}
        key = schema.key
        for done, (line, raw) in enumerate(source.rows(schema), 1):
            values, problems = schemas.clean_row(schema, raw)
            if remember and values.get(key):
                remember(values[key])
            natural_key = self._natural_key(schema, values)
            if natural_key in seen and values.get(key):
                problems.append((key, _("%(value)s appears twice in the file (first on line "
                                        "%(line)d)") % {"value": values[key],
                                                        "line": seen[natural_key]}))
            else:
                seen[natural_key] = line
            if not problems and check:
                problems = check(values)
            if problems:
                counts.rejected += 1
                for name, message in problems:
                    self.report.add_problem(
                        Problem(source.name, line, source.column_of(name), message))
            else:
                yield line, values
            if done % 10_000 == 0:
                self.progress(schema.entity, done)

    @staticmethod
    def _natural_key(schema, values):
        if schema.entity == "contacts":
            return (values.get("customer_ref"), values.get("name"))
        return values.get(schema.key)

    def _customer_id(self, values):
        if self.customer_ids is None:
            self.customer_ids = dict(Customer.objects.filter(company=self.company)
                                     .values_list("reference", "id"))
        return self.customer_ids.get(values["customer_ref"])

    def _unknown_customer(self, values):
        ref = values["customer_ref"]
        if ref and ref not in self.file_customers and self._customer_id(values) is None:
            return [("customer_ref", _("unknown customer reference: %(ref)s")
                     % {"ref": values["customer_ref"]})]
        return []

    @staticmethod
    def _sort(counts, known, digest, row, creates, updates):
        """File a good row as created, updated or unchanged against `known` (id, digest)."""
        if known is None:
            creates.append(row)
            counts.created += 1
        elif known[1] != digest:
            updates.append((known[0], *row))
            counts.updated += 1
        else:
            counts.unchanged += 1

    # -- customers -----------------------------------------------------------------

    CUSTOMER_FIELDS = ["company", "reference", "name", "siren", "siret", "vat_number",
                       "country", "language", "payment_terms_days", "segment",
                       "address_line1", "address_line2", "postal_code", "city",
                       "credit_limit", "import_hash"]

    def _import_customers(self, source, schema, counts):
        existing = {ref: (pk, digest) for ref, pk, digest in Customer.objects
                    .filter(company=self.company).values_list("reference", "id", "import_hash")}
        writer = TableWriter(Customer, self.CUSTOMER_FIELDS)
        creates, updates = [], []
        rows = self._clean_rows(source, schema, counts, remember=self.file_customers.add)
        for _line, v in rows:
            v["language"] = v["language"] or schemas.default_language(v["country"])
            row = [self.company.pk, v["customer_ref"], v["name"], v["siren"], v["siret"],
                   v["vat_number"], v["country"], v["language"], v["payment_terms_days"],
                   v["segment"], v["address_line1"], v["address_line2"], v["postal_code"],
                   v["city"], v["credit_limit"]]
            digest = row_hash(row[1:])
            self._sort(counts, existing.get(v["customer_ref"]), digest, row + [digest],
                       creates, updates)
        if self.report.ok:
            writer.insert(creates)
            writer.update(updates)
        self.customer_ids = None  # reload with the new ones on first use

    # -- contacts ------------------------------------------------------------------

    CONTACT_FIELDS = ["customer", "name", "email", "phone", "role", "preferred", "import_hash"]

    def _import_contacts(self, source, schema, counts):
        existing = {(cid, name): (pk, digest) for cid, name, pk, digest in Contact.objects
                    .filter(customer__company=self.company)
                    .values_list("customer_id", "name", "id", "import_hash")}
        writer = TableWriter(Contact, self.CONTACT_FIELDS)
        creates, updates = [], []
        for _line, v in self._clean_rows(source, schema, counts, self._unknown_customer):
            customer_id = self._customer_id(v)
            row = [customer_id, v["name"], v["email"], v["phone"], v["role"], v["preferred"]]
            digest = row_hash(row[1:])
            self._sort(counts, existing.get((customer_id, v["name"])), digest, row + [digest],
                       creates, updates)
        if self.report.ok:
            writer.insert(creates)
            writer.update(updates)

    # -- invoices ------------------------------------------------------------------

    INVOICE_FIELDS = ["company", "customer", "kind", "number", "issue_date", "due_date",
                      "currency", "amount_excl_tax", "vat", "amount_total", "po_number",
                      "import_hash", "open_amount"]

    def _load_invoices(self):
        if self.invoices is None:
            self.invoices = {
                number: [pk, cid, total, kind, digest]
                for number, pk, cid, total, kind, digest in Invoice.objects
                .filter(company=self.company)
                .values_list("number", "id", "customer_id", "amount_total", "kind",
                             "import_hash").iterator(chunk_size=20_000)}
        return self.invoices

    def _check_invoice(self, v):
        problems = self._unknown_customer(v)
        if v["due_date"] < v["issue_date"]:
            problems.append(("due_date", _("due date %(due)s is before the issue date "
                                           "%(issue)s") % {"due": v["due_date"],
                                                           "issue": v["issue_date"]}))
        ht, vat, total = v["amount_excl_tax"], v["vat"], v["amount_total"]
        if ht is not None and vat is not None and abs(ht + vat - total) > TOLERANCE:
            problems.append(("amount_total", _("%(total)s is not the amount excl. tax "
                                               "%(ht)s plus VAT %(vat)s")
                             % {"total": total, "ht": ht, "vat": vat}))
        return problems

    def _import_invoices(self, source, schema, counts):
        existing = self._load_invoices()
        before = max_id(Invoice)
        writer = TableWriter(Invoice, self.INVOICE_FIELDS)
        creates, updates, disputed = [], [], []
        rows = self._clean_rows(source, schema, counts, self._check_invoice,
                                remember=self.file_invoices.add)
        for _line, v in rows:
            ht = v["amount_excl_tax"] if v["amount_excl_tax"] is not None else v["amount_total"]
            vat = v["vat"] if v["vat"] is not None else v["amount_total"] - ht
            row = [self.company.pk, self._customer_id(v), v["kind"], v["number"],
                   v["issue_date"], v["due_date"], v["currency"], ht, vat, v["amount_total"],
                   v["po_number"]]
            digest = row_hash(row[1:] + [v["disputed"]])
            known = existing.get(v["number"])
            self._sort(counts, known and (known[0], known[4]), digest,
                       row + [digest, v["amount_total"]], creates, updates)
            if v["disputed"] and (known is None or known[4] != digest):
                disputed.append(v["number"])
        if not self.report.ok:
            return
        writer.insert(creates)
        writer.update(updates)  # the open amount of an update is recomputed below
        self._after_invoice_updates(updates, existing)
        self._register_new_invoices(before)
        self._open_disputes(disputed)
        self.progress("invoices", counts.created + counts.updated + counts.unchanged)

    def _after_invoice_updates(self, updates, existing):
        """Recompute the open amounts of updated invoices from their allocations, and put
        each amount change on the invoice's timeline."""
        if not updates:
            return
        by_id = {u[0]: u for u in updates}
        old_totals = {e[0]: e[2] for e in existing.values() if e[0] in by_id}
        balances.refresh_invoices(list(by_id))
        events = []
        for pk, update in by_id.items():
            new_total, customer_id = update[10], update[2]
            if old_totals.get(pk) != new_total:
                events.append(Event(
                    company=self.company, customer_id=customer_id, invoice_id=pk,
                    type="invoice.amount_changed", at=timezone.now(), actor=self.actor,
                    actor_label="import",
                    message=_("Amount changed from %(old)s to %(new)s by an import")
                    % {"old": old_totals.get(pk), "new": new_total},
                    data={"old": str(old_totals.get(pk)), "new": str(new_total)}))
            existing[update[4]][1:4] = [customer_id, new_total, update[3]]
        Event.objects.bulk_create(events, batch_size=2_000)

    def _register_new_invoices(self, before):
        for number, pk, cid, total, kind in (
                Invoice.objects.filter(company=self.company, id__gt=before)
                .values_list("number", "id", "customer_id", "amount_total", "kind")
                .iterator(chunk_size=20_000)):
            self.invoices[number] = [pk, cid, total, kind, None]

    def _open_disputes(self, numbers):
        ids = {self.invoices[n][0]: n for n in numbers}
        already = set(Dispute.objects.filter(invoice_id__in=ids, status=DisputeStatus.OPEN)
                      .values_list("invoice_id", flat=True))
        today = timezone.localdate()
        new = [Dispute(invoice_id=pk, reason=DisputeReason.OTHER, opened_on=today,
                       comment=_("Marked as disputed in an imported file"))
               for pk in ids if pk not in already]
        Dispute.objects.bulk_create(new, batch_size=2_000)
        Event.objects.bulk_create([
            Event(company=self.company, customer_id=self.invoices[ids[d.invoice_id]][1],
                  invoice_id=d.invoice_id, type="dispute.opened", at=timezone.now(),
                  actor=self.actor, actor_label="import",
                  message=_("Dispute opened: the imported file marks the invoice disputed"))
            for d in new], batch_size=2_000)

    # -- payments ------------------------------------------------------------------

    PAYMENT_FIELDS = ["company", "customer", "reference", "date", "currency", "amount",
                      "method", "import_hash", "unapplied_amount"]

    def _check_payment(self, v):
        problems = self._unknown_customer(v)
        number = v["invoice_number"]
        if number and not problems:
            invoice = self._load_invoices().get(number)
            if invoice is None and number in self.file_invoices:
                return problems  # a row of this import's invoices file, itself rejected
            if invoice is None:
                problems.append(("invoice_number", _("unknown invoice number: %(number)s")
                                 % {"number": number}))
            elif invoice[1] != self._customer_id(v):
                problems.append(("invoice_number", _("invoice %(number)s belongs to another "
                                                     "customer") % {"number": number}))
        return problems

    def _import_payments(self, source, schema, counts):
        existing = {ref: (pk, digest) for ref, pk, digest in Payment.objects
                    .filter(company=self.company).values_list("reference", "id", "import_hash")}
        before = max_id(Payment)
        writer = TableWriter(Payment, self.PAYMENT_FIELDS)
        creates, updates, targets = [], [], {}
        for _line, v in self._clean_rows(source, schema, counts, self._check_payment):
            row = [self.company.pk, self._customer_id(v), v["payment_ref"], v["date"],
                   v["currency"], v["amount"], v["method"]]
            digest = row_hash(row[1:] + [v["invoice_number"]])
            n_before = len(creates) + len(updates)
            self._sort(counts, existing.get(v["payment_ref"]), digest,
                       row + [digest, v["amount"]], creates, updates)
            if len(creates) + len(updates) > n_before:
                targets[v["payment_ref"]] = (v["invoice_number"], v["amount"], v["date"])
        if not self.report.ok:
            return
        writer.insert(creates)
        writer.update(updates)
        self._allocate(targets, [u[0] for u in updates], before)

    def _allocate(self, targets, updated_ids, before):
        """Apply each new or changed payment to its invoice, up to what remains open."""
        Allocation.objects.filter(payment_id__in=updated_ids).delete()
        payment_ids = dict(Payment.objects.filter(company=self.company, id__gt=before)
                           .values_list("reference", "id"))
        payment_ids.update(Payment.objects.filter(id__in=updated_ids)
                           .values_list("reference", "id"))
        applied = defaultdict(lambda: 0)
        rows = []
        for reference, (number, amount, date) in targets.items():
            if not number:
                continue
            invoice_id, _cid, total = self.invoices[number][:3]
            share = min(amount, total - applied[invoice_id])
            if share > 0:
                applied[invoice_id] += share
                rows.append((invoice_id, payment_ids[reference], share, date))
        TableWriter(Allocation, ["invoice", "payment", "amount", "date"]).insert(rows)
        balances.refresh_invoices(list(applied))
        balances.refresh_payments(list(payment_ids.values()))

    def record_completion(self, sources):
        summary = {entity: c.as_dict() for entity, c in self.report.counts.items()}
        files = {entity: source.name for entity, source in sources.items()}
        timeline.record(self.company, "import.completed", actor=self.actor,
                        actor_label="" if self.actor else "import",
                        message=_("Import of %(files)s") % {"files": ", ".join(files.values())},
                        data={"files": files, "counts": summary})

