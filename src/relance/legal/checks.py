"""Checks of what a company writes against the law: an invoice's own due date against
the legal maximum of payment terms (Code de commerce L441-10, L441-11), and the terms
of sale against the mentions they must carry (L441-9).

Pure functions: they take dates and text and return the problem, never read the
database. A problem is a warning for someone to decide; nothing is ever refused.
"""
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.legal.terms import Terms, latest_due_date, parse_terms, term_problem

# End-of-month terms have the widest limit: the latest of 60 days and both readings of
# "45 days end of month". An invoice does not say which terms gave its due date, so
# its due date is checked against that widest limit.
_WIDEST = Terms("eom", 45)


def invoice_term_problem(issue_date, due_date, *, road_transport=False):
    """Why an invoice issued on `issue_date` and due on `due_date` is due after the
    legal maximum, or None when it is not.

    The maximum is the latest of 60 days from the issue date and 45 days end of month
    by either method; in road transport 30 days from the issue date.
    """
    latest = latest_due_date(issue_date, _WIDEST, road_transport=road_transport)
    if due_date <= latest:
        return None
    if road_transport:
        rule = _("30 days from the invoice date in road transport")
    else:
        rule = _("60 days from the invoice date or 45 days end of month")
    return _("due on %(due)s, after %(latest)s: the legal maximum is %(rule)s") % {
        "due": due_date.isoformat(), "latest": latest.isoformat(), "rule": rule}


def customer_terms_problem(terms, *, road_transport=False):
    """Why a customer's TERMS text is refused, or None: not terms at all, or terms that
    put some invoice's due date after the legal maximum.

    End-of-month terms stay within the limit on some days and not on others (eom:60 is
    lawful on 15 January, not on 31 January), so every issue date of a leap year and
    of a common year is tried: together they hold every month length.
    """
    if not terms:
        return None
    try:
        parsed = parse_terms(terms)
    except ValueError as exc:
        return str(exc)
    for issued in _TWO_YEARS:
        problem = term_problem(issued, parsed, road_transport=road_transport)
        if problem:
            return _("on an invoice issued on %(issued)s, %(problem)s") % {
                "issued": issued.isoformat(), "problem": problem}
    return None


_TWO_YEARS = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(366 + 365)]


@dataclass(frozen=True)
class Mention:
    """A mention the terms of sale must carry, and the words that show it is there."""

    key: str
    label: str
    words: tuple            # any of these
    also: str = ""          # and this pattern too, when set

    def found_in(self, text):
        return (any(word in text for word in self.words)
                and (not self.also or re.search(self.also, text) is not None))


# Words are compared without accents and in lower case: "pénalités" reads "penalites".
MENTIONS = (
    Mention("penalty_rate", gettext_lazy("the late-penalty rate"), ("penalit", "penalt")),
    Mention("indemnity", gettext_lazy("the fixed indemnity of 40 EUR for recovery costs"),
            ("indemnite forfaitaire", "fixed indemnity", "recovery"), also=r"(?<!\d)40(?!\d)"),
    Mention("discount", gettext_lazy("the terms of discount for early payment"),
            ("escompte", "discount")),
)


def missing_mentions(text):
    """The mentions (Mention, in MENTIONS order) that the terms of sale `text` lack."""
    plain = _plain(text or "")
    return [mention for mention in MENTIONS if not mention.found_in(plain)]


def _plain(text):
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
