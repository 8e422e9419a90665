"""Set-based writes for imports and the daily run: many rows per statement, no model
instance per row.

A million invoices through the ORM one object at a time takes minutes; prepared
statements with executemany take seconds on SQLite and PostgreSQL alike. Columns the
job does not set get the model field's default, so the rows are the same as the ORM
would write.
"""
import logging
import time
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

logger = logging.getLogger("relance.db")
BATCH = 5_000
BULK_FROM = 50_000


class TableWriter:
    """Inserts and updates rows of one model, given values for `fields` in that order;
    `constants` (field name -> value) are the same in every row it inserts; the
    fields named in `kept_on_update` are written when a row is inserted and left as
    stored when one is updated."""

    def __init__(self, model, fields, constants=None, sink=None, kept_on_update=()):
        meta = model._meta
        self.sink = sink   # where executemany goes (db.batch.background_writes), if not here
        by_name = {f.name: f for f in meta.concrete_fields}
        self.table = connection.ops.quote_name(meta.db_table)
        self.fields = list(fields)
        constants = dict(constants or {})
        given = [by_name[name] for name in self.fields]
        rest = [f for f in meta.concrete_fields
                if not f.primary_key and f.name not in fields and f.name not in constants]
        self.defaults = tuple(_default(f) for f in rest)
        columns = [*given, *(by_name[name] for name in constants), *rest]
        names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
        marks = ", ".join(["%s"] * len(given) + self._fixed_marks([*constants.values(),
                                                                    *self.defaults]))
        self.insert_sql = f"INSERT INTO {self.table} ({names}) VALUES ({marks})"
        self.copy_sql = f"COPY {self.table} ({names}) FROM STDIN"
        self.insert_id_sql = f"INSERT INTO {self.table} (id, {names}) VALUES (%s, {marks})"
        self.copy_id_sql = f"COPY {self.table} (id, {names}) FROM STDIN"
        self.db_table = meta.db_table
        self.updated_at = [i for i, name in enumerate(self.fields)
                           if name not in kept_on_update]
        sets = ", ".join(f"{connection.ops.quote_name(given[i].column)} = %s"
                         for i in self.updated_at)
        self.update_sql = f"UPDATE {self.table} SET {sets} WHERE id = %s"

    def _fixed_marks(self, fixed):
        """On SQLite, binding each value of each row is most of the cost of a large
        insert: the values the same in every row are written into the statement as
        literals. PostgreSQL's COPY takes them in each row (`self.appended`)."""
        if connection.vendor != "sqlite":
            self.appended = tuple(fixed)
            return ["%s"] * len(fixed)
        self.appended = ()
        quote = connection.schema_editor().quote_value  # not entered: no schema change
        return [quote(value).replace("%", "%%") for value in fixed]

    def insert(self, rows, ids=None):
        """rows: sequences starting with the values of the writer's fields; what follows
        them is the caller's and is not written. `ids`, from reserve_ids, are the new
        rows' ids; without them the database numbers the rows."""
        appended, width = self.appended, len(self.fields)
        if ids is None:
            values = [(*row[:width], *appended) for row in rows]
            sql, copy_sql = self.insert_sql, self.copy_sql
        else:
            values = [(pk, *row[:width], *appended) for pk, row in zip(ids, rows)]
            sql, copy_sql = self.insert_id_sql, self.copy_id_sql
        if connection.vendor == "postgresql" and values:
            self._copy(copy_sql, values)
        else:
            self._executemany(sql, values)

    def reserve_ids(self, count):
        """Ids for `count` rows about to be inserted, so the caller need not query them
        back. Inside the import's transaction: on SQLite the first write locks the
        database, and an id above both the largest one and the AUTOINCREMENT sequence
        is never reused; on PostgreSQL the table's own sequence gives them."""
        if not count:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                               "FROM generate_series(1, %s)", [self.db_table, count])
                return [pk for (pk,) in cursor.fetchall()]
            cursor.execute(f"SELECT MAX(id) FROM {self.table}")
            largest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.db_table])
            sequence = cursor.fetchone()
        start = max(largest, sequence[0] if sequence else 0) + 1
        return range(start, start + count)

    def _copy(self, sql, values):
        """PostgreSQL's COPY loads rows several times faster than INSERT statements."""
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in values:
                copy.write_row(row)

    def update(self, rows_with_id):
        """rows_with_id: (id, row) pairs, each row starting with the values of the
        writer's fields; updates only those."""
        if len(self.updated_at) == len(self.fields):
            width = len(self.fields)
            params = [(*row[:width], pk) for pk, row in rows_with_id]
        else:
            params = [(*(row[i] for i in self.updated_at), pk) for pk, row in rows_with_id]
        self._executemany(self.update_sql, params)

    def _executemany(self, sql, params):
        if not params:
            return
        if self.sink is not None:
            for start in range(0, len(params), BATCH):
                self.sink.executemany(sql, params[start:start + BATCH])
            return
        with connection.cursor() as cursor:
            for start in range(0, len(params), BATCH):
                cursor.executemany(sql, params[start:start + BATCH])


class Pending:
    """Rows waiting to be written, sorted into created / updated / unchanged.

    Rows are written every BATCH rows so memory stays flat on a million-row file, but
    only while `writable()` holds: once a row is rejected the import will roll back, so
    the rest of the file is only checked.
    """

    def __init__(self, writer, counts, writable, prepare=None):
        self.writer = writer
        self.counts = counts
        self.writable = writable
        # prepare(creates, updates as (id, row), ids of the creates) sees each batch
        # before it is written, with the ids the new rows will have
        self.prepare = prepare
        self.creates, self.updates = [], []

    def add(self, known, digest, row):
        """`known` is (id, fingerprint) of the stored row, or None for a new one."""
        if known is None:
            self.creates.append(row)
            self.counts.created += 1
        elif known[1] != digest:
            self.updates.append((known[0], row))
            self.counts.updated += 1
        else:
            self.counts.unchanged += 1
            return
        if len(self.creates) + len(self.updates) >= BATCH:
            self.flush()

    def flush(self):
        if self.writable():
            ids = self.writer.reserve_ids(len(self.creates)) if self.prepare else None
            if self.prepare:
                self.prepare(self.creates, self.updates, ids)
            self.writer.insert(self.creates, ids)
            self.writer.update(self.updates)
        self.creates, self.updates = [], []


class bulk_load:
    """On SQLite, drop the secondary indexes of some tables while many rows go in, and
    build them again at the end: sorting once is much faster than a million B-tree
    inserts. Unique constraints stay, so duplicates are still refused. Runs inside the
    import's transaction, so a rollback restores the indexes too."""

    def __init__(self, models, rows_coming, rows_present):
        self.tables = [m._meta.db_table for m in models]
        self.active = (connection.vendor == "sqlite" and rows_coming >= BULK_FROM
                       and rows_coming > rows_present)
        self.statements = []

    def __enter__(self):
        if self.active:
            with connection.cursor() as cursor:
                for table in self.tables:
                    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                   "AND tbl_name = %s AND sql IS NOT NULL", [table])
                    for name, sql in cursor.fetchall():
                        cursor.execute(f'DROP INDEX "{name}"')
                        self.statements.append(sql)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            return  # the rollback brings the indexes back
        with timed(f"{', '.join(self.tables)}: rebuild indexes"), connection.cursor() as cursor:
            for sql in self.statements:
                cursor.execute(sql)


def _default(field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return connection.ops.adapt_datetimefield_value(timezone.now())
    value = field.get_default()
    return field.get_db_prep_save(value, connection) if value is not None else None


@contextmanager
def timed(label):
    """Log how long a phase of a large job took, and the CPU time this process spent in
    it (LOG_LEVEL=INFO shows it): on a busy machine the second says more."""
    start, cpu = time.perf_counter(), time.process_time()
    yield
    logger.info("%s: %.2f s (this process's CPU: %.2f s)", label,
                time.perf_counter() - start, time.process_time() - cpu)
