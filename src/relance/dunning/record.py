"""Writing a day's plan (`plan.DunningPlan`): the run, its actions, their lines and
messages, the invoices' progress and the timeline, with set-based writes.

On SQLite the rows go to a second thread on the same connection (`background_writes`)
while this one builds the next ones; what needs least goes first: the action lines and
events (they need only the drafts and their routes), then the progress, then the
actions with their other overdue invoices and their messages.
"""
import json

from django.db import connection
from django.utils import timezone

from relance.db.batch import analyze, background_writes
from relance.db.writer import TableWriter
from relance.delivery import outbox
from relance.dunning.models import Action, ActionInvoice, ActionKind, InvoiceProgress, Run
from relance.dunning.plan import RunResult, json_text
from relance.dunning.snapshots import other_ids
from relance.ledger.models import Event

ACTOR = "dunning run"


def record(plan, company, origin, user):
    """Write `plan` and return its Run row.

    An invoice that reaches a step for which the customer already has an action that
    day (planned by an earlier run, before the invoice was imported) joins that action
    while it is still open (`plan.joining`)."""
    now = timezone.now()
    run = Run.objects.create(company=company, as_of=plan.as_of, started_at=now,
                             origin=origin, triggered_by=user)
    fresh, joining = plan.fresh, plan.joining
    pks = TableWriter(Action, ["company"]).reserve_ids(len(fresh))
    ids = {key: pk for key, (pk, _) in plan.existing.items()}
    ids.update((d.key, pk) for pk, d in zip(pks, fresh))
    # from here to the end of the block this thread only builds rows (see
    # background_writes): on SQLite another one writes them meanwhile
    with background_writes() as sink:
        writer = _RowWriter(company, run, plan.day, now, sink)
        created = list(zip(pks, fresh))
        for chunk in _chunks(created):
            writer.lines_and_events(chunk, "action.planned")
        for chunk in _chunks(joining):
            writer.lines_and_events([(ids[d.key], d) for d in chunk], "action.extended")
        _write_progress(plan, sink)
        plan.drafts_with_others   # noqa: B018 (the actions' rows need them)
        for chunk in _chunks(created):
            writer.actions_of(chunk)
            # their messages, by SQLite alone while the next chunk is built
            outbox.enqueue_planned(run, plan.day, (chunk[0][0], chunk[-1][0]), sink)
    _extend(joining, ids)
    run.actions = len(fresh) + len(joining)
    # what the progress written now was computed under: the next run trusts it while
    # that holds (loading's docstring)
    counts = RunResult(plan, False, fresh + joining).as_json()
    run.summary = {**counts, "signature": plan.signature}
    run.finished_at = timezone.now()
    run.save(update_fields=["actions", "summary", "finished_at"])
    return run


def _chunks(items, size=5_000):
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _RowWriter:
    """Builds and writes the rows of actions, action lines and events, in chunks (a
    hundred thousand rows held at once cost tens of MB for nothing). The lines and
    events go first: an action's row must wait for its other overdue invoices."""

    def __init__(self, company, run, day, now, sink):
        self.day, self.late = day, {}
        self.actions = TableWriter(
            Action, ["id", "customer", "step", "currency", "channel", "tone", "status",
                     "contact", "copy_sales_rep", "amount", "overdue_total", "summary",
                     "note"],
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
            planned = d.planned
            numbers, invoice_ids = [], []
            for r in planned.reached:   # each with its own step: the lesser ones too
                invoice = r.invoice
                due = invoice.due_date
                days_late = late.get(due)
                if days_late is None:
                    days_late = late[due] = (day - due).days
                action_lines.append((pk, invoice.id, r.step.id, r.occurrence,
                                     str(invoice.open_amount), days_late))
                numbers.append(d.numbers[invoice.id])
                invoice_ids.append(str(invoice.id))
            events.append((planned.customer_id, ", ".join(numbers),
                           _event_json(pk, d, invoice_ids)))
        self.action_lines.insert(action_lines)
        self.events[event_type].insert(events)

    def actions_of(self, chunk):
        """chunk: (action id, draft) pairs, their other overdue invoices attached."""
        rows = []
        for pk, d in chunk:
            texts, planned = d.texts, d.planned
            rows.append((pk, planned.customer_id, texts.id, planned.currency, d.channel,
                         texts.tone, d.status, d.contact_id, texts.copy_sales_rep,
                         str(planned.amount), str(planned.overdue_total),
                         d.summary_json(), d.warning))
        self.actions.insert(rows)


def _event_json(pk, draft, invoice_ids):
    """The data of the action's timeline event, as JSON text from the step's texts."""
    texts, planned = draft.texts, draft.planned
    return (f'{{"action": {pk}, {texts.event_names}, '
            f'"channel": "{draft.channel}", "status": "{draft.status}", '
            f'"amount": "{planned.amount}", "currency": {json_text(planned.currency)}, '
            f'"invoices": [{", ".join(invoice_ids)}]}}')


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
# rows from which PostgreSQL upserts go through COPY: sending rows one by one costs a
# round trip each, a COPY one for all of them
COPY_FROM = 100


def _write_progress(plan, sink):
    groups = plan.progress
    if groups:
        _upsert_progress(groups, sink)
        if plan.first_run:
            # a first run wrote most of the table: the next day's scan is planned from
            # its statistics, not from PostgreSQL's guess that a third of it is due
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
