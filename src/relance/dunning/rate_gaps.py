"""No silent fallback rate: when the penalties a reminder would state use a half-year
whose rate is not in the table, the reminder waits in the review queue with the
warning, and the dashboard says so until the table is complete (docs/legal.md)."""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Min
from django.utils.translation import gettext as _

from relance.legal import rates as rate_tables
from relance.legal.companies import policy_of
from relance.legal.halfyears import HalfYear
from relance.legal.penalties import kind_label, latest_missing, needed_rate
from relance.ledger.models import Invoice, InvoiceKind, InvoiceStatus

# the tones whose documents state the late penalties and the indemnity
CLAIMING_TONES = frozenset({"firm", "formal_notice", "legal"})


@dataclass(frozen=True)
class RateGap:
    """The latest half-year some open invoice's penalties need a `kind` rate for, and
    which the table lacks."""
    half: HalfYear
    kind: str

    def covers(self, due_date):
        """Whether penalties on an invoice due then run through the missing half-year."""
        return HalfYear.of(due_date + dt.timedelta(days=1)) <= self.half

    @property
    def message(self):
        return (_("No %(kind)s rate for %(half)s in the rate table: the late penalties "
                  "would be computed with another half-year's rate. Enter it (Legal "
                  "rates in the admin, or `relance legal rates set`), then approve.")
                % {"kind": kind_label(self.kind), "half": self.half})


def rate_gap(company, today, rates=None):
    """The company's RateGap on `today`, or None when every half-year its open overdue
    invoices' penalties run through has its rate."""
    return gap_since(company, oldest_overdue(company, today), today, rates)


def oldest_overdue(company, today):
    """The due date of the company's oldest open overdue invoice, or None."""
    return (Invoice.objects.filter(company=company, status=InvoiceStatus.OPEN,
                                   kind=InvoiceKind.INVOICE, due_date__lt=today)
            .aggregate(oldest=Min("due_date"))["oldest"])


def gap_since(company, oldest, today, rates=None):
    """`rate_gap` for penalties running from the day after `oldest` (None: nothing
    overdue) to `today`."""
    if oldest is None:
        return None
    rates = rate_tables.load() if rates is None else rates
    kind = needed_rate(policy_of(company))
    gap = RateGap(latest_missing(rates, kind, today), kind)
    return gap if gap.covers(oldest) else None


def hold_for_rates(drafts, gap):
    """Send to review, with the gap's warning, the drafts whose documents would state
    penalties over the missing half-year; their other overdue invoices are attached."""
    if gap is None:
        return
    for draft in drafts:
        if draft.texts.tone not in CLAIMING_TONES:
            continue
        planned = draft.planned
        oldest = min([r.invoice.due_date for r in planned.reached]
                     + [i.due_date for i in planned.others])
        if gap.covers(oldest):
            draft.warning = gap.message
