"""Tuning for the few batch jobs that touch a large part of the database at once (the
daily dunning run, large imports)."""
import gc
from contextlib import contextmanager

from django.db import connection

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
