"""The fast path of row cleaning: well-formed rows, a million of them, without a function
call per cell.

Each field may have a Shape: a regular expression matching some of the texts its parse
function accepts (the plain forms software writes: `1234.56`, `2026-03-31`, `EUR`), and
a cheap conversion of such a text to the value that parse would return. A schema's
shapes are compiled into one expression for a whole row, matched against the row's
cells joined by SEPARATOR (the same text its fingerprint is computed from).

1. A row that matches, and whose conversions succeed, is clean: its values are those
   schema.clean_row would give.
2. Any other row (a blank required cell, `1 234,56`, `31/03/2026`, an impossible date,
   a stray space) goes through schema.clean_row, which reads the forms the fast path
   leaves out and words each problem with its column.

So the fast path never decides that a row is wrong, and never accepts a row the slow
path would refuse; tests/imports/test_fastpath.py checks both on generated rows.
"""
import datetime as dt
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Optional

from babel.numbers import is_currency

from relance.ledger import validators
from relance.textfiles import MAX_AMOUNT_DIGITS

SEPARATOR = "\x1f"  # a control character no cell of a well-formed row holds
MAX_CACHED_DATES = 100_000


@dataclass(frozen=True)
class Shape:
    pattern: str  # matches only non-blank texts without SEPARATOR
    convert: Optional[Callable[[str], object]] = None  # None: the text is the value


def text(limit):
    """Text without surrounding spaces (what strip() would remove), at most `limit` long."""
    return Shape(rf"[^\s{SEPARATOR}](?:[^{SEPARATOR}]{{0,{limit - 2}}}[^\s{SEPARATOR}])?")


def words(mapping):
    """One of the mapping's keys, written exactly so; the value is the mapping's."""
    keys = sorted((k for k in mapping if k and k == k.strip().lower()), key=len, reverse=True)
    return Shape("|".join(re.escape(k) for k in keys), mapping.__getitem__)


_dates = {}


def _date(text):
    """ISO dates repeat across a ledger: each is read once (fromisoformat refuses
    2026-02-30 with ValueError, and a date outside the ledger's window is refused too,
    which sends the row to the slow path to be worded). The window only widens as
    days pass, so a date kept here stays within it."""
    try:
        return _dates[text]
    except KeyError:
        if len(_dates) >= MAX_CACHED_DATES:
            _dates.clear()
        value = dt.date.fromisoformat(text)
        first, last = validators.date_window()
        if not first <= value <= last:
            raise ValueError(text) from None
        _dates[text] = value
        return value


_currencies = {}


def _currency(text):
    """An ISO 4217 code (Babel's list), each looked up once."""
    try:
        known = _currencies[text]
    except KeyError:
        known = _currencies[text] = is_currency(text)
    if not known:
        raise ValueError(text)
    return sys.intern(text)


def _positive(text):
    value = Decimal(text)
    if not value:
        raise ValueError(text)
    return value


def _email(text):
    if len(text) > 320:
        raise ValueError(text)
    return text


def _at_most_365(text):
    value = int(text)
    if value > 365:
        raise ValueError(text)
    return value


_LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DATE = Shape("[0-9]{4}-[0-9]{2}-[0-9]{2}", _date)
AMOUNT = Shape(rf"[0-9]{{1,{MAX_AMOUNT_DIGITS}}}\.[0-9]{{2}}", Decimal)
POSITIVE_AMOUNT = Shape(AMOUNT.pattern, _positive)
FLAG = Shape("[01]", "1".__eq__)
# Codes repeat on every row: one shared string each, which pickle sends once per batch.
COUNTRY = Shape("[A-Z]{2}", sys.intern)
CURRENCY = Shape("[A-Z]{3}", _currency)
LANGUAGE = Shape("fr|en")
DAYS = Shape("[0-9]{1,3}", _at_most_365)
EMAIL = Shape(rf"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:{_LABEL}\.)+[a-z]{{2,63}}", _email)


class FastRow:
    """The fast path for one schema: `clean(cells, joined)` gives the values or None."""

    def __init__(self, fields):
        self.names = [f.name for f in fields]
        self.defaults = [f.default for f in fields]
        self.converts = [_converter(f) for f in fields]
        self.match = re.compile(SEPARATOR.join(_pattern(f) for f in fields)).fullmatch

    def clean(self, cells, joined):
        """cells: the field texts in order ("" when absent); joined: them joined by
        SEPARATOR. Returns {name: value}, or None when the slow path must decide."""
        if self.match(joined) is None:
            return None
        values = {}
        try:
            for name, text, default, convert in zip(self.names, cells, self.defaults,
                                                    self.converts):
                values[name] = default if not text else convert(text) if convert else text
        except ValueError:
            return None
        return values


def _pattern(field):
    """The field's shape; an optional field may also be empty; a field without a shape
    takes any cell, left to its own parse function."""
    if field.fast is None:
        anything = f"[^{SEPARATOR}]*"
        return anything + rf"[^\s{SEPARATOR}]" + anything if field.required else anything
    return f"(?:{field.fast.pattern})" + ("" if field.required else "?")


def _converter(field):
    if field.fast is not None:
        return field.fast.convert
    parse, default = field.parse, field.default

    def unshaped(text):
        # The slow path's reading of one cell; a problem sends the row there whole.
        return default if text.isspace() else parse(text)
    return unshaped
