"""Half-years, the periods French late-payment rates are published for: the first runs
from 1 January to 30 June, the second from 1 July to 31 December."""
import datetime as dt
import re
from typing import NamedTuple

_TEXT = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)


class HalfYear(NamedTuple):
    year: int
    half: int   # 1 or 2

    @classmethod
    def of(cls, day):
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, text):
        """`2025-H1` (or `2025H1`, `2025-h1`); ValueError otherwise."""
        found = _TEXT.match(text.strip())
        if not found:
            raise ValueError(f"{text!r} is not a half-year (YYYY-H1 or YYYY-H2)")
        return cls(int(found.group(1)), int(found.group(2)))

    @property
    def start(self):
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self):
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def __str__(self):
        return f"{self.year}-H{self.half}"
