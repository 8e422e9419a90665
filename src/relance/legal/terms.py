"""Payment terms: the due date they give an invoice, and whether they stay within the
legal maximum (Code de commerce L441-10 and L441-11).

TERMS is written `net:N` (N days after the issue date), `eom45:A` (end of the invoice's
month, then 45 days), `eom45:B` (45 days, then end of that month) or `eom:N` (N days,
then end of that month). The two `eom45` methods are the two readings of "45 jours fin
de mois" the administration accepts; the contract says which one applies.
"""
import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_TERMS = re.compile(r"^(?:(net|eom):(\d{1,3})|eom45:([AB]))$", re.IGNORECASE)
MAX_DAYS = 60           # from the issue date
ROAD_TRANSPORT_DAYS = 30


@dataclass(frozen=True)
class Terms:
    kind: str            # net, eom or eom45
    days: int = 45
    method: str = ""     # A or B, for eom45

    def __str__(self):
        return f"eom45:{self.method}" if self.kind == "eom45" else f"{self.kind}:{self.days}"


def parse_terms(text):
    """Terms from their text; ValueError naming the accepted forms otherwise."""
    found = _TERMS.match(str(text).strip())
    if not found:
        raise ValueError(_("%(terms)r are not payment terms: write net:N, eom45:A, "
                           "eom45:B or eom:N") % {"terms": text})
    kind, days, method = found.groups()
    if method:
        return Terms("eom45", 45, method.upper())
    return Terms(kind.lower(), int(days))


def due_date(issued, terms):
    """The due date of an invoice issued on `issued` under `terms` (text or Terms).

    15 January 2025: net:30 -> 14 February, eom45:A -> 31 January + 45 days = 17 March,
    eom45:B -> 1 March, end of month = 31 March, eom:30 -> 14 February -> 28 February.
    """
    terms = parse_terms(terms) if isinstance(terms, str) else terms
    if terms.kind == "net":
        return issued + dt.timedelta(days=terms.days)
    if terms.kind == "eom45" and terms.method == "A":
        return end_of_month(issued) + dt.timedelta(days=45)
    return end_of_month(issued + dt.timedelta(days=terms.days))


def end_of_month(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def latest_due_date(issued, terms, *, road_transport=False):
    """The latest due date the law allows for `terms` on an invoice issued on `issued`.

    Road transport: 30 days from the issue date, whatever the terms. Net terms: 60
    days. End-of-month terms may also use the "45 days end of month" derogation, read
    either way, so their limit is the latest of the three dates.
    """
    if road_transport:
        return issued + dt.timedelta(days=ROAD_TRANSPORT_DAYS)
    sixty = issued + dt.timedelta(days=MAX_DAYS)
    if terms.kind == "net":
        return sixty
    return max(sixty, due_date(issued, Terms("eom45", 45, "A")),
               due_date(issued, Terms("eom45", 45, "B")))


def term_problem(issued, terms, *, road_transport=False):
    """Why `terms` exceed the legal maximum for an invoice issued on `issued`, or
    None when they do not."""
    terms = parse_terms(terms) if isinstance(terms, str) else terms
    due = due_date(issued, terms)
    latest = latest_due_date(issued, terms, road_transport=road_transport)
    if due <= latest:
        return None
    if road_transport:
        rule = _("30 days from the invoice date in road transport")
    elif terms.kind == "net":
        rule = _("60 days from the invoice date")
    else:
        rule = _("60 days from the invoice date or 45 days end of month")
    return (_("terms %(terms)s put the due date on %(due)s, after %(latest)s: the legal "
              "maximum is %(rule)s") % {"terms": terms, "due": due.isoformat(),
                                        "latest": latest.isoformat(), "rule": rule})
