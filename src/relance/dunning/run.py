"""The daily run: load the ledger, ask the planner, write the actions.

`relance run`, the built-in scheduler and the button in the UI all call `run_dunning`.
Everything happens in one transaction that first locks the company row, so two runs of
the same company never interleave; the unique constraints on actions and action lines
are the last word if anything else writes concurrently.
"""
import datetime as dt
import json
import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from relance.db.batch import (
    analyze, background_writes, paused_gc, unchecked_sqlite_foreign_keys, wide_sqlite_cache,
)
from relance.db.writer import TableWriter
from relance.dunning import loading
from relance.dunning.defaults import ensure_scenarios
from relance.dunning.assignment import scenario_rules
from relance.dunning.calendar import BusinessCalendar
from relance.dunning.models import (
    Action, ActionInvoice, ActionKind, ActionStatus, InvoiceProgress, Run, Step,
)
from relance.dunning.planner import advanced, attach_others, next_date, plan
from relance.dunning.recipients import route
from relance.dunning.snapshots import other_ids
from relance.delivery import outbox
from relance.ledger.models import Company, Event

logger = logging.getLogger("relance.dunning")
ACTOR = "dunning run"
RUN_CACHE_KIB = 64_000    # SQLite page cache during a run: its writes hit big indexes


@dataclass
class RunResult:
    as_of: object
    dry_run: bool
    actions: list = field(default_factory=list)   # ActionDraft
    stopped: Counter = field(default_factory=Counter)
    below_minimum: int = 0
    day: object = None        # the business day the actions are for
    seconds: float = 0.0
    ledger: object = None     # what the planner read, for recording its progress
    others: list = None       # the invoices to attach_others from, if not attached yet
    calendar: object = None
    run: Run | None = None

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
                "below_minimum": self.below_minimum,
                "seconds": round(self.seconds, 3)}


@dataclass(slots=True)
class ActionDraft:
    """A planned action with what the database row needs, before it is written. The
    summary is built only when asked (previews): the run writes its JSON straight from
    the step's texts (`_summary_json`) for a hundred thousand drafts at once."""
    planned: object          # planner.PlannedAction
    step: Step
    channel: str
    contact_id: int | None
    numbers: dict            # invoice id -> number
    day: object = None       # the date the action is for
    key: tuple = None        # (customer id, step id, currency): one action per day

    def __post_init__(self):
        self.key = (self.planned.customer_id, self.step.id, self.planned.currency)

    @property
    def summary(self):
        """The snapshot stored with the action: the ids of the invoices it is about
        and of the customer's other overdue invoices (`snapshots`); its lines hold the
        amounts and days late it saw."""
        summary = {
            "scenario": self.step.scenario.name, "step": self.step.name,
            "invoices": [r.invoice.id for r in self.planned.reached],
            "others": [i.id for i in self.planned.others],
        }
        if self.channel != self.step.channel:
            summary["rerouted_from"] = self.step.channel
        return summary

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
        return (ActionStatus.AWAITING_APPROVAL if self.step.needs_approval
                else ActionStatus.PLANNED)


def run_dunning(company, as_of, *, dry_run=False, origin="cli", user=None):
    """Plan the day's actions for one company and, unless `dry_run`, record them."""
    started = time.perf_counter()
    with (paused_gc(), wide_sqlite_cache(RUN_CACHE_KIB), unchecked_sqlite_foreign_keys(),
          transaction.atomic()):
        Company.objects.select_for_update().filter(pk=company.pk).first()
        ensure_scenarios(company)
        result = _decide(company, as_of, dry_run)
        if dry_run:
            transaction.set_rollback(True)  # not even the shipped scenarios stay
        else:
            _record(company, result, origin, user)
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class Ledger:
    """The planner's inputs for a company (or one of its customers) on a date."""
    invoices: list
    numbers: dict
    scenario_of: dict        # customer id -> ScenarioRule
    rules: dict              # scenario id -> ScenarioRule
    reader: loading.InvoiceReader


def load(company, as_of, customer_id=None, ahead_days=0, incremental=False):
    """Open invoices due by `as_of + ahead_days` plus the preventive horizon; with
    `incremental`, only those that may need something on `as_of`."""
    rules = scenario_rules(company)
    customer_ids = None if customer_id is None else [customer_id]
    reader = loading.InvoiceReader(company, as_of, rules,
                                   loading.last_signature(company) if incremental else None,
                                   customer_ids)
    horizon = max([0] + [-s.days for r in rules.values() for s in r.steps]) + ahead_days
    invoices = reader.due_by(as_of + dt.timedelta(days=horizon), customer_ids, incremental)
    scenario_of = {cid: rules[sid] for cid, sid in reader.scenario_of.items()
                   if sid in rules}
    return Ledger(invoices, reader.numbers, scenario_of, rules, reader)


def _decide(company, as_of, dry_run):
    started = time.perf_counter()
    calendar = BusinessCalendar.around(as_of)
    day = calendar.on_or_after(as_of)
    ledger = load(company, day, incremental=True)
    loaded = time.perf_counter()
    decided = plan(ledger.invoices, ledger.scenario_of, day, calendar)
    customers = {a.customer_id for a in decided.actions}
    others = ledger.reader.overdue_of(customers, ledger.invoices)
    logger.info("dunning %s: %d open invoices loaded in %.2f s, planned in %.2f s",
                day, len(ledger.invoices), loaded - started, time.perf_counter() - loaded)
    drafts = drafts_for(company, [(day, a) for a in decided.actions], ledger.numbers)
    result = RunResult(as_of, dry_run, drafts, decided.stopped, decided.below_minimum, day)
    result.ledger, result.calendar = ledger, calendar
    if dry_run:
        attach_others(decided.actions, others, day)
    else:   # while the first writes go (`_record`): a second on a first run
        result.others = others
    return result


@lru_cache(maxsize=4096)
def _js(text):
    return json.dumps(text)


def drafts_for(company, dated_actions, numbers):
    """ActionDrafts for planned actions given as (day, PlannedAction) pairs."""
    steps = {s.id: s for s in Step.objects.filter(scenario__company=company)
             .select_related("scenario")}
    roles = {sid: tuple(step.roles) for sid, step in steps.items()}
    needs = {}   # customer id -> {(recipient roles, channel)} of its actions
    for _, planned in dated_actions:
        step = steps[planned.step.id]
        needs.setdefault(planned.customer_id, set()).add((roles[step.id], step.channel))
    routes = {}   # one route per customer, recipient roles and channel
    for customer_id, cards in loading.contacts_by_customer(needs, company):
        _route(routes, customer_id, cards, needs.pop(customer_id))
    for customer_id, wanted in needs.items():   # the customers without contacts
        _route(routes, customer_id, (), wanted)
    drafts = []
    for day, planned in dated_actions:
        step = steps[planned.step.id]
        drafts.append(ActionDraft(planned, step,
                                  *routes[planned.customer_id, roles[step.id], step.channel],
                                  numbers, day))
    return drafts


def _route(routes, customer_id, cards, wanted):
    for roles, channel in wanted:
        channel_taken, contact = route(cards, roles, channel)
        routes[customer_id, roles, channel] = (channel_taken, contact and contact.id)


def _record(company, result, origin, user):
    """Write the run, its actions, their lines, the invoices' progress and the timeline.

    An invoice that reaches a step for which the customer already has an action that
    day (planned by an earlier run, before the invoice was imported) joins that action
    while it is still open; once it is done or cancelled the invoice waits for the next
    run, since the database allows one action per customer, step, currency and day."""
    now = timezone.now()
    run = Run.objects.create(company=company, as_of=result.as_of, started_at=now,
                             origin=origin, triggered_by=user)
    existing = _existing_actions(company, result.day)
    fresh = [d for d in result.actions if d.key not in existing]
    joining = [d for d in result.actions if existing.get(d.key, (0, False))[1]]
    result.actions = fresh + joining
    pks = TableWriter(Action, ["company"]).reserve_ids(len(fresh))
    ids = {key: pk for key, (pk, _) in existing.items()}
    ids.update((d.key, pk) for pk, d in zip(pks, fresh))
    # from here to the end of the block this thread only builds rows (see
    # background_writes): on SQLite another one writes them meanwhile
    with background_writes() as sink:
        writer = _RowWriter(company, run, result.day, now, sink)
        planned = list(zip(pks, fresh))
        # the lines and events need only the plan and the routes: SQLite writes them
        # while the progress is worked out and the other overdue invoices attached
        for chunk in _chunks(planned):
            writer.lines_and_events(chunk, "action.planned")
        for chunk in _chunks(joining):
            writer.lines_and_events([(ids[d.key], d) for d in chunk], "action.extended")
        _advance(result, sink)
        if result.others is not None:
            attach_others([d.planned for d in result.actions], result.others, result.day)
        for chunk in _chunks(planned):
            writer.actions_of(chunk)
            # their messages, by SQLite alone while the next chunk is built
            outbox.enqueue_planned(run, result.day, (chunk[0][0], chunk[-1][0]), sink)
    _extend(joining, ids)
    run.actions = len(result.actions)
    # what the progress written now was computed under: the next run trusts it while
    # that holds (loading's docstring)
    run.summary = {**result.as_json(), "signature": result.ledger.reader.assignment.signature()}
    run.finished_at = timezone.now()
    run.save(update_fields=["actions", "summary", "finished_at"])
    result.run = run


def _existing_actions(company, day):
    """(customer, step, currency) -> (id, still open) of the day's scheduled actions."""
    rows = (Action.objects.filter(company=company, planned_on=day,
                                  kind=ActionKind.SCHEDULED)
            .values_list("id", "customer_id", "step_id", "currency", "status"))
    open_states = {ActionStatus.AWAITING_APPROVAL, ActionStatus.PLANNED}
    return {(c, s, cur): (pk, status in open_states) for pk, c, s, cur, status in rows}


def _chunks(items, size=5_000):
    for start in range(0, len(items), size):
        yield items[start:start + size]


class StepTexts(NamedTuple):
    """What every action of a step writes the same way, computed once per run."""
    id: int
    tone: str
    status: str
    copy_sales_rep: bool
    channel: str
    summary_head: str    # the summary's JSON up to its invoices
    event_names: str     # the event data's step and scenario, as JSON


def _step_texts(step):
    status = (ActionStatus.AWAITING_APPROVAL if step.needs_approval
              else ActionStatus.PLANNED)
    scenario, name = _js(step.scenario.name), _js(step.name)
    return StepTexts(step.id, step.tone, status, step.copy_sales_rep, step.channel,
                     f'{{"scenario": {scenario}, "step": {name}, "invoices": [',
                     f'"step": {name}, "scenario": {scenario}')


class _RowWriter:
    """Builds and writes the rows of actions, action lines and events, from texts
    computed once per step, in chunks (a hundred thousand rows held at once cost tens
    of MB for nothing). The lines and events go first: an action's row must wait for
    its other overdue invoices (`attach_others`)."""

    def __init__(self, company, run, day, now, sink):
        self.day, self.late, self.steps = day, {}, {}
        self.actions = TableWriter(
            Action, ["id", "customer", "step", "currency", "channel", "tone", "status",
                     "contact", "copy_sales_rep", "amount", "overdue_total", "summary"],
            {"company": company.pk, "kind": ActionKind.SCHEDULED, "run": run.pk,
             "planned_on": day.isoformat()}, sink)
        self.action_lines = TableWriter(ActionInvoice, ["action", "invoice", "step",
                                                        "occurrence", "open_amount",
                                                        "days_late"], sink=sink)
        self.events = {t: TableWriter(Event, ["customer", "message", "data"],
                                      {"company": company.pk, "type": t,
                                       "actor_label": ACTOR,
                                       "at": connection.ops.adapt_datetimefield_value(now)},
                                      sink)
                       for t in ("action.planned", "action.extended")}

    def lines_and_events(self, chunk, event_type):
        """chunk: (action id, draft) pairs. The drafts' invoices may not have their
        other overdue invoices yet: these rows do not need them."""
        action_lines, events = [], []
        late, day = self.late, self.day
        for pk, d in chunk:
            texts, planned = self._texts(d.step), d.planned
            step_id, numbers, invoice_ids = texts.id, [], []
            for r in planned.reached:
                invoice = r.invoice
                due = invoice.due_date
                days_late = late.get(due)
                if days_late is None:
                    days_late = late[due] = (day - due).days
                action_lines.append((pk, invoice.id, step_id, r.occurrence,
                                     str(invoice.open_amount), days_late))
                numbers.append(d.numbers[invoice.id])
                invoice_ids.append(str(invoice.id))
            events.append((planned.customer_id, ", ".join(numbers),
                           f'{{"action": {pk}, {texts.event_names}, '
                           f'"channel": "{d.channel}", "status": "{texts.status}", '
                           f'"amount": "{planned.amount}", '
                           f'"currency": {_js(planned.currency)}, '
                           f'"invoices": [{", ".join(invoice_ids)}]}}'))
        self.action_lines.insert(action_lines)
        self.events[event_type].insert(events)

    def actions_of(self, chunk):
        """chunk: (action id, draft) pairs, their other overdue invoices attached."""
        rows = []
        for pk, d in chunk:
            texts, planned = self._texts(d.step), d.planned
            concerned = ", ".join([str(r.invoice.id) for r in planned.reached])
            rows.append((pk, planned.customer_id, texts.id, planned.currency, d.channel,
                         texts.tone, texts.status, d.contact_id, texts.copy_sales_rep,
                         str(planned.amount), str(planned.overdue_total),
                         _summary_json(texts, d, concerned)))
        self.actions.insert(rows)

    def _texts(self, step):
        texts = self.steps.get(step.id)
        if texts is None:
            texts = self.steps[step.id] = _step_texts(step)
        return texts


def _summary_json(texts, draft, concerned):
    """`json.dumps(draft.summary)` from the step's texts and the invoices' ids as JSON
    (`concerned`), written by hand: a first run encodes a hundred thousand of them."""
    others = ", ".join([str(i.id) for i in draft.planned.others])
    tail = (f', "rerouted_from": {_js(texts.channel)}'
            if draft.channel != texts.channel else "")
    return f'{texts.summary_head}{concerned}], "others": [{others}]{tail}}}'


def _extend(joining, ids):
    """Add the invoices of late drafts to the open action of the same key."""
    for draft in joining:
        action = Action.objects.get(pk=ids[draft.key])
        action.amount += draft.planned.amount
        added = [r.invoice.id for r in draft.planned.reached]
        action.summary["invoices"] += added
        taken = set(added)
        action.summary["others"] = [i for i in other_ids(action.summary) if i not in taken]
        action.save(update_fields=["amount", "summary"])


PROGRESS_COLUMNS = ("invoice_id, scenario_id, position, reached_on, last_on, repeats, "
                    "next_on, due_date, rules")
PROGRESS_CONFLICT = (
    "ON CONFLICT (invoice_id) DO UPDATE SET scenario_id = excluded.scenario_id, "
    "position = excluded.position, reached_on = excluded.reached_on, "
    "last_on = excluded.last_on, repeats = excluded.repeats, next_on = excluded.next_on, "
    "due_date = excluded.due_date, rules = excluded.rules")
# rows from which PostgreSQL upserts go through COPY (900 rows: 0.05-0.24 s sent one by
# one, 0.005 s copied)
COPY_FROM = 100


def _progress_row(progress, due_date, scenario, calendar, memo):
    """The progress row to store, but for its first column (the invoice); `memo` shares
    the work between invoices in the same place of the same scenario with the same due
    date, which is most of them."""
    key = (scenario.id, progress.position, progress.reached_on, progress.last_on,
           progress.repeats, due_date)
    row = memo.get(key)
    if row is None:
        upcoming = next_date(scenario, progress, due_date, calendar) or loading.NEVER
        row = memo[key] = (progress.scenario_id, progress.position,
                           progress.reached_on.isoformat(), progress.last_on.isoformat(),
                           progress.repeats, upcoming.isoformat(), due_date.isoformat(),
                           scenario.fingerprint)
    return row


def _advance(result, sink):
    """Record each invoice's new place in its scenario and the next day it may need
    something; refresh that day for the invoices read because it was out of date."""
    ledger, day, calendar = result.ledger, result.day, result.calendar
    groups = defaultdict(list)   # progress row but for its invoice -> the invoices
    acted, memo, taken = set(), {}, {}
    for d in result.actions:
        scenario = ledger.rules[d.planned.scenario_id]
        for r in d.planned.reached:
            invoice = r.invoice
            acted.add(invoice.id)
            # the same step taken the same way by invoices due the same day: same row
            key = (scenario.id, r.step.id, r.occurrence,
                   r.occurrence and invoice.progress.reached_on, invoice.due_date)
            invoices = taken.get(key)
            if invoices is None:
                invoices = taken[key] = groups[_progress_row(
                    advanced(r, scenario.id, day), invoice.due_date, scenario, calendar, memo)]
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
    if groups:
        _upsert_progress(groups, sink)
        if not ledger.reader.had_progress:
            # a first run wrote most of the table: the next day's scan is planned from
            # its statistics, not a guess (PostgreSQL, 100k: that scan 25 -> 2 ms)
            analyze(InvoiceProgress)


def _upsert_progress(groups, sink):
    """Write progress rows given as {row but for its invoice: [invoice ids]}."""
    table = connection.ops.quote_name(InvoiceProgress._meta.db_table)
    if connection.vendor == "sqlite":
        # one statement, spread by SQLite itself: a few hundred distinct rows for a
        # couple hundred thousand invoices, written in the table's order (appended);
        # each group's values are read once (MATERIALIZED), not for each invoice
        values = ", ".join(f"value ->> {n} AS v{n}" for n in range(1, 9))
        columns = ", ".join(f"g.v{n}" for n in range(1, 9))
        sink.execute(f"WITH g AS MATERIALIZED (SELECT value -> 0 AS ids, {values} "
                     f"FROM json_each(%s)) INSERT INTO {table} ({PROGRESS_COLUMNS}) "
                     f"SELECT i.value, {columns} FROM g, json_each(g.ids) i WHERE true "
                     f"ORDER BY i.value {PROGRESS_CONFLICT}",
                     [json.dumps([[ids, *row] for row, ids in groups.items()])])
        return
    rows = [(pk, *row) for row, ids in groups.items() for pk in ids]
    if len(rows) >= COPY_FROM:
        with connection.cursor() as cursor:   # PostgreSQL's sink writes at once anyway
            _upsert_by_copy(cursor, table, rows)
        return
    marks = ", ".join(["%s"] * 9)
    sink.executemany(f"INSERT INTO {table} ({PROGRESS_COLUMNS}) VALUES ({marks}) "
                     f"{PROGRESS_CONFLICT}", rows)


def _upsert_by_copy(cursor, table, rows):
    """PostgreSQL: COPY the rows into a temporary table, then upsert them in one
    statement; row-by-row upserts take minutes on a first run."""
    cursor.execute(f"CREATE TEMPORARY TABLE progress_in (LIKE {table}) ON COMMIT DROP")
    with cursor.cursor.copy(f"COPY progress_in ({PROGRESS_COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(f"INSERT INTO {table} ({PROGRESS_COLUMNS}) SELECT {PROGRESS_COLUMNS} "
                   f"FROM progress_in {PROGRESS_CONFLICT}")
    cursor.execute("DROP TABLE progress_in")


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
