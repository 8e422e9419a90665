"""Reading one file's rows into checked values, without the database.

Everything a row's cells alone decide is done here: its fingerprint, its natural key,
whether that key came earlier in the file, its values and their problems. What needs
the database (unknown references, unchanged rows) is the importer's. This part can
therefore run in another process (imports/worker.py) while the importer writes.

Values leave as plain data, the text the database adapters would make of them (dates
as ISO text, amounts as decimal text, choices as their value), so a million rows
travel between processes quickly and are written as they are.
"""
import datetime as dt
import hashlib
from decimal import Decimal

from django.utils.translation import gettext as _

from relance.imports.fastpath import MAX_CACHED_DATES, SEPARATOR

PROGRESS_EVERY = 10_000


def read(source, schema, progress=lambda done: None, stored=None):
    """Yield a record for each data row of the source, a plain tuple (they are pickled
    by the million): (line, natural key or None when a part of it is blank, fingerprint
    of the cells, line where the key first appeared when this row repeats it or 0,
    plain values in field order or None, problems as (field name, message) pairs, an
    empty tuple when there are none).

    `stored(key)`, the fingerprint of the row as last imported, when given: a row
    whose cells have not changed since is not read again (values None, no problems)."""
    seen = {}
    key_of = natural_key(schema)
    width = len(source.columns)
    for done, (line, cells, off) in enumerate(source.rows(schema), 1):
        if done % PROGRESS_EVERY == 0:
            progress(done)
        joined = SEPARATOR.join(cells)
        if off:
            yield line, None, text_hash(joined), 0, None, (("", _misaligned(off, width)),)
            continue
        key = key_of(cells)
        if key in seen:
            yield line, key, text_hash(joined), seen[key], None, ()
            continue
        if key:
            seen[key] = line
        digest = text_hash(joined)
        if stored and key and stored(key) == digest:
            yield line, key, digest, 0, None, ()
            continue
        values, problems = schema.clean(cells, joined)
        if not problems and schema.check:
            problems = schema.check(values)
        plain = None if problems else tuple(map(_plain, values.values()))
        yield line, key, digest, 0, plain, problems or ()


def _misaligned(off, width):
    return (_("the row has %(cells)d cells where the header has %(width)d: a separator "
              "inside a value must be quoted, and none may be missing")
            % {"cells": width + off, "width": width})


def text_hash(joined):
    """A stable 64-bit fingerprint of a row's cells joined by "\x1f"
    (fastpath.SEPARATOR), to tell unchanged rows."""
    digest = hashlib.blake2b(joined.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def natural_key(schema):
    """A function giving a row's natural key from its cells, or None when a part of it
    is blank."""
    first, *more = schema.key_positions
    if more:
        second = more[0]

        def pair(cells):
            a, b = cells[first].strip(), cells[second].strip()
            return (a, b) if a and b else None
        return pair
    return lambda cells: cells[first].strip() or None


def _plain(value):
    kind = type(value)
    if kind is str or value is None or kind is bool or kind is int:
        return value
    if kind is dt.date:
        return _iso_date(value)
    if kind is Decimal or isinstance(value, str):
        return str(value)  # str(Decimal), a TextChoices member's value
    return value


_iso_dates = {}


def _iso_date(date):
    """One string per date, not one per cell: pickle then sends each date once per
    batch, and the importer makes one object of it instead of a thousand."""
    try:
        return _iso_dates[date]
    except KeyError:
        if len(_iso_dates) >= MAX_CACHED_DATES:
            _iso_dates.clear()
        text = _iso_dates[date] = date.isoformat()
        return text
