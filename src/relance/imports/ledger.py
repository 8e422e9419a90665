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
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.batch import paused_gc, unchecked_sqlite_foreign_keys, wide_sqlite_cache
from relance.cases.models import Dispute, DisputeReason, DisputeStatus
from relance.imports import schema as schemas
from relance.imports import worker
from relance.imports.readers import FileRejected, Problem
from relance.imports.writer import Pending, TableWriter, bulk_load, timed
from relance.ledger import balances, timeline
from relance.ledger.models import Allocation, Contact, Customer, Event, Invoice, Payment

MAX_PROBLEMS = 10_000
IMPORT_CACHE_KIB = 128 * 1024  # more cost memory (1 GB for 1M invoices) and saved little
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


def import_sources(company, sources, *, actor=None, progress=None, parallel=False):
    """Import {entity: Source} into the company; return the Report.

    `progress(entity, lines_done)` is called now and then for a progress bar.
    `parallel`: read and check large files in a forked process while this one writes
    (the command line; a web worker is not a process to fork).
    """
    reader = _reader(company, sources, parallel)
    run = _Run(company, actor, progress, reader)
    try:
        # The cycle collector would walk maps of a million rows again and again for
        # cycles the import does not make; references are resolved by the import
        # itself, inside its IMMEDIATE transaction, so SQLite need not look them up.
        with (paused_gc(), wide_sqlite_cache(IMPORT_CACHE_KIB),
              unchecked_sqlite_foreign_keys(), transaction.atomic()):
            for entity in ("customers", "contacts"):
                if entity in sources:
                    run.import_entity(entity, sources[entity])
            with run.bulk_documents(sources) as bulk:
                for entity in ("invoices", "payments"):
                    if entity in sources:
                        run.import_entity(entity, sources[entity])
                if run.report.ok:
                    with timed("refresh balances"):
                        run.allocator.refresh(bulk.active)
            if not run.report.ok:
                raise _RolledBack
            run.record_completion(sources)
    except _RolledBack:
        run.report.committed = False
        for counts in run.report.counts.values():
            counts.created = counts.updated = counts.unchanged = 0
    else:
        run.report.committed = True
    finally:
        reader.close()
    return run.report


def _reader(company, sources, parallel):
    """Large files are read in a second process, forked now while this one is small."""
    ordered = {entity: sources[entity] for entity in schemas.ENTITIES if entity in sources}
    lines = sum(source.count_lines() for source in ordered.values()) if parallel else 0
    present = sum(model.objects.filter(company=company).count()
                  for model in (Customer, Invoice, Payment)) if lines else 0
    if parallel and worker.wanted(lines, present):
        return worker.Reader(ordered, schemas.SCHEMAS)
    return worker.InProcess(ordered, schemas.SCHEMAS)


class _Allocator:
    """Applies each new or changed payment to the invoice its row names, up to what
    remains open on it, as each batch of payments is written."""

    def __init__(self, company):
        self.company = company
        self.invoices = {}
        self.touched = []  # invoices given an allocation
        self.payment_ids = []
        self.unallocated = []  # invoices whose allocations a changed payment removed
        self.writer = TableWriter(Allocation, ["invoice", "payment", "amount", "date"])

    def allocate(self, creates, updates, created_ids):
        rows = [row[1:] for row in updates] + creates  # updates start with the id
        payment_ids = [row[0] for row in updates] + list(created_ids)
        dropped = Allocation.objects.filter(payment_id__in=[pk for pk, *_r in updates])
        for invoice_id, number, amount in dropped.values_list("invoice_id", "invoice__number",
                                                               "amount"):
            pk, customer_id, remaining = self.invoices[number]
            self.invoices[number] = (pk, customer_id, _decimal(remaining) + amount)
            self.unallocated.append(invoice_id)
        dropped.delete()
        self.payment_ids.extend(payment_ids)
        allocations = []
        for payment_id, row in zip(payment_ids, rows):
            number = row[8]
            if number:
                # The map's third item becomes what remains open as payments apply,
                # instead of a second map of a million running sums.
                invoice_id, customer_id, remaining = self.invoices[number]
                remaining = _decimal(remaining)
                share = min(_decimal(row[4]), remaining)
                if share > 0:
                    self.invoices[number] = (invoice_id, customer_id, remaining - share)
                    self.touched.append(invoice_id)
                    allocations.append((invoice_id, payment_id, share, row[2]))
        self.writer.insert(allocations)

    def refresh(self, everything):
        """Recompute the balances the new allocations touched: all at once after a bulk
        load (the indexes are not there yet), else just those rows."""
        if not (self.touched or self.unallocated):
            return  # no allocation written or removed: every balance is as it was
        if everything:
            balances.refresh_all_allocated(self.company.pk)
            balances.refresh_invoices(self.unallocated)
        else:
            balances.refresh_invoices({*self.touched, *self.unallocated})
            balances.refresh_payments(self.payment_ids)


class _Run:
    def __init__(self, company, actor, progress, reader):
        self.company = company
        self.reader = reader  # the records of each file (imports/worker.py)
        self.actor = actor
        self.progress = progress or (lambda entity, done: None)
        self.report = Report()
        self.customer_ids = None
        self.invoices = None  # number -> (id, customer id, open amount)
        self.allocator = _Allocator(company)
        # References read from this import's files, good rows or not: checking later
        # files against them reports each mistake once instead of once per dependent row.
        # Once a file is imported without a problem, its rows are all in the database
        # and the set is emptied (a million invoice numbers).
        self.file_customers = set()
        self.file_invoices = set()

    def bulk_documents(self, sources):
        """Invoices, payments and allocations load without secondary indexes when the
        files bring more invoices than the company has (a first import)."""
        coming = sources["invoices"].count_lines() - 1 if "invoices" in sources else 0
        present = Invoice.objects.filter(company=self.company).count() if coming else 0
        return bulk_load([Invoice, Payment, Allocation], coming, present)

    def import_entity(self, entity, source):
        counts = self.report.counts.setdefault(entity, Counts())
        schema = schemas.SCHEMAS[entity]
        try:
            source.check_columns(schema)
            with timed(entity):
                getattr(self, f"_import_{entity}")(source, schema, counts)
        except FileRejected as exc:
            self.report.add_problem(exc.problem)
            raise _RolledBack from None  # the files after it depend on it

    # -- shared row handling -------------------------------------------------------

    def _clean_rows(self, source, schema, counts, check=None, remember=None, stored=None,
                    build=None):
        """Yield (values, fingerprint of the cells) of the new and changed rows; count the
        unchanged ones; report the bad ones and the duplicates. With `build`, yield
        (build(values, fingerprint), fingerprint) instead.

        The reader has checked what the cells alone decide (imports/rows.py); this adds
        what the database does. `remember(key)` sees every row's key, good or bad.
        `stored(natural key)` gives the fingerprint of the row as last imported: a row
        whose cells have not changed since was valid then and is only counted (most of
        a re-import)."""
        names = [f.name for f in schema.fields]
        stored = stored or (lambda natural_key: None)
        records = self.reader.records(schema.entity, self.progress, stored)
        for line, key, digest, first_line, values, problems in records:
            if remember and key:
                remember(key)
            if first_line:
                self._reject_duplicate(source, line, counts, schema, key, first_line)
                continue
            if key and stored(key) == digest:
                counts.unchanged += 1
                continue
            if not problems:
                values = dict(zip(names, values))
                problems = check(values) if check else []
            if problems:
                self._reject(source, line, counts, problems)
            else:
                yield (build(values, digest) if build else values), digest

    def _reject_duplicate(self, source, line, counts, schema, key, first_line):
        value = key[1] if isinstance(key, tuple) else key  # a contact's key ends with its name
        self._reject(source, line, counts, [(schema.key, _(
            "%(value)s appears twice in the file (first on line %(line)d)")
            % {"value": value, "line": first_line})])

    def _reject(self, source, line, counts, problems):
        counts.rejected += 1
        for name, message in problems:
            self.report.add_problem(Problem(source.name, line, source.column_of(name), message))

    def _customer_id(self, values):
        return self._customer_pk(values["customer_ref"])

    def _customer_pk(self, reference):
        if self.customer_ids is None:
            self.customer_ids = dict(Customer.objects.filter(company=self.company)
                                     .values_list("reference", "id"))
        return self.customer_ids.get(reference)

    def _unknown_customer(self, values):
        ref = values["customer_ref"]
        if ref and ref not in self.file_customers and self._customer_id(values) is None:
            return [("customer_ref", _("unknown customer reference: %(ref)s")
                     % {"ref": values["customer_ref"]})]
        return []

    def _pending(self, model, fields, counts, after_flush=None):
        """Rows of `model` for `fields`, and of the import's company when it has one."""
        constants = {"company": self.company.pk} if model is not Contact else {}
        return Pending(TableWriter(model, fields, constants), counts, lambda: self.report.ok,
                       after_flush)

    # -- customers -----------------------------------------------------------------

    CUSTOMER_FIELDS = ["reference", "name", "siren", "siret", "vat_number",
                       "country", "language", "payment_terms_days", "segment",
                       "address_line1", "address_line2", "postal_code", "city",
                       "credit_limit", "import_hash"]

    def _import_customers(self, source, schema, counts):
        existing = {ref: (pk, digest) for ref, pk, digest in Customer.objects
                    .filter(company=self.company).values_list("reference", "id", "import_hash")}
        pending = self._pending(Customer, self.CUSTOMER_FIELDS, counts)
        rows = self._clean_rows(source, schema, counts, remember=self.file_customers.add,
                                stored=_stored_digest(existing, 1))
        with bulk_load([Customer], source.count_lines() - 1, len(existing)):
            for v, digest in rows:
                v["language"] = v["language"] or schemas.default_language(v["country"])
                pending.add(existing.get(v["customer_ref"]), digest, [
                    v["customer_ref"], v["name"], v["siren"], v["siret"],
                    v["vat_number"], v["country"], v["language"], v["payment_terms_days"],
                    v["segment"], v["address_line1"], v["address_line2"], v["postal_code"],
                    v["city"], v["credit_limit"], digest])
            pending.flush()
        self.customer_ids = None  # reload with the new ones on first use
        if self.report.ok:
            self.file_customers.clear()  # all of them are in the database now

    # -- contacts ------------------------------------------------------------------

    CONTACT_FIELDS = ["customer", "name", "email", "phone", "role", "preferred", "import_hash"]

    def _import_contacts(self, source, schema, counts):
        existing = {(cid, name): (pk, digest) for cid, name, pk, digest in Contact.objects
                    .filter(customer__company=self.company)
                    .values_list("customer_id", "name", "id", "import_hash")}
        pending = self._pending(Contact, self.CONTACT_FIELDS, counts)
        with bulk_load([Contact], source.count_lines() - 1, len(existing)):
            stored = _stored_digest(existing, 1, lambda key: (self._customer_pk(key[0]), key[1]))
            for v, digest in self._clean_rows(source, schema, counts, self._unknown_customer,
                                              stored=stored):
                customer_id = self._customer_id(v)
                pending.add(existing.get((customer_id, v["name"])), digest, [
                    customer_id, v["name"], v["email"], v["phone"], v["role"], v["preferred"],
                    digest])
            pending.flush()

    # -- invoices ------------------------------------------------------------------

    INVOICE_FIELDS = ["customer", "kind", "number", "issue_date", "due_date",
                      "currency", "amount_excl_tax", "vat", "amount_total", "po_number",
                      "import_hash", "open_amount"]

    def _load_invoices(self, with_digest=False):
        """number -> (id, customer id, open amount), or with_digest (id, customer id,
        total, fingerprint), read without the ORM's per-value converters (a million
        rows); amounts are converted when used."""
        amounts = "amount_total, import_hash" if with_digest else "open_amount"
        sql = (f"SELECT number, id, customer_id, {amounts} "
               f"FROM {Invoice._meta.db_table} WHERE company_id = %s")
        invoices = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.company.pk])
            while rows := cursor.fetchmany(20_000):
                for number, *rest in rows:
                    invoices[number] = tuple(rest)
        return invoices

    def _invoices(self):
        if self.invoices is None:
            self.invoices = self._load_invoices()
        return self.invoices

    def _import_invoices(self, source, schema, counts):
        existing = self._load_invoices(with_digest=True)
        changed, disputed = [], []
        pending = self._pending(Invoice, self.INVOICE_FIELDS, counts)
        rows = self._clean_rows(source, schema, counts, self._unknown_customer,
                                remember=self.file_invoices.add,
                                stored=_stored_digest(existing, 3), build=self._invoice_row)
        for row, digest in rows:
            number, customer_id = row[2], row[0]
            known = existing.get(number)
            pending.add(known and (known[0], known[3]), digest, row)
            if known and known[3] != digest:
                changed.append((known[0], customer_id, _decimal(known[2]), _decimal(row[8])))
            if row[12] and (known is None or known[3] != digest):
                disputed.append(number)
        pending.flush()
        del existing
        if self.report.ok:
            self.file_invoices.clear()  # all of them are in the map reloaded below
            self._after_invoice_updates(changed)
            with timed("invoices: reload keys"):
                self.invoices = self._load_invoices()
            self._open_disputes(disputed)

    def _invoice_row(self, v, digest):
        """The values of INVOICE_FIELDS, then whether the invoice is disputed."""
        total = v["amount_total"]
        ht = v["amount_excl_tax"] if v["amount_excl_tax"] is not None else total
        vat = v["vat"] if v["vat"] is not None else str(_decimal(total) - _decimal(ht))
        return [self._customer_id(v), v["kind"], v["number"],
                v["issue_date"], v["due_date"], v["currency"], ht, vat, total,
                v["po_number"], digest, total, v["disputed"]]

    def _after_invoice_updates(self, changed):
        """An update rewrote the open amount: recompute it from the allocations; an
        amount change goes on the invoice's timeline."""
        balances.refresh_invoices([pk for pk, *_rest in changed])
        now = timezone.now()
        Event.objects.bulk_create([
            Event(company=self.company, customer_id=customer_id, invoice_id=pk,
                  type="invoice.amount_changed", at=now, actor=self.actor,
                  actor_label="import",
                  message=_("Amount changed from %(old)s to %(new)s by an import")
                  % {"old": old, "new": new}, data={"old": str(old), "new": str(new)})
            for pk, customer_id, old, new in changed if old != new], batch_size=2_000)

    def _open_disputes(self, numbers):
        targets = {self.invoices[n][0]: self.invoices[n][1] for n in numbers}
        already = set(Dispute.objects.filter(invoice_id__in=targets, status=DisputeStatus.OPEN)
                      .values_list("invoice_id", flat=True))
        today, now = timezone.localdate(), timezone.now()
        new = [pk for pk in targets if pk not in already]
        Dispute.objects.bulk_create([
            Dispute(invoice_id=pk, reason=DisputeReason.OTHER, opened_on=today,
                    comment=_("Marked as disputed in an imported file")) for pk in new],
            batch_size=2_000)
        Event.objects.bulk_create([
            Event(company=self.company, customer_id=targets[pk], invoice_id=pk,
                  type="dispute.opened", at=now, actor=self.actor, actor_label="import",
                  message=_("Dispute opened: the imported file marks the invoice disputed"))
            for pk in new], batch_size=2_000)

    # -- payments ------------------------------------------------------------------

    PAYMENT_FIELDS = ["customer", "reference", "date", "currency", "amount",
                      "method", "import_hash", "unapplied_amount"]

    def _check_payment(self, v):
        problems = self._unknown_customer(v)
        number = v["invoice_number"]
        if number and not problems:
            invoice = self._invoices().get(number)
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
        self.allocator.invoices = self._invoices()
        pending = self._pending(Payment, self.PAYMENT_FIELDS, counts, self.allocator.allocate)
        rows = self._clean_rows(source, schema, counts, self._check_payment,
                                stored=_stored_digest(existing, 1), build=self._payment_row)
        for row, digest in rows:
            pending.add(existing.get(row[1]), digest, row)
        pending.flush()

    def _payment_row(self, v, digest):
        """The values of PAYMENT_FIELDS, then the number of the invoice it pays."""
        return [self._customer_id(v), v["payment_ref"], v["date"],
                v["currency"], v["amount"], v["method"], digest, v["amount"],
                v["invoice_number"]]

    def record_completion(self, sources):
        summary = {entity: c.as_dict() for entity, c in self.report.counts.items()}
        files = {entity: source.name for entity, source in sources.items()}
        timeline.record(self.company, "import.completed", actor=self.actor,
                        actor_label="" if self.actor else "import",
                        message=_("Import of %(files)s") % {"files": ", ".join(files.values())},
                        data={"files": files, "counts": summary})


def _decimal(value):
    """SQLite hands numeric columns back as float or int, rows for SQLite hold text;
    PostgreSQL has Decimal."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(TOLERANCE)


def _stored_digest(existing, index, to_key=None):
    """A lookup of the fingerprint stored for a natural key in an `existing` map."""
    def stored(key):
        row = existing.get(to_key(key) if to_key else key)
        return row[index] if row else None
    return stored
