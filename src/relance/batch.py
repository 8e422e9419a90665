"""Tuning for the few batch jobs that touch a large part of the database at once (the
daily dunning run, large imports)."""
import gc
from contextlib import contextmanager

from django.db import connection

from relance.imports.writer import TableWriter

ROWS_BATCH = 20_000   # rows per executemany


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
    and none of them form cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
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


def insert_rows(model, fields, rows, constants):
    """Insert `rows` (values of `fields`, in that order) with `constants` (field name ->
    value, the same for every row); other fields get their defaults, as with
    TableWriter.

    On SQLite, binding each value of each row is most of the cost of a large insert,
    so the constants and defaults are written into the statement as literals and only
    the columns that vary are bound. PostgreSQL copies the full rows (TableWriter)."""
    if not rows:
        return
    if connection.vendor != "sqlite":
        values = tuple(constants.values())
        TableWriter(model, [*fields, *constants]).insert([(*row, *values) for row in rows])
        return
    writer = TableWriter(model, [*fields, *constants])
    by_name = {f.name: f for f in model._meta.concrete_fields}
    rest = [f.column for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in fields and f.name not in constants]
    columns = [by_name[name].column for name in [*fields, *constants]] + rest
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    quote = connection.schema_editor().quote_value    # not entered: no schema change
    literals = [quote(v).replace("%", "%%") for v in [*constants.values(), *writer.defaults]]
    marks = ", ".join(["%s"] * len(fields) + literals)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_BATCH):
            cursor.executemany(f"INSERT INTO {writer.table} ({names}) VALUES ({marks})",
                               rows[start:start + ROWS_BATCH])
