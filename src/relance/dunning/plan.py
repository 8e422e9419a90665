"""The day's plan: everything the daily run decides, as one value, before it writes.

`run.decide` loads the ledger, asks the planner and builds a `DunningPlan`; `record`
writes it. Pure: no query, no clock. The plan is built from what was loaded and says:

1. the drafts: one per customer, step and currency whose invoices reach that step on
   the day, routed to a channel and a contact;
2. which of them are new actions (`fresh`) and which join an action the customer
   already has that day, still open (`joining`); the others wait for the next run,
   since the database allows one action per customer, step, currency and day;
3. each draft's other overdue invoices (`drafts_with_others`);
4. the progress to store: each invoice's new place in its scenario and the next day
   it may need something (`progress`).

Points 3 and 4 are derived from the rest and worked out when first asked rather than
when the plan is made: `record` asks after sending the action lines and events, which
need neither, so that SQLite writes those on the other core meanwhile.
"""
import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

from relance.dunning.conversation import floor_after
from relance.dunning.models import ActionStatus
from relance.dunning.planner import NEVER, advanced, attach_others, next_date


@lru_cache(maxsize=4096)
def json_text(text):
    return json.dumps(text)


class StepTexts(NamedTuple):
    """What every action of a step writes the same way, computed once per run."""
    id: int
    tone: str
    status: str
    copy_sales_rep: bool
    channel: str
    summary_head: str    # the summary's JSON up to its invoices
    event_names: str     # the event data's step and scenario, as JSON


def step_texts(step):
    status = (ActionStatus.AWAITING_APPROVAL if step.needs_approval
              else ActionStatus.PLANNED)
    scenario, name = json_text(step.scenario.name), json_text(step.name)
    return StepTexts(step.id, step.tone, status, step.copy_sales_rep, step.channel,
                     f'{{"scenario": {scenario}, "step": {name}, "invoices": [',
                     f'"step": {name}, "scenario": {scenario}')


@dataclass(slots=True)
class ActionDraft:
    """A planned action with what the database row needs, before it is written."""
    planned: object          # planner.PlannedAction
    step: object             # the Step
    texts: StepTexts
    channel: str
    contact_id: int | None
    numbers: dict            # invoice id -> number
    day: dt.date             # the date the action is for
    key: tuple = None        # (customer id, step id, currency): one action per day
    warning: str = ""        # why it waits for review although its step does not ask

    def __post_init__(self):
        self.key = (self.planned.customer_id, self.step.id, self.planned.currency)

    def summary_json(self):
        """The snapshot stored with the action, as the JSON text written: the ids of
        the invoices it is about and of the customer's other overdue invoices
        (`snapshots`); its lines hold the amounts and days late it saw. The one
        serialisation of a summary: `record` writes it, `summary` reads it back. Built
        from the step's texts: a first run writes a hundred thousand of them."""
        texts, planned = self.texts, self.planned
        concerned = ", ".join([str(r.invoice.id) for r in planned.reached])
        others = ", ".join([str(i.id) for i in planned.others])
        tail = (f', "rerouted_from": {json_text(texts.channel)}'
                if self.channel != texts.channel else "")
        return f'{texts.summary_head}{concerned}], "others": [{others}]{tail}}}'

    @property
    def summary(self):
        """The summary as the action's row will hold it (previews)."""
        return json.loads(self.summary_json())

    @property
    def invoice_numbers(self):
        """The numbers of the invoices the action is about, in order."""
        numbers = self.numbers
        return [numbers[r.invoice.id] for r in self.planned.reached]

    @property
    def step_label(self):
        return f"{self.step.scenario.name} / {self.step.name}"

    @property
    def status(self):
        return ActionStatus.AWAITING_APPROVAL if self.warning else self.texts.status


def drafts(dated_actions, steps, routes, numbers):
    """ActionDrafts for planned actions given as (day, PlannedAction) pairs; `steps`:
    step id -> Step; `routes`: (customer id, recipient roles, channel) -> (channel
    taken, contact id)."""
    texts = {sid: step_texts(step) for sid, step in steps.items()}
    roles = {sid: tuple(step.roles) for sid, step in steps.items()}
    result = []
    for day, planned in dated_actions:
        step = steps[planned.step.id]
        result.append(ActionDraft(planned, step, texts[step.id],
                                  *routes[planned.customer_id, roles[step.id], step.channel],
                                  numbers, day))
    return result


@dataclass(frozen=True)
class Ledger:
    """What the planner read for a company (or one of its customers) on a date."""
    invoices: list           # OpenInvoice
    numbers: dict            # invoice id -> number
    scenario_of: dict        # customer id -> ScenarioRule
    rules: dict              # scenario id -> ScenarioRule


@dataclass(frozen=True)
class DunningPlan:
    """What the run decides for one day (the module's docstring)."""
    as_of: dt.date
    day: dt.date             # the business day the actions are for
    drafts: tuple            # ActionDraft, in the planner's order
    stopped: Counter         # stop reason -> invoices it stopped
    below_minimum: int       # actions left out: under their step's minimum amount
    held: list               # (invoice, day): held back by the conversation rules till then
    rules: object            # conversation.Rules
    existing: dict           # (customer, step, currency) -> (action id, still open)
    ledger: Ledger
    overdue: list            # the invoices the drafts' other overdue ones are among
    calendar: object
    signature: dict          # what the progress is computed under (loading)
    first_run: bool          # no invoice had progress before

    @property
    def fresh(self):
        """The drafts that become new actions."""
        return [d for d in self.drafts if d.key not in self.existing]

    @property
    def joining(self):
        """The drafts whose invoices join the customer's open action of the day."""
        existing = self.existing
        return [d for d in self.drafts if existing.get(d.key, (0, False))[1]]

    @property
    def recorded(self):
        """The drafts a run records: new actions, then those joining one."""
        return self.fresh + self.joining

    @cached_property
    def drafts_with_others(self):
        """The drafts, each listing its customer's other overdue invoices."""
        attach_others([d.planned for d in self.drafts], self.overdue, self.day)
        return self.drafts

    @property
    def waiting(self):
        return len(self.held)

    @cached_property
    def progress(self):
        """{progress row but for its invoice: [invoice ids]} to store (`progress_rows`)."""
        return progress_rows(self.recorded, self.ledger, self.day, self.calendar, self.held,
                             self.rules)


def progress_rows(recorded, ledger, day, calendar, held=(), rules=None):
    """Each invoice's new place in its scenario and the next day it may need
    something, as {row but for its invoice: [invoice ids]}; the same refreshed for
    the invoices read because it was out of date. An invoice the conversation rules
    held back keeps its place, and is read again on the day they may let it through
    (a contact recorded since only holds it again); with `rules`, one that went with
    a contact is read again no sooner than they may let its next step through."""
    groups = defaultdict(list)
    acted, memo, taken = set(), {}, {}
    for invoice, until in held:
        scenario = ledger.scenario_of.get(invoice.customer_id)
        if invoice.progress is not None and scenario is not None \
                and invoice.progress.scenario_id == scenario.id:
            acted.add(invoice.id)
            groups[_held_row(invoice, scenario, calendar.on_or_after(until))].append(
                invoice.id)
    for d in recorded:
        scenario = ledger.rules[d.planned.scenario_id]
        lead = d.planned.step
        floor = rules and floor_after(lead, day, rules)
        for r in d.planned.reached:
            invoice = r.invoice
            acted.add(invoice.id)
            # the same step taken the same way by invoices due the same day: same row
            key = (scenario.id, r.step.id, r.occurrence,
                   r.occurrence and invoice.progress.reached_on, invoice.due_date, lead.id)
            invoices = taken.get(key)
            if invoices is None:
                invoices = taken[key] = groups[_progress_row(
                    advanced(r, scenario.id, day), invoice.due_date, scenario, calendar, memo,
                    floor and (lead.id, floor))]
            invoices.append(invoice.id)
    for invoice in ledger.invoices:
        if invoice.progress is None or invoice.id in acted:   # most, on a first run
            continue
        scenario = ledger.scenario_of.get(invoice.customer_id)
        if _stale(invoice, scenario):
            groups[_progress_row(invoice.progress, invoice.due_date, scenario, calendar,
                                 memo)].append(invoice.id)
        elif _moved(invoice, scenario):
            groups[_to_recompute(invoice.progress)].append(invoice.id)
    return dict(groups)


def _progress_row(progress, due_date, scenario, calendar, memo, floor=None):
    """The progress row to store, but for its first column (the invoice); `memo` shares
    the work between invoices in the same place of the same scenario with the same due
    date, which is most of them. `floor`: (its key, conversation.floor_after's)."""
    key = (scenario.id, progress.position, progress.reached_on, progress.last_on,
           progress.repeats, due_date, floor and floor[0])
    row = memo.get(key)
    if row is None:
        upcoming = next_date(scenario, progress, due_date, calendar,
                             floor and floor[1]) or NEVER
        row = memo[key] = (progress.scenario_id, progress.position,
                           progress.reached_on.isoformat(), progress.last_on.isoformat(),
                           progress.repeats, upcoming.isoformat(), due_date.isoformat(),
                           scenario.fingerprint)
    return row


def _held_row(invoice, scenario, until):
    """The progress row as it is, its next date the day the invoice may go."""
    progress = invoice.progress
    return (progress.scenario_id, progress.position, progress.reached_on.isoformat(),
            progress.last_on.isoformat(), progress.repeats, until.isoformat(),
            invoice.due_date.isoformat(), scenario.fingerprint)


def _moved(invoice, scenario):
    """An invoice whose customer now follows another scenario, with nothing due in it
    yet: read again every day until its first step there (its next date is cleared)."""
    progress = invoice.progress
    return (scenario is not None and progress.scenario_id != scenario.id
            and progress.next_on is not None)


def _to_recompute(progress):
    """The progress row as it is, but for its next date, cleared."""
    return (progress.scenario_id, progress.position, progress.reached_on.isoformat(),
            progress.last_on.isoformat(), progress.repeats, None,
            progress.due_date and progress.due_date.isoformat(), progress.rules)


def _stale(invoice, scenario):
    """Progress under the invoice's current scenario whose stored next date was
    computed from other rules or another due date (a stopped invoice too: its next
    date stays valid once the stop ends)."""
    progress = invoice.progress
    return (progress is not None and scenario is not None
            and progress.scenario_id == scenario.id
            and (progress.rules != scenario.fingerprint or progress.due_date != invoice.due_date
                 or progress.next_on is None))


@dataclass(frozen=True)
class RunResult:
    """What a run did (or, dry, would do): its plan and the drafts it acted on."""
    plan: DunningPlan
    dry_run: bool
    actions: list            # ActionDraft: all the plan's on a dry run, else recorded
    seconds: float = 0.0
    run: object = None       # the Run row written, unless dry

    as_of = property(lambda self: self.plan.as_of)
    day = property(lambda self: self.plan.day)
    stopped = property(lambda self: self.plan.stopped)
    below_minimum = property(lambda self: self.plan.below_minimum)
    waiting = property(lambda self: self.plan.waiting)

    @property
    def by_channel(self):
        return dict(sorted(Counter(a.channel for a in self.actions).items()))

    @property
    def by_step(self):
        return dict(sorted(Counter(a.step_label for a in self.actions).items()))

    def as_json(self):
        return {"as_of": self.as_of.isoformat(), "for_day": self.day.isoformat(),
                "dry_run": self.dry_run,
                "actions": len(self.actions), "by_channel": self.by_channel,
                "by_step": self.by_step, "stopped": dict(sorted(self.stopped.items())),
                "below_minimum": self.below_minimum, "waiting": self.waiting,
                "seconds": round(self.seconds, 3)}
