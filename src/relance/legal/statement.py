"""The statement of claim (décompte) of one customer on one date, computed without the
clock or the database: the invoices, what was allocated to them and the rates are
arguments (`claims.customer_statement` reads them from the ledger).

Choices (docs/legal.md, "Statement of claim", says why):

- The statement claims what is late on `as_of`: every invoice due before it with an
  open principal. Invoices not yet due (or due that very day) cannot be claimed: they
  are listed apart (`not_due`), outside the totals, so that the statement, a formal
  notice and a court's data claim one figure. Invoices paid in full are left out
  unless `include_paid_late=True`, and then only those paid late: their penalties and
  indemnity are still due (statutory penalties need no reminder).
- Payments and credit notes dated after `as_of` have not happened yet: ignored.
- A credit note allocated to an invoice corrects it: the principal is the amount incl.
  tax less the credit notes, and no penalty ever runs on the credited part. An open
  amount that the allocations do not explain (a balance imported without them) is
  treated the same way: the statement then claims less, never more.
- Payments are partial payments of `penalties.penalty`: the base falls the day after.
- Penalties run to `as_of` on an open invoice, to the last payment on one paid in full.
- The 40 indemnity is in euros (D441-5) whatever the invoice's currency: a line in
  another currency has its indemnity in the EUR totals.
- Every amount is a Decimal to the cent; each total is the sum of its lines.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from relance.legal.penalties import indemnity, penalty

ZERO = Decimal("0.00")
INDEMNITY_CURRENCY = "EUR"


@dataclass(frozen=True)
class Billed:
    """An invoice as the ledger holds it; `amount` includes tax."""
    number: str
    issue_date: dt.date
    due_date: dt.date
    amount: Decimal
    open_amount: Decimal
    currency: str = "EUR"


@dataclass(frozen=True)
class Received:
    """A payment, or a credit note when `credit_note` is True, allocated to `invoice`
    (its number) on `date`."""
    invoice: str
    date: dt.date
    amount: Decimal
    credit_note: bool = False
    reference: str = ""


@dataclass(frozen=True)
class Line:
    number: str
    issue_date: dt.date
    due_date: dt.date
    currency: str
    amount: Decimal          # incl. tax, as invoiced
    credited: Decimal        # credit notes allocated (and unexplained settlements)
    payments: tuple          # Received, oldest first
    days_late: int
    penalty: object          # penalties.Penalty
    indemnity: Decimal       # in euros

    @property
    def principal(self):
        return self.amount - self.credited

    @property
    def paid(self):
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def open(self):
        return self.principal - self.paid

    @property
    def penalties(self):
        return self.penalty.amount

    @property
    def claimed(self):
        """What this line claims in its own currency (the indemnity is in euros)."""
        return self.open + self.penalties + (
            self.indemnity if self.currency == INDEMNITY_CURRENCY else ZERO)


@dataclass
class Totals:
    currency: str
    principal: Decimal = ZERO
    payments: Decimal = ZERO
    open: Decimal = ZERO
    penalties: Decimal = ZERO
    indemnities: Decimal = ZERO

    @property
    def total(self):
        return self.open + self.penalties + self.indemnities

    def as_dict(self):
        return {"currency": self.currency, "principal": self.principal,
                "payments": self.payments, "open": self.open,
                "penalties": self.penalties, "indemnities": self.indemnities,
                "total": self.total}


@dataclass(frozen=True)
class Statement:
    as_of: dt.date
    lines: tuple
    totals: dict = field(default_factory=dict)    # currency -> Totals
    warnings: tuple = ()
    policy: object = None                          # penalties.Policy
    not_due: tuple = ()                            # Lines open but not late on as_of

    def totals_in(self, currency):
        return self.totals.get(currency) or Totals(currency)


def statement(invoices, payments, as_of, rates, *, policy, consumer, insolvent,
              include_paid_late=False):
    """The statement of claim on `as_of` of `invoices` (Billed) given `payments`
    (Received, payments and credit notes, keyed by invoice number).

    1. Keep, per invoice, what was allocated to it by `as_of`.
    2. Compute each line; claim it when it is late and open, or paid late and asked
       for; set it apart when it is open but not late yet.
    3. Add the claimed lines up per currency, the indemnities in euros.
    """
    received = defaultdict(list)
    for item in payments:
        received[item.invoice].append(item)
    lines, not_due = [], []
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        line = _line(invoice, received[invoice.number], as_of, rates, policy,
                     consumer, insolvent)
        if line is None:
            continue
        if line.open > 0 and invoice.due_date >= as_of:
            not_due.append(line)
        elif line.open > 0 or (include_paid_late and line.penalty.late):
            lines.append(line)
    return _statement(as_of, lines, policy, not_due)


def restricted(found, numbers):
    """The statement `found` with only the lines of the invoices `numbers`, its totals
    and warnings computed again: the claim once some lines are left out of it."""
    wanted = set(numbers)
    return _statement(found.as_of, [line for line in found.lines if line.number in wanted],
                      found.policy, [line for line in found.not_due if line.number in wanted])


def _statement(as_of, lines, policy, not_due):
    warnings = tuple(dict.fromkeys(w for line in lines for w in line.penalty.warnings))
    return Statement(as_of, tuple(lines), _totals(lines), warnings, policy, tuple(not_due))


def _line(invoice, received, as_of, rates, policy, consumer, insolvent):
    """The invoice's line, or None when credit notes cancelled all of it."""
    amount = Decimal(invoice.amount)
    credited = _unexplained(invoice, received) + sum(
        (Decimal(r.amount) for r in received if r.credit_note and r.date <= as_of), ZERO)
    principal = amount - credited
    if principal <= 0:
        return None
    paid = _capped(sorted((r for r in received if not r.credit_note and r.date <= as_of),
                          key=lambda r: r.date), principal)
    open_ = principal - sum((p.amount for p in paid), ZERO)
    until = as_of if open_ > 0 else paid[-1].date
    result = penalty(principal, invoice.due_date, until, rates, policy=policy,
                     partials=[(p.date, p.amount) for p in paid])
    return Line(invoice.number, invoice.issue_date, invoice.due_date, invoice.currency,
                amount, credited, tuple(paid), max(0, (until - invoice.due_date).days),
                result, indemnity(result.late, consumer=consumer, insolvent=insolvent))


def _unexplained(invoice, received):
    """What the ledger says was settled beyond every allocation, whatever its date (a
    balance imported without its allocations): it lowers the principal, as a credit."""
    allocated = sum((Decimal(r.amount) for r in received), ZERO)
    return max(ZERO, Decimal(invoice.amount) - allocated - Decimal(invoice.open_amount))


def _capped(paid, principal):
    """The payments, the last ones cut so that they never exceed the principal (an
    overpayment is unapplied cash, not part of this claim)."""
    kept, left = [], principal
    for item in paid:
        if left <= 0:
            break
        amount = min(Decimal(item.amount), left)
        kept.append(Received(item.invoice, item.date, amount, reference=item.reference))
        left -= amount
    return kept


def _totals(lines):
    totals = {}
    for line in lines:
        row = totals.setdefault(line.currency, Totals(line.currency))
        row.principal += line.principal
        row.payments += line.paid
        row.open += line.open
        row.penalties += line.penalties
        if line.indemnity:
            totals.setdefault(INDEMNITY_CURRENCY,
                              Totals(INDEMNITY_CURRENCY)).indemnities += line.indemnity
    return dict(sorted(totals.items(), key=lambda item: (item[0] != "EUR", item[0])))
