"""The planner, invoice by invoice: given the open invoices, their scenarios and a
date, find the step each one has reached that day. Pure: no database, no clock; the
daily run loads the data, calls `conversation.plan` (which asks `candidates` here and
then applies the rules per customer), and writes the result.

Rules, in order, for each open invoice:

1. An invoice with a stop reason (paid, handed over to an agency, disputed, on hold,
   promised, in a payment plan, declared paid, customer on hold) gets nothing; the
   reason is counted.
2. An invoice that never went through its current scenario goes straight to the latest
   step already due, instead of replaying the earlier ones.
3. Otherwise it advances to the next step once that step's date has come, at most one
   step per run and per day; a step with a repeat interval is repeated while the next
   one is not due.
4. Every step date falls on a business day (weekends and French public holidays move
   to the next one). A run on a day that is not one plans for the next business day,
   as if it ran that day: the actions are dated that day, and the run of that day then
   finds them done.
5. The invoices of one customer that reach the same step on the same day, in the same
   currency, make one group; a step acts only when the amount concerned reaches its
   minimum. `conversation` then makes one contact of a customer's groups.
"""
import datetime as dt
import hashlib
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

DUE_DATE = "due_date"
PREVIOUS_STEP = "previous_step"
NEVER = dt.date(9999, 12, 31)   # the next date of an invoice its scenario has finished with

# What a step says to the debtor, by its channel and tone (conversation.py's rules)
CONTACT_CHANNELS = frozenset({"email", "letter", "registered_letter", "call"})
WRITTEN_CHANNELS = frozenset({"email", "letter", "registered_letter"})
ESCALATING_CHANNELS = frozenset({"call", "registered_letter"})
ESCALATING_TONES = frozenset({"formal_notice", "legal"})


def is_contact(channel):
    """Emails, letters and calls reach the debtor; a task is internal."""
    return channel in CONTACT_CHANNELS


def escalates(step):
    """A call, a registered letter, or a step of the formal notice or legal tone."""
    return step.channel in ESCALATING_CHANNELS or step.tone in ESCALATING_TONES


def preventive(step):
    """Sent before the due date: a courtesy, not a reminder of a debt."""
    return step.trigger == DUE_DATE and step.days < 0


def reminds_in_writing(step):
    return step.channel in WRITTEN_CHANNELS and not preventive(step)


@dataclass(frozen=True, slots=True)
class StepRule:
    id: int
    position: int
    trigger: str
    days: int
    channel: str = "email"
    min_amount: Decimal = Decimal(0)
    needs_approval: bool = False
    repeat_every_days: int | None = None
    tone: str = "courteous"


@dataclass(frozen=True)
class ScenarioRule:
    id: int
    steps: tuple  # StepRule, ordered by position

    @cached_property
    def fingerprint(self):
        """A stable 63-bit digest of the steps: progress computed under other rules is
        recognised and recomputed."""
        digest = hashlib.blake2b(repr(self.steps).encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") >> 1

    @cached_property
    def due_offsets(self):
        """The steps' day offsets when all count from the due date in increasing order
        (the usual case, which `first_step` answers with a bisection), else None."""
        offsets = [s.days for s in self.steps]
        if all(s.trigger == DUE_DATE for s in self.steps) and offsets == sorted(offsets):
            return offsets
        return None

    def after(self, position):
        for step in self.steps:
            if step.position > position:
                return step
        return None

    def at(self, position):
        for step in self.steps:
            if step.position == position:
                return step
        return None

    def by_id(self, step_id):
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    def written_before(self, position):
        """The last written reminder before `position` (conversation rule 3), or None."""
        found = None
        for step in self.steps:
            if step.position >= position:
                break
            if reminds_in_writing(step) and not escalates(step):
                found = step
        return found


@dataclass(frozen=True, slots=True)
class Progress:
    scenario_id: int
    position: int
    reached_on: dt.date
    last_on: dt.date
    repeats: int = 0
    # what the stored next date was computed from (None when not stored yet)
    next_on: dt.date | None = None
    due_date: dt.date | None = None
    rules: int | None = None


@dataclass(slots=True)
class OpenInvoice:
    id: int
    customer_id: int
    currency: str
    due_date: dt.date
    open_amount: Decimal
    progress: Progress | None = None
    stop: str | None = None


class Reached(NamedTuple):
    """One invoice taking one step (its `occurrence`-th repeat; 0 the first time).
    A named tuple: a first run makes one per invoice, and a frozen dataclass takes
    three times as long to build."""
    invoice: OpenInvoice
    step: StepRule
    occurrence: int


def next_date(scenario, progress, due_date, calendar, floor=None):
    """The first business day on which `next_step` may act again for an invoice at
    `progress`, or None when its scenario has nothing more for it. `floor`: step ->
    the first day the conversation rules may let it through (or None), when known."""
    candidates = []
    following = scenario.after(progress.position)
    if following is not None:
        base = due_date if following.trigger == DUE_DATE else progress.reached_on
        on = base + dt.timedelta(days=following.days)
        candidates.append(calendar.on_or_after(_floored(on, following, floor)))
    current = scenario.at(progress.position)
    if current is not None and current.repeat_every_days:
        again = progress.last_on + dt.timedelta(days=current.repeat_every_days)
        candidates.append(calendar.on_or_after(_floored(again, current, floor)))
    if not candidates:
        return None
    return calendar.on_or_after(max(min(candidates), progress.last_on + dt.timedelta(days=1)))


def _floored(day, step, floor):
    least = floor and floor(step)
    return day if least is None else max(day, least)


def advanced(reached, scenario_id, as_of):
    """The invoice's progress once it has taken `reached` on `as_of`."""
    if reached.occurrence == 0:
        return Progress(scenario_id, reached.step.position, as_of, as_of, 0)
    return Progress(scenario_id, reached.step.position, reached.invoice.progress.reached_on,
                    as_of, reached.occurrence)


@dataclass(slots=True)
class PlannedAction:
    customer_id: int
    currency: str
    scenario_id: int
    step: StepRule
    reached: list
    others: list = field(default_factory=list)
    amount: Decimal = field(init=False)   # of the invoices reached, summed once

    def __post_init__(self):
        self.amount = sum([r.invoice.open_amount for r in self.reached], Decimal(0))

    @property
    def overdue_total(self):
        return self.amount + sum([i.open_amount for i in self.others], Decimal(0))


@dataclass
class Plan:
    actions: list
    stopped: Counter
    day: dt.date             # the business day the actions are for
    below_minimum: int = 0
    held: list = field(default_factory=list)   # (invoice, day) the conversation held back

    @property
    def waiting(self):
        return len(self.held)


def step_dates(scenario, invoice, calendar):
    """Yield (step, date) through the scenario as if each step were taken on its date:
    the dates a never-reminded invoice would have had."""
    previous = invoice.due_date
    for step in scenario.steps:
        base = invoice.due_date if step.trigger == DUE_DATE else previous
        previous = calendar.on_or_after(base + dt.timedelta(days=step.days))
        yield step, previous


def first_step(scenario, invoice, as_of, calendar):
    """The latest step whose date has come, for an invoice new to this scenario."""
    offsets = scenario.due_offsets
    if offsets is not None:
        k = bisect_right(offsets, (as_of - invoice.due_date).days) - 1
        # a nominal date on or before as_of may still move past it to a business day
        while k >= 0 and calendar.on_or_after(
                invoice.due_date + dt.timedelta(days=offsets[k])) > as_of:
            k -= 1
        return None if k < 0 else (scenario.steps[k], 0)
    latest = None
    for step, on in step_dates(scenario, invoice, calendar):
        if on > as_of:
            break
        latest = step
    return None if latest is None else (latest, 0)


def next_step(scenario, invoice, as_of, calendar):
    """(step, occurrence) the invoice must take on `as_of`, or None."""
    progress = invoice.progress
    if progress is None or progress.scenario_id != scenario.id:
        return first_step(scenario, invoice, as_of, calendar)
    if progress.last_on >= as_of:
        return None
    following = scenario.after(progress.position)
    if following is not None:
        base = invoice.due_date if following.trigger == DUE_DATE else progress.reached_on
        if calendar.on_or_after(base + dt.timedelta(days=following.days)) <= as_of:
            return following, 0
    current = scenario.at(progress.position)
    if current is not None and current.repeat_every_days:
        again = progress.last_on + dt.timedelta(days=current.repeat_every_days)
        if calendar.on_or_after(again) <= as_of:
            return current, progress.repeats + 1
    return None


def candidates(invoices, scenario_of, as_of, calendar):
    """The steps due on `as_of`, or on the next business day if it is not one, invoice
    by invoice and grouped per customer, currency and step, before the conversation
    rules (`conversation.plan`) choose which are taken.

    invoices: a list of OpenInvoice (open, not credit notes); scenario_of: customer id ->
    ScenarioRule (customers without one get nothing). The actions' `others` are left
    to `attach_others`, which may need more invoices than the ones planned.
    """
    as_of = calendar.on_or_after(as_of)
    groups = defaultdict(list)
    stopped = Counter()
    firsts = {}   # (scenario id, due date) -> first_step: invoices share due dates
    for invoice in invoices:
        if invoice.stop:
            stopped[invoice.stop] += 1
            continue
        scenario = scenario_of.get(invoice.customer_id)
        if scenario is None:
            continue
        progress = invoice.progress
        if progress is None or progress.scenario_id != scenario.id:
            key = (scenario.id, invoice.due_date)
            if key not in firsts:
                firsts[key] = first_step(scenario, invoice, as_of, calendar)
            decision = firsts[key]
        else:
            decision = next_step(scenario, invoice, as_of, calendar)
        if decision:
            step, occurrence = decision
            groups[invoice.customer_id, invoice.currency, scenario.id, step.id].append(
                Reached(invoice, step, occurrence))
    result = Plan(actions=[], stopped=stopped, day=as_of)
    for (customer_id, currency, scenario_id, _), reached in groups.items():
        step = reached[0].step
        action = PlannedAction(customer_id, currency, scenario_id, step, reached)
        if step.min_amount and action.amount < step.min_amount:
            result.below_minimum += 1
        else:
            result.actions.append(action)
    result.actions.sort(key=lambda a: (a.customer_id, a.currency, a.step.position))
    return result


def attach_others(actions, invoices, as_of):
    """List on each action the customer's other overdue invoices in its currency, among
    `invoices` (stopped ones are left out: a disputed invoice is not claimed)."""
    wanted = {(a.customer_id, a.currency) for a in actions}
    overdue = defaultdict(list)
    for invoice in invoices:
        if invoice.due_date < as_of and not invoice.stop:
            key = invoice.customer_id, invoice.currency
            if key in wanted:
                overdue[key].append(invoice)
    for action in actions:
        candidates = overdue.get((action.customer_id, action.currency))
        if candidates:
            concerned = {r.invoice.id for r in action.reached}
            action.others = [i for i in candidates if i.id not in concerned]


def next_event(scenario, invoice, day, calendar):
    """The first business day after `day` on which the invoice may take a step if
    nothing changes, or None when its scenario has nothing more for it."""
    progress = invoice.progress
    if progress is None or progress.scenario_id != scenario.id:
        return next((on for _, on in step_dates(scenario, invoice, calendar) if on > day),
                    None)
    return next_date(scenario, progress, invoice.due_date, calendar)


def copy(invoice):
    """The invoice, to be moved through its scenario without touching the original."""
    return OpenInvoice(invoice.id, invoice.customer_id, invoice.currency, invoice.due_date,
                       invoice.open_amount, invoice.progress, invoice.stop)
