"""SQLite tuning for the few jobs that touch a large part of the database at once."""
from contextlib import contextmanager

from django.db import connection


@contextmanager
def wide_cache(kib):
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
