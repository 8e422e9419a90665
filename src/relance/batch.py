"""Tuning for the few batch jobs that touch a large part of the database at once (the
daily dunning run, large imports)."""
import gc
import queue
import threading
from contextlib import contextmanager

from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper

from relance.imports.writer import TableWriter


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


def insert_select(model, values, source, params=()):
    """Write the rows of a SELECT into `model`'s table without any row going through
    Python: `values` maps field names to SQL expressions over `source` (a FROM clause
    and what follows it); `params` are the values of the %s in the expressions, then
    in `source`. The model's other fields get their defaults, as with TableWriter."""
    writer = TableWriter(model, list(values))
    by_name = {f.name: f for f in model._meta.concrete_fields}
    rest = [f.column for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in values]
    columns = [*rest, *(by_name[name].column for name in values)]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    expressions = ", ".join([*["%s"] * len(writer.defaults), *values.values()])
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {writer.table} ({names}) SELECT {expressions} {source}",
                       [*writer.defaults, *params])


class _Inline:
    """Statements executed at once, on the caller's connection."""

    def executemany(self, sql, rows):
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


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
        self._raise()
        self.queue.put((sql, rows))

    def _work(self):
        cursor = self.raw.cursor(factory=SQLiteCursorWrapper)
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:   # after an error, only drain the queue
                    try:
                        cursor.executemany(*item)
                    except Exception as error:  # raised again in the caller's thread
                        self.error = error
        finally:
            cursor.close()

    def finish(self):
        self.queue.put(None)
        self.thread.join()

    def _raise(self):
        if self.error is not None:
            with connection.wrap_database_errors:   # as Django's own cursor would
                raise self.error


@contextmanager
def background_writes():
    """A sink for the INSERTs of a large job (`sink.executemany(sql, rows)`), in order.

    On SQLite a second thread executes them on the same connection, in the same
    transaction, while the caller builds the next rows: Python's sqlite3 releases the
    GIL while SQLite works through a statement (the B-trees and indexes, half the time
    of a large insert), so both cores work. The caller must not use the connection
    inside the block; leaving it waits for every statement and raises the first
    database error. On other databases the statements run at once."""
    if connection.vendor != "sqlite":
        yield _Inline()
        return
    writer = _WriterThread()
    try:
        yield writer
    finally:
        writer.finish()
    writer._raise()


def rows_ahead(sql, params, size=10_000):
    """Yield the rows of a large SQLite query while a second thread steps through it
    on the same connection and hands them over in batches: sqlite3 releases the GIL
    while SQLite works, so reading overlaps with what the caller does with each row.
    The caller must not use the connection until the rows are exhausted or it stops
    asking (the reading thread then stops at its next batch)."""
    connection.ensure_connection()
    raw, batches, stop, failure = connection.connection, queue.Queue(2), threading.Event(), []

    def fetch():
        cursor = raw.cursor(factory=SQLiteCursorWrapper)
        try:
            cursor.execute(sql, params)
            while not stop.is_set() and (batch := cursor.fetchmany(size)):
                batches.put(batch)
        except Exception as error:  # raised again in the caller's thread
            failure.append(error)
        finally:
            cursor.close()
            batches.put(None)

    thread = threading.Thread(target=fetch, name="relance-reads", daemon=True)
    thread.start()
    exhausted = False
    try:
        while (batch := batches.get()) is not None:
            yield from batch
        exhausted = True
    finally:
        if not exhausted:   # the caller stopped early: let the thread end its batch
            stop.set()
            while batches.get() is not None:
                pass
        thread.join()
    if failure:
        with connection.wrap_database_errors:
            raise failure[0]
