"""Tuning for the few batch jobs that touch a large part of the database at once (the
daily dunning run, large imports)."""
import gc
import json
import queue
import threading
from contextlib import contextmanager
from functools import lru_cache

from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper

from relance.db.writer import TableWriter


@contextmanager
def wide_sqlite_cache(kib):
    """Give SQLite's page cache `kib` KiB while a large job rewrites big indexes, and
    give it back after: a web worker's connection outlives the job. A no-op on other
    databases."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector: a job that builds a few hundred
    thousand small objects triggers collections that scan all of them again and again,
    and none of them form cycles. When the job ends, the objects still alive go
    straight to the oldest generation (freeze, then unfreeze): otherwise the first
    allocation after the collector is back scans them all (a second after a first
    dunning run)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


@contextmanager
def unchecked_sqlite_foreign_keys():
    """Skip SQLite's per-row foreign key lookups for a job that only writes ids it has
    just read in its own IMMEDIATE transaction (no other writer can delete them
    meanwhile). SQLite ignores the pragma inside a transaction, so a job called within
    one simply keeps the checks. A no-op on other databases."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = ON")


def analyze(*models):
    """PostgreSQL: gather the planner's statistics on these tables now, after a job that
    rewrote a large part of them, rather than when autovacuum next gets to them (a
    minute or more later, longer for a table it must first vacuum): the queries right
    after are planned from them. A freshly imported million invoices without
    statistics made the next dunning run's scan five times slower. In the caller's
    transaction; a no-op on SQLite, whose plans here come from the indexes alone."""
    if connection.vendor != "postgresql" or not models:
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def insert_select(model, values, source, params=(), sink=None):
    """Write the rows of a SELECT into `model`'s table without any row going through
    Python: `values` maps field names to SQL expressions over `source` (a FROM clause
    and what follows it); `params` are the values of the %s in the expressions, then
    in `source`. The model's other fields get their defaults, as with TableWriter.
    With a `sink` (background_writes), the statement goes there."""
    writer = TableWriter(model, list(values))
    by_name = {f.name: f for f in model._meta.concrete_fields}
    rest = [f.column for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in values]
    columns = [*rest, *(by_name[name].column for name in values)]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    expressions = ", ".join([*["%s"] * len(writer.defaults), *values.values()])
    sql = f"INSERT INTO {writer.table} ({names}) SELECT {expressions} {source}"
    if sink is not None:
        sink.execute(sql, [*writer.defaults, *params])
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [*writer.defaults, *params])


class _Inline:
    """Statements executed at once, on the caller's connection."""

    def executemany(self, sql, rows):
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def execute(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


class _WriterThread:
    """Statements executed in order by a second thread on the caller's SQLite
    connection (see `background_writes`)."""

    AHEAD = 3    # statements queued at most: about one chunk of rows, not the whole run

    def __init__(self):
        connection.ensure_connection()
        self.raw = connection.connection
        self.queue = queue.Queue(self.AHEAD)
        self.error = None
        self.thread = threading.Thread(target=self._work, name="relance-writes", daemon=True)
        self.thread.start()

    def executemany(self, sql, rows):
        """One INSERT of all the rows: their values sent as one JSON array that SQLite
        takes apart itself (`from_json`), so that the whole insert is a single step
        without the GIL. Row by row, the thread would need the GIL back after every
        row, and wait for this one to give it up each time (every 5 ms)."""
        self._raise()
        inserted = from_json(sql)
        if inserted is None:    # another statement: row by row after all
            self.queue.put(("executemany", sql, rows))
        else:
            self.queue.put(("execute", inserted, [json.dumps(rows)]))

    def execute(self, sql, params):
        """One statement, such as an INSERT ... SELECT: SQLite runs it without the GIL."""
        self._raise()
        self.queue.put(("execute", sql, params))

    def _work(self):
        cursor = self.raw.cursor(factory=SQLiteCursorWrapper)
        # the job builds its rows itself, JSON included, and its tests check them: SQLite
        # would otherwise parse every JSON column again (see docs/benchmarks.md)
        cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:   # after an error, only drain the queue
                    try:
                        method, sql, params = item
                        getattr(cursor, method)(sql, params)
                    except Exception as error:  # raised again in the caller's thread
                        self.error = error
        finally:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
            cursor.close()

    def finish(self):
        self.queue.put(None)
        self.thread.join()

    def _raise(self):
        if self.error is not None:
            with connection.wrap_database_errors:   # as Django's own cursor would
                raise self.error


@lru_cache(maxsize=64)
def from_json(sql):
    """`INSERT INTO t (...) VALUES (%s, 'literal', %s) [ON CONFLICT ...]` as the same
    insert of the rows of one JSON array parameter (SQLite 3.38+): each %s becomes the
    row's next value, literals stay. None for any other statement."""
    head, _, rest = sql.partition(" VALUES (")
    values, depth, quoted, start, close = [], 0, False, 0, None
    for at, char in enumerate(rest):
        if char == "'":
            quoted = not quoted      # '' inside a literal toggles twice
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char in ",)" and depth == 0:
            values.append(rest[start:at].strip())
            start = at + 1
            if char == ")":
                close = at
                break
        elif not quoted and char == ")":
            depth -= 1
    if not head.startswith("INSERT INTO ") or close is None:
        return None
    bound = iter(range(len(values)))
    columns = [f"value ->> {next(bound)}" if value == "%s" else value for value in values]
    tail = rest[close + 1:].strip()
    # WHERE true: SQLite's parser needs it between a SELECT and ON CONFLICT
    return (f"{head} SELECT {', '.join(columns)} FROM json_each(%s) WHERE true"
            + (f" {tail}" if tail else ""))


@contextmanager
def background_writes():
    """A sink for the INSERTs of a large job (`sink.executemany(sql, rows)`,
    `sink.execute(sql, params)`), in order.

    On SQLite a second thread executes them on the same connection, in the same
    transaction, while the caller builds the next rows. Each batch of rows goes to
    SQLite as one JSON array in one statement (`from_json`): Python's sqlite3 releases
    the GIL while SQLite works through a statement, so the B-tree and index work of the
    whole batch runs on the second core. The tables' CHECK constraints (JSON validity,
    counters not negative) are not evaluated for these rows: the caller vouches for
    them, and its tests check what it wrote. The caller must not use the connection inside
    the block; leaving it waits for every statement and raises the first database
    error. On other databases the statements run at once."""
    if connection.vendor != "sqlite":
        yield _Inline()
        return
    writer = _WriterThread()
    try:
        yield writer
    finally:
        writer.finish()
    writer._raise()

