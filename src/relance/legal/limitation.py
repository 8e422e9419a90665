"""Limitation of a commercial claim (Code de commerce L110-4): five years from the due
date. A partial payment (or an acknowledgement of the debt) interrupts it: a new five
years runs from that day (Code civil 2240, 2231).

A period in years ends on the same date of the last year, or the last day of the month
when that date does not exist (29 February -> 28 February; Code de procédure civile
641). The claim can still be brought on the limitation date, not after it.

Pure: dates in, dates out. What counts as an interruption on a customer's file, and
the invoices whose limitation approaches, are read from the ledger by
`relance.recovery.limitation`.
"""
import calendar

YEARS = 5


def limitation_date(due_date, last_interruption=None):
    """The last day on which the claim of an invoice due on `due_date` can be brought,
    five years after the due date or after the last interruption when later."""
    start = max(due_date, last_interruption) if last_interruption else due_date
    return years_after(start, YEARS)


def last_interruption(*days):
    """The latest of the interruptions' dates (payments, acknowledgements), or None."""
    known = [day for day in days if day is not None]
    return max(known) if known else None


def years_after(day, years):
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))
