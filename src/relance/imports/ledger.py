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
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.cases.models import Dispute, DisputeReason, DisputeStatus
from relance.delivery.recheck import recheck_company
from relance.db.batch import (
    analyze, paused_gc, unchecked_sqlite_foreign_keys, wide_sqlite_cache,
)
from relance.db.writer import Pending, TableWriter, bulk_load, timed
from relance.imports import schema as schemas
from relance.imports import worker
from relance.imports.readers import FileRejected
from relance.insights import snapshots
from relance.ledger import balances, open_totals, timeline
from relance.ledger.models import Allocation, Contact, Customer, Event, Invoice, Payment
from relance.textfiles import Problem

MAX_PROBLEMS = 10_000
IMPORT_CACHE_KIB = 128 * 1024  # more cost memory (1 GB for 1M invoices) and saved little
TOLERANCE = Decimal("0.01")
# rows of an entity written by an import from which the planner's statistics of its
# tables are gathered again before it commits
ANALYZE_FROM = 10_000
REWRITTEN = {"customers": [Customer], "contacts": [Contact], "invoices": [Invoice],
             "payments": [Payment, Allocation]}

# The rows an import writes are plain lists in the order of these fields: the writer
# takes them as they are, and building a named tuple per row costs four times a list
# (a million rows per file). The loops name the positions they read once, from here.
CUSTOMER_FIELDS = ["reference", "name", "siren", "siret", "vat_number", "country",
                   "language", "payment_terms_days", "segment", "address_line1",
                   "address_line2", "postal_code", "city", "credit_limit", "import_hash"]
CONTACT_FIELDS = ["customer", "name", "email", "phone", "role", "preferred", "import_hash"]
INVOICE_FIELDS = ["customer", "kind", "number", "issue_date", "due_date",
                  "currency", "amount_excl_tax", "vat", "amount_total", "po_number",
                  "import_hash", "open_amount"]
PAYMENT_FIELDS = ["customer", "reference", "date", "currency", "amount",
                  "method", "import_hash", "unapplied_amount"]
INVOICE_ROW = [*INVOICE_FIELDS, "disputed"]
PAYMENT_ROW = [*PAYMENT_FIELDS, "invoice_number"]


def positions(row_fields, names):
    """The positions of the named fields in a row laid out as `row_fields`."""
    return tuple(row_fields.index(name) for name in names.split())


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
    # what the import changes on invoices already in Relance, field by field:
    # {"number", "field", "old", "new"} (text), at most MAX_PROBLEMS of them
    changes: list = field(default_factory=list)
    # the import changed invoices already in Relance and was told to ask first: it
    # rolled back, `changes` says what it would change
    awaiting_confirmation: bool = False

    @property
    def ok(self):
        return self.problem_count == 0

    def add_problem(self, problem):
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def as_dict(self):
        found = {entity: counts.as_dict() for entity, counts in self.counts.items()}
        if self.changes and "invoices" in found:
            found["invoices"]["changes"] = self.changes
        return found


def _cells(entity, names):
    """A function picking the named fields, in that order, from the plain values of a
    row of the entity (imports/rows.py gives them in the schema's field order)."""
    order = [f.name for f in schemas.SCHEMAS[entity].fields]
    return itemgetter(*(order.index(name) for name in names.split()))


class _RolledBack(Exception):
    pass


def import_sources(company, sources, *, actor=None, progress=None, parallel=False,
                   changes_allowed=True):
    """Import {entity: Source} into the company; return the Report.

    `progress(entity, lines_done)` is called now and then for a progress bar.
    `parallel`: read and check large files in a forked process while this one writes
    (the command line; a web worker is not a process to fork).
    `changes_allowed=False`: an import that would change invoices already in Relance
    (an amount, the VAT, a date, the kind or the purchase order) rolls back instead,
    its report `awaiting_confirmation` with the changes listed (the web asks first).
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
            if run.report.changes and not changes_allowed:
                run.report.awaiting_confirmation = True
                raise _RolledBack
            if run.documents_changed():
                with timed("open totals"):
                    open_totals.rebuild(company.pk)  # the dashboard's sums, same transaction
                # the reminders already queued are judged again once this commits
                transaction.on_commit(lambda: recheck_company(company.pk))
            if run.earliest is not None:
                snapshots.forget(company, since=run.earliest)
            analyze(*run.rewritten_models())
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
    remains open on it, as each batch of payments is about to be written."""

    def __init__(self, company):
        self.company = company
        self.invoices = {}
        self.touched = []  # invoices given an allocation
        self.unallocated = []  # invoices whose allocations a changed payment removed
        # Without an invoice_number column, a changed payment keeps its allocations
        # (a missing column never overwrites); its unapplied amount is summed again.
        self.keep_allocations = False
        self.kept_payments = []
        self.writer = TableWriter(Allocation, ["invoice", "payment", "amount", "date"])

    def allocate(self, creates, updates, created_ids):
        """Write the allocations of a batch of payment rows (PAYMENT_FIELDS, then the
        invoice number) and set each row's unapplied amount: a changed payment's old
        allocations are all removed, so what it allocates now is all it allocates."""
        if updates and self.keep_allocations:
            self.kept_payments += [pk for pk, _row in updates]
            updates = []
        if updates:
            self._drop([pk for pk, _row in updates])
        allocations = []
        number_at, amount_at, date_at, unapplied_at = positions(
            PAYMENT_ROW, "invoice_number amount date unapplied_amount")
        for payment_id, row in [*updates, *zip(created_ids, creates)]:
            number = row[number_at]
            if number:
                # The map's third item becomes what remains open as payments apply,
                # instead of a second map of a million running sums.
                invoice_id, customer_id, remaining, currency = self.invoices[number]
                remaining, amount = _decimal(remaining), _decimal(row[amount_at])
                share = min(amount, remaining)
                if share > 0:
                    self.invoices[number] = (invoice_id, customer_id, remaining - share,
                                             currency)
                    self.touched.append(invoice_id)
                    allocations.append((invoice_id, payment_id, share, row[date_at]))
                    row[unapplied_at] = amount - share
        self.writer.insert(allocations)

    def _drop(self, payment_ids):
        dropped = Allocation.objects.filter(payment_id__in=payment_ids)
        for invoice_id, number, amount in dropped.values_list("invoice_id", "invoice__number",
                                                               "amount"):
            pk, customer_id, remaining, currency = self.invoices[number]
            self.invoices[number] = (pk, customer_id, _decimal(remaining) + amount, currency)
            self.unallocated.append(invoice_id)
        dropped.delete()

    def refresh(self, everything):
        """Recompute the open amounts and statuses of the invoices the allocations
        touched: all at once after a bulk load (the indexes are not there yet), else just
        those rows. Payments were written with their unapplied amounts."""
        balances.refresh_payments(self.kept_payments)
        if not (self.touched or self.unallocated):
            return  # no allocation written or removed: every balance is as it was
        if everything:
            balances.refresh_all_allocated_invoices(self.company.pk)
            balances.refresh_invoices(self.unallocated)
        else:
            balances.refresh_invoices({*self.touched, *self.unallocated})


class _Run:
    def __init__(self, company, actor, progress, reader):
        self.company = company
        self.reader = reader  # the records of each file (imports/worker.py)
        self.actor = actor
        self.progress = progress or (lambda entity, done: None)
        self.report = Report()
        self.customer_ids = None
        self.invoices = None  # number -> (id, customer id, open amount, currency)
        self.stored_invoices = None  # while invoices are read: number -> stored row
        self.absent = set()  # the current file's fields without a column
        self.allocator = _Allocator(company)
        # References read from this import's files, good rows or not: checking later
        # files against them reports each mistake once instead of once per dependent row.
        # Once a file is imported without a problem, its rows are all in the database
        # and the set is emptied (a million invoice numbers).
        self.file_customers = set()
        self.file_invoices = set()
        # the earliest issue or payment date among the documents written: the kept
        # month-end figures from that month on are recomputed
        self.earliest = None

    def _touched_from(self, earliest):
        """Note the earliest date of a file's written rows (ISO text or a date)."""
        if earliest is not None:
            day = _day(earliest)
            self.earliest = day if self.earliest is None else min(self.earliest, day)

    def rewritten_models(self):
        """The tables this import wrote a large part of (`ANALYZE_FROM` rows or more):
        their statistics are gathered again before it commits (`db.batch.analyze`)."""
        models = []
        for entity, counts in self.report.counts.items():
            if counts.created + counts.updated >= ANALYZE_FROM:
                models += REWRITTEN[entity]
        return models

    def documents_changed(self):
        return any(counts.created or counts.updated for entity, counts
                   in self.report.counts.items() if entity in ("invoices", "payments"))

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
            self.absent = {f.name for f in schema.fields
                           if source.column_of(f.name) not in source.columns}
            with timed(entity):
                getattr(self, f"_import_{entity}")(source, schema, counts)
        except FileRejected as exc:
            self.report.add_problem(exc.problem)
            raise _RolledBack from None  # the files after it depend on it

    # -- shared row handling -------------------------------------------------------

    def _clean_rows(self, source, schema, counts, build, remember=None, stored=None):
        """Yield (row, fingerprint of the cells) of the new and changed rows; count the
        unchanged ones; report the bad ones and the duplicates.

        The reader has checked what the cells alone decide (imports/rows.py).
        `build(values, fingerprint)` adds what the database does: given a good row's
        plain values (in the schema's field order), it returns (the row to write,
        problems). `remember(key)` sees every row's key, good or bad. `stored(natural
        key)` gives the fingerprint of the row as last imported: a row whose cells have
        not changed since was valid then and is only counted (most of a re-import)."""
        records = self.reader.records(schema.entity, self.progress, stored)
        for line, key, digest, first_line, values, problems in records:
            if remember and key:
                remember(key)
            if first_line:
                self._reject_duplicate(source, line, counts, schema, key, first_line)
                continue
            if stored and key and stored(key) == digest:
                counts.unchanged += 1
                continue
            if not problems:
                row, problems = build(values, digest)
            if problems:
                self._reject(source, line, counts, problems)
            else:
                yield row, digest

    def _reject_duplicate(self, source, line, counts, schema, key, first_line):
        value = key[1] if isinstance(key, tuple) else key  # a contact's key ends with its name
        self._reject(source, line, counts, [(schema.key, _(
            "%(value)s appears twice in the file (first on line %(line)d)")
            % {"value": value, "line": first_line})])

    def _reject(self, source, line, counts, problems):
        counts.rejected += 1
        for name, message in problems:
            self.report.add_problem(Problem(source.name, line, source.column_of(name), message))

    def _customer_pk(self, reference):
        if self.customer_ids is None:
            self.customer_ids = dict(Customer.objects.filter(company=self.company)
                                     .values_list("reference", "id"))
        return self.customer_ids.get(reference)

    def _unknown_customer(self, reference):
        """The problem of a reference to no customer; none for a customer row of this
        import's file that was itself rejected (the import is refused anyway)."""
        if reference and reference not in self.file_customers:
            return [("customer_ref", _("unknown customer reference: %(ref)s")
                     % {"ref": reference})]
        return []

    def _pending(self, model, fields, counts, prepare=None):
        """Rows of `model` for `fields`, and of the import's company when it has one.
        A field the file has no column for keeps its stored value when a row is
        updated: a missing column never overwrites what Relance holds."""
        constants = {"company": self.company.pk} if model is not Contact else {}
        kept = [name for name in fields if name in self.absent]
        return Pending(TableWriter(model, fields, constants, kept_on_update=kept), counts,
                       lambda: self.report.ok, prepare)

    def _customer_of(self, reference):
        """(the customer's id, problems): no id and no problem for a rejected customer
        row of this import's file."""
        customer_id = self._customer_pk(reference)
        return customer_id, self._unknown_customer(reference) if customer_id is None else ()

    # -- customers -----------------------------------------------------------------

    def _import_customers(self, source, schema, counts):
        existing = {ref: (pk, digest) for ref, pk, digest in Customer.objects
                    .filter(company=self.company).values_list("reference", "id", "import_hash")}
        pending = self._pending(Customer, CUSTOMER_FIELDS, counts)
        names = [f.name for f in schema.fields]
        rows = self._clean_rows(source, schema, counts, lambda values, digest: (
            dict(zip(names, values)), ()), remember=self.file_customers.add,
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

    CONTACT_CELLS = _cells("contacts", "customer_ref name email phone role preferred")

    def _import_contacts(self, source, schema, counts):
        existing = {(cid, name): (pk, digest) for cid, name, pk, digest in Contact.objects
                    .filter(customer__company=self.company)
                    .values_list("customer_id", "name", "id", "import_hash")}
        pending = self._pending(Contact, CONTACT_FIELDS, counts)
        with bulk_load([Contact], source.count_lines() - 1, len(existing)):
            stored = _stored_digest(existing, 1, lambda key: (self._customer_pk(key[0]), key[1]))
            customer_at, name_at = positions(CONTACT_FIELDS, "customer name")
            for row, digest in self._clean_rows(source, schema, counts, self._contact_row,
                                                stored=stored):
                pending.add(existing.get((row[customer_at], row[name_at])), digest, row)
            pending.flush()

    def _contact_row(self, values, digest):
        """(the values of CONTACT_FIELDS, problems)"""
        ref, name, email, phone, role, preferred = self.CONTACT_CELLS(values)
        customer_id, problems = self._customer_of(ref)
        return [customer_id, name, email, phone, role, preferred, digest], problems

    # -- invoices ------------------------------------------------------------------

    INVOICE_CELLS = _cells("invoices", "number customer_ref issue_date due_date currency "
                                       "amount_excl_tax vat amount_total disputed kind po_number")

    def _load_invoices(self, with_digest=False):
        """number -> (id, customer id, open amount, currency), and with_digest then
        (total, fingerprint) before the currency, read without the ORM's per-value
        converters (a million rows); amounts are converted when used."""
        amounts = ("open_amount, amount_total, import_hash, currency" if with_digest
                   else "open_amount, currency")
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
        """The map of invoices the payments need is the one of the stored invoices, with
        the new ones added as they are written (ids reserved), so it is not read again;
        updated invoices have their open amount recomputed, so then it is."""
        existing = self._load_invoices(with_digest=True)
        changed, disputed = [], []

        customer_at, number_at, total_at, disputed_at, issued_at, currency_at = positions(
            INVOICE_ROW, "customer number amount_total disputed issue_date currency")
        earliest = None

        def note_created(creates, updates, ids):
            for pk, row in zip(ids, creates):
                existing[row[number_at]] = (pk, row[customer_at], row[total_at],
                                            row[total_at], None, row[currency_at])
            self._note_changes(updates)

        pending = self._pending(Invoice, INVOICE_FIELDS, counts, note_created)
        self.stored_invoices = existing
        rows = self._clean_rows(source, schema, counts, self._invoice_row,
                                remember=self.file_invoices.add,
                                stored=_stored_digest(existing, 4))
        for row, digest in rows:
            number = row[number_at]
            known = existing.get(number)
            if known is None:
                pending.add(None, digest, row)
                new_or_changed = True
            else:
                pk, _customer_id, _open_amount, total, stored_digest, _currency = known
                pending.add((pk, stored_digest), digest, row)
                new_or_changed = stored_digest != digest
                if new_or_changed:
                    changed.append((pk, row[customer_at], _decimal(total),
                                    _decimal(row[total_at])))
            if new_or_changed:
                if earliest is None or row[issued_at] < earliest:
                    earliest = row[issued_at]
                if row[disputed_at]:
                    disputed.append(number)
        self._touched_from(earliest)
        pending.flush()
        self.stored_invoices = None
        if self.report.ok:
            self.file_invoices.clear()  # all of them are in the map now
            self._after_invoice_updates(changed)
            if changed:
                del existing
                with timed("invoices: reload keys"):
                    self.invoices = self._load_invoices()
            else:
                self.invoices = _trimmed(existing)
            self._open_disputes(disputed)

    def _invoice_row(self, values, digest):
        """(the values of INVOICE_FIELDS then whether the invoice is disputed, problems)"""
        number, ref, issue, due, currency, ht, vat, total, disputed, kind, po = (
            self.INVOICE_CELLS(values))
        customer_id, problems = self._customer_of(ref)
        stored = self.stored_invoices.get(number)
        if stored is not None and not problems:
            problems = _moved(number, stored, customer_id, ref,
                              None if "currency" in self.absent else currency)
        if ht is None:
            ht = total
        if vat is None:
            vat = str(_decimal(total) - _decimal(ht))
        return [customer_id, kind, number, issue, due, currency, ht, vat, total, po, digest,
                total, disputed], problems

    COMPARED = ("issue_date", "due_date", "amount_excl_tax", "vat", "amount_total", "kind",
                "po_number")

    def _note_changes(self, updates):
        """Note, field by field, what a batch of updated rows changes on the invoices
        (the fields the file has a column for): a re-import that moves a due date or
        an amount says so, on the web before it is confirmed."""
        compared = [name for name in self.COMPARED if name not in self.absent]
        if not updates or not compared or len(self.report.changes) >= MAX_PROBLEMS:
            return
        stored = {row[0]: row[1:] for row in Invoice.objects.filter(
            pk__in=[pk for pk, _row in updates]).values_list("pk", *compared)}
        at = [INVOICE_ROW.index(name) for name in compared]
        number_at = INVOICE_ROW.index("number")
        for pk, row in updates:
            for name, position, old in zip(compared, at, stored[pk]):
                new = _comparable(row[position], old)
                if new != old and len(self.report.changes) < MAX_PROBLEMS:
                    self.report.changes.append({"number": row[number_at], "field": name,
                                                "old": str(old), "new": str(new)})

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

    PAYMENT_CELLS = _cells("payments", "payment_ref customer_ref invoice_number date amount "
                                       "currency method")

    def _import_payments(self, source, schema, counts):
        existing = {ref: (pk, digest) for ref, pk, digest in Payment.objects
                    .filter(company=self.company).values_list("reference", "id", "import_hash")}
        self.allocator.invoices = self._invoices()
        self.allocator.keep_allocations = "invoice_number" in self.absent
        pending = self._pending(Payment, PAYMENT_FIELDS, counts, self.allocator.allocate)
        rows = self._clean_rows(source, schema, counts, self._payment_row,
                                stored=_stored_digest(existing, 1))
        reference_at, date_at = positions(PAYMENT_FIELDS, "reference date")
        earliest = None
        for row, digest in rows:
            pending.add(existing.get(row[reference_at]), digest, row)
            if earliest is None or row[date_at] < earliest:
                earliest = row[date_at]
        self._touched_from(earliest)
        pending.flush()

    def _payment_row(self, values, digest):
        """(the values of PAYMENT_FIELDS then the number of the invoice it pays, problems);
        the unapplied amount is the allocator's to lower."""
        ref, customer_ref, number, date, amount, currency, method = self.PAYMENT_CELLS(values)
        customer_id, problems = self._customer_of(customer_ref)
        if number and not problems:
            problems = self._unknown_invoice(number, customer_id, currency)
        return [customer_id, ref, date, currency, amount, method, digest, amount,
                number], problems

    def _unknown_invoice(self, number, customer_id, currency):
        invoice = self._invoices().get(number)
        if invoice is None and number in self.file_invoices:
            return ()  # a row of this import's invoices file, itself rejected
        if invoice is None:
            return [("invoice_number", _("unknown invoice number: %(number)s")
                     % {"number": number})]
        if invoice[1] != customer_id:
            return [("invoice_number", _("invoice %(number)s belongs to another customer")
                     % {"number": number})]
        if invoice[3] != currency:
            return [("currency", _("the payment is in %(currency)s, invoice %(number)s in "
                                   "%(invoiced)s: a payment settles invoices in its own "
                                   "currency") % {"currency": currency, "number": number,
                                                  "invoiced": invoice[3]})]
        return ()

    def record_completion(self, sources):
        summary = {entity: c.as_dict() for entity, c in self.report.counts.items()}
        files = {entity: source.name for entity, source in sources.items()}
        timeline.record(self.company, "import.completed", actor=self.actor,
                        actor_label="" if self.actor else "import",
                        message=_("Import of %(files)s") % {"files": ", ".join(files.values())},
                        data={"files": files, "counts": summary})


def _comparable(value, stored):
    """A row's value (plain text, as rows.py makes it) in the type of the stored one."""
    if isinstance(stored, dt.date):
        return _day(value)
    if isinstance(stored, (Decimal, float)):
        return _decimal(value)
    return "" if value is None else value


def _day(value):
    """A row's date: ISO text as the fast path gives it, or a date."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _trimmed(invoices):
    """The map of stored invoices read with their totals and fingerprints, cut in place
    to (id, customer id, open amount, currency)."""
    for number, entry in invoices.items():
        invoices[number] = (*entry[:3], entry[5])
    return invoices


def _moved(number, stored, customer_id, reference, currency):
    """The problems of a row that would give a stored invoice another customer or
    currency: an import never does (its allocations, cases and reminders are that
    customer's, in that currency)."""
    problems = []
    if customer_id is not None and stored[1] != customer_id:
        problems.append(("customer_ref", _(
            "invoice %(number)s belongs to another customer: an import never moves an "
            "invoice to %(reference)s") % {"number": number, "reference": reference}))
    if currency is not None and stored[5] != currency:
        problems.append(("currency", _(
            "invoice %(number)s is in %(stored)s: an import never changes its currency "
            "to %(currency)s") % {"number": number, "stored": stored[5],
                                  "currency": currency}))
    return problems


def _decimal(value):
    """SQLite hands numeric columns back as float or int, PostgreSQL as Decimal; rows
    hold text, with two decimals already (textfiles.py)."""
    kind = type(value)
    if kind is str:
        return Decimal(value)
    return value if kind is Decimal else Decimal(str(value)).quantize(TOLERANCE)


def _stored_digest(existing, index, to_key=None):
    """A lookup of the fingerprint stored for a natural key in an `existing` map; none
    for an empty map (a first import), so that no row is looked up for nothing."""
    if not existing:
        return None

    def stored(key):
        row = existing.get(to_key(key) if to_key else key)
        return row[index] if row else None
    return stored
