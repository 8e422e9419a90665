"""Reading text files and values as French exports really write them: shared by the
ledger import and the postal tracking import of letters.

Pure functions: each takes the text of one cell and returns a Python value, or raises
ValueError with a message meant for the user ("not a date: 31/02/2026"); the encoding
and separator of a file are guessed from its first bytes and header line. A file's
`Problem`s say where a reason applies.
"""
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Spaces used as thousands separators: plain, no-break and narrow no-break.
_SPACES = str.maketrans("", "", " \u00a0\u202f\t'")
_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_CURRENCY_MARKS = ("€", "EUR", "eur")
CENT = Decimal("0.01")
MAX_AMOUNT_DIGITS = 12
MAX_AMOUNT = Decimal(10) ** MAX_AMOUNT_DIGITS


def parse_decimal(text):
    """'1 234,56', '1234.56', '1.234,56', '-12,5 €' -> Decimal. Empty -> ValueError."""
    try:
        value = Decimal(text)  # the common case, '1234.56', without the work below
    except InvalidOperation:
        value = _parse_formatted(text)
    if not value.is_finite():
        raise ValueError(_("not a number: %(text)s") % {"text": text})
    return value


def _parse_formatted(text):
    raw = text.strip()
    for mark in _CURRENCY_MARKS:
        raw = raw.removesuffix(mark).strip()
    compact = raw.translate(_SPACES)
    if "," in compact:
        # With a decimal comma, dots can only be thousands separators (1.234,56).
        compact = compact.replace(".", "").replace(",", ".")
    try:
        return Decimal(compact)
    except InvalidOperation:
        raise ValueError(_("not a number: %(text)s") % {"text": text}) from None


def parse_amount(text):
    """A non-negative amount with at most two decimals and at most MAX_AMOUNT_DIGITS
    before them (what the database's amount columns hold)."""
    value = parse_decimal(text)
    if value < 0:
        raise ValueError(_("negative amount: %(text)s") % {"text": text})
    if value >= MAX_AMOUNT:  # also keeps quantize below from failing on 1E100
        raise ValueError(_("amount too large: %(text)s") % {"text": text})
    rounded = value.quantize(CENT)
    if rounded != value:
        raise ValueError(_("more than two decimals: %(text)s") % {"text": text})
    return rounded


def parse_date(text):
    """'2026-03-31' or '31/03/2026' (also 31.03.2026, 31-03-2026) -> date."""
    raw = text.strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    match = _DATE_DMY.match(raw)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if len(raw) == 10 and raw[4] == "-":  # ISO-shaped but impossible: 2026-02-30
            raise ValueError
    except ValueError:
        raise ValueError(_("impossible date: %(text)s") % {"text": text}) from None
    raise ValueError(_("not a date (expected DD/MM/YYYY or YYYY-MM-DD): %(text)s")
                     % {"text": text})


def parse_int(text):
    try:
        return int(text.strip().translate(_SPACES))
    except ValueError:
        raise ValueError(_("not a whole number: %(text)s") % {"text": text}) from None


def parse_flag(text):
    """'1', 'oui', 'yes', 'true', 'x' -> True; '0', 'non', 'no', 'false', '' -> False."""
    raw = text.strip().lower()
    if raw in ("1", "oui", "o", "yes", "y", "true", "vrai", "x"):
        return True
    if raw in ("0", "non", "n", "no", "false", "faux", ""):
        return False
    raise ValueError(_("not yes or no: %(text)s") % {"text": text})


class EncodingProblem(ValueError):
    """The bytes are not text in an encoding we accept; `offset` is where it shows."""

    def __init__(self, message, offset):
        super().__init__(message)
        self.offset = offset


def detect_encoding(head):
    """The encoding of a file from its first bytes: UTF-8 (with or without BOM),
    UTF-16 with a BOM (Excel's "Unicode text"), or Windows-1252, what French accounting
    software writes. Bytes that fit none of them raise EncodingProblem."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in head:
        raise EncodingProblem(_("binary data, not a text file"), head.index(b"\x00"))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return "utf-8"  # a multi-byte character cut by the end of the sample
        if any(byte >= 0x80 for byte in head[:exc.start]):
            raise EncodingProblem(_("mixed encodings: UTF-8 text, then a byte 0x%(byte)02x "
                                    "that is not UTF-8") % {"byte": head[exc.start]},
                                  exc.start) from None
        return "cp1252"
    return "utf-8"


def detect_delimiter(header_line):
    """The separator of a CSV header line: the most frequent of ';', ',', tab and '|'."""
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


@dataclass
class Problem:
    """One reason a file cannot be imported, located as precisely as we can."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self):
        """`FILE, line N, column C: reason`, in the active language like the reason."""
        where = self.file
        if self.line:
            where = _("%(file)s, line %(line)s") % {"file": where, "line": self.line}
        if self.column:
            where = _("%(where)s, column %(column)s") % {"where": where, "column": self.column}
        return _("%(where)s: %(reason)s") % {"where": where, "reason": self.message}


# What a spreadsheet reads as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text):
    """`text` as a spreadsheet shows it and never runs it: a cell that would start a
    formula (`=cmd|' /C calc'!A0`, `+1`, `@SUM(...)`) gets a leading apostrophe, which
    Excel and LibreOffice read as "this is text" and do not display."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
