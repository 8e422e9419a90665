"""Set-based writes for imports: many rows per statement, no model instance per row.

A million invoices through the ORM one object at a time takes minutes; prepared
statements with executemany take seconds on SQLite and PostgreSQL alike. Columns the
import does not set get the model field's default, so the rows are the same as the ORM
would write.
"""
import hashlib

from django.db import connection
from django.utils import timezone

BATCH = 5_000


def row_hash(values):
    """A stable 64-bit fingerprint of a row's imported values, to tell unchanged rows."""
    text = "\x1f".join("" if v is None else str(v) for v in values)
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class TableWriter:
    """Inserts and updates rows of one model, given values for `fields` in that order."""

    def __init__(self, model, fields):
        meta = model._meta
        by_name = {f.name: f for f in meta.concrete_fields}
        self.table = connection.ops.quote_name(meta.db_table)
        self.fields = list(fields)
        given = [by_name[name] for name in self.fields]
        rest = [f for f in meta.concrete_fields if not f.primary_key and f.name not in fields]
        self.defaults = tuple(_default(f) for f in rest)
        columns = [f.column for f in given + rest]
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        self.insert_sql = f"INSERT INTO {self.table} ({names}) VALUES ({marks})"
        sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in given)
        self.update_sql = f"UPDATE {self.table} SET {sets} WHERE id = %s"

    def insert(self, rows):
        defaults = self.defaults
        self._executemany(self.insert_sql, [tuple(row) + defaults for row in rows])

    def update(self, rows_with_id):
        """rows_with_id: (id, values...) tuples; updates only the writer's fields."""
        self._executemany(self.update_sql, [tuple(row[1:]) + (row[0],) for row in rows_with_id])

    def _executemany(self, sql, params):
        if not params:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(params), BATCH):
                cursor.executemany(sql, params[start:start + BATCH])


def _default(field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return connection.ops.adapt_datetimefield_value(timezone.now())
    value = field.get_default()
    return field.get_db_prep_save(value, connection) if value is not None else None


def max_id(model):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchone()[0] or 0
