"""Tuning for the few batch jobs that touch a large part of the database at once (the
daily dunning run, large imports)."""
import gc
from contextlib import contextmanager

from django.db import connection


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
