"""The daily run: load the ledger, ask the planner, write the actions.

`relance run`, the built-in scheduler and the button in the UI all call `run_dunning`.
Everything happens in one transaction that first locks the company row, so two runs of
the same company never interleave; the unique constraints on actions and action lines
are the last word if anything else writes concurrently.
"""
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from relance.dunning import loading
from relance.dunning.defaults import ensure_scenarios
from relance.dunning.assignment import scenario_rules
from relance.dunning.calendar import BusinessCalendar
from relance.dunning.models import (
    Action, ActionInvoice, ActionKind, ActionStatus, InvoiceProgress, Run, Step,
)
from relance.dunning.planner import advanced, plan
from relance.dunning.recipients import route
from relance.imports.writer import TableWriter
from relance.ledger.models import Company, Event

logger = logging.getLogger("relance.dunning")
ACTOR = "dunning run"


@dataclass
class RunResult:
    as_of: object
    dry_run: bool
    actions: list = field(default_factory=list)   # ActionDraft
    stopped: Counter = field(default_factory=Counter)
    below_minimum: int = 0
    run: Run | None = None

    @property
    def by_channel(self):
        return dict(sorted(Counter(a.channel for a in self.actions).items()))

    @property
    def by_step(self):
        return dict(sorted(Counter(a.step_label for a in self.actions).items()))

    def as_json(self):
        return {"as_of": self.as_of.isoformat(), "dry_run": self.dry_run,
                "actions": len(self.actions), "by_channel": self.by_channel,
                "by_step": self.by_step, "stopped": dict(sorted(self.stopped.items())),
                "below_minimum": self.below_minimum}


@dataclass
class ActionDraft:
    """A planned action with what the database row needs, before it is written."""
    planned: object          # planner.PlannedAction
    step: Step
    channel: str
    contact_id: int | None
    summary: dict

    @property
    def step_label(self):
        return f"{self.step.scenario.name} / {self.step.name}"

    @property
    def status(self):
        return (ActionStatus.AWAITING_APPROVAL if self.step.needs_approval
                else ActionStatus.PLANNED)


def run_dunning(company, as_of, *, dry_run=False, origin="cli", user=None):
    """Plan the day's actions for one company and, unless `dry_run`, record them."""
    with transaction.atomic():
        Company.objects.select_for_update().filter(pk=company.pk).first()
        ensure_scenarios(company)
        result = _decide(company, as_of, dry_run)
        if dry_run:
            transaction.set_rollback(True)  # not even the shipped scenarios stay
        else:
            _record(company, result, origin, user)
        return result


def _decide(company, as_of, dry_run):
    started = time.perf_counter()
    rules = scenario_rules(company)
    customers = loading.CustomerRules(company, as_of)
    horizon = max([0] + [-s.days for r in rules.values() for s in r.steps])
    invoices, numbers = loading.open_invoices(company, as_of, horizon, customers)
    loaded = time.perf_counter()
    scenario_of = {cid: rules[sid] for cid, sid in customers.scenario_id.items()
                   if sid in rules}
    decided = plan(invoices, scenario_of, as_of, BusinessCalendar.around(as_of))
    logger.info("dunning %s: %d open invoices loaded in %.2f s, planned in %.2f s",
                as_of, len(invoices), loaded - started, time.perf_counter() - loaded)
    steps = {s.id: s for s in Step.objects.filter(scenario__company=company)
             .select_related("scenario")}
    contacts = loading.contacts_of({a.customer_id for a in decided.actions})
    drafts = [_draft(a, steps[a.step.id], contacts.get(a.customer_id, ()), numbers, as_of)
              for a in decided.actions]
    return RunResult(as_of, dry_run, drafts, decided.stopped, decided.below_minimum)


def _draft(planned, step, contacts, numbers, as_of):
    channel, contact = route(contacts, step.roles, step.channel)
    summary = {
        "scenario": step.scenario.name, "step": step.name,
        "invoices": [dict(_line(r.invoice, numbers, as_of), occurrence=r.occurrence)
                     for r in planned.reached],
        "others": [_line(i, numbers, as_of) for i in planned.others],
    }
    if channel != step.channel:
        summary["rerouted_from"] = step.channel
    return ActionDraft(planned, step, channel, contact and contact.id, summary)


def _line(invoice, numbers, as_of):
    return {"id": invoice.id, "number": numbers[invoice.id],
            "due_date": invoice.due_date.isoformat(), "open_amount": str(invoice.open_amount),
            "days_late": (as_of - invoice.due_date).days}


def _record(company, result, origin, user):
    now = timezone.now()
    run = Run.objects.create(company=company, as_of=result.as_of, started_at=now,
                             origin=origin, triggered_by=user)
    if result.actions:
        ids = _insert_actions(company, run, result.actions)
        _insert_lines(result.actions, ids, result.as_of)
        _advance(result.actions, result.as_of)
        _insert_events(company, result.actions, ids, now)
    run.actions = len(result.actions)
    run.summary = result.as_json()
    run.finished_at = timezone.now()
    run.save(update_fields=["actions", "summary", "finished_at"])
    result.run = run


def _key(customer_id, step_id, currency):
    return customer_id, step_id, currency


def _insert_actions(company, run, drafts):
    writer = TableWriter(Action, ["company", "customer", "kind", "step", "run", "planned_on",
                                  "currency", "channel", "tone", "status", "contact",
                                  "copy_sales_rep", "amount", "overdue_total", "summary"])
    as_of = run.as_of.isoformat()
    writer.insert([(company.pk, d.planned.customer_id, ActionKind.SCHEDULED, d.step.id,
                    run.pk, as_of, d.planned.currency, d.channel, d.step.tone, d.status,
                    d.contact_id, d.step.copy_sales_rep, str(d.planned.amount),
                    str(d.planned.overdue_total), json.dumps(d.summary))
                   for d in drafts])
    rows = Action.objects.filter(run=run).values_list("id", "customer_id", "step_id",
                                                      "currency")
    return {_key(c, s, cur): pk for pk, c, s, cur in rows}


def _insert_lines(drafts, ids, as_of):
    writer = TableWriter(ActionInvoice, ["action", "invoice", "step", "occurrence",
                                         "open_amount", "days_late"])
    writer.insert([(ids[_key(d.planned.customer_id, d.step.id, d.planned.currency)],
                    r.invoice.id, d.step.id, r.occurrence, str(r.invoice.open_amount),
                    (as_of - r.invoice.due_date).days)
                   for d in drafts for r in d.planned.reached])


def _advance(drafts, as_of):
    """Record each invoice's new place in its scenario (insert or update)."""
    table = connection.ops.quote_name(InvoiceProgress._meta.db_table)
    sql = (f"INSERT INTO {table} (invoice_id, scenario_id, position, reached_on, last_on, "
           f"repeats) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (invoice_id) DO UPDATE "
           f"SET scenario_id = excluded.scenario_id, position = excluded.position, "
           f"reached_on = excluded.reached_on, last_on = excluded.last_on, "
           f"repeats = excluded.repeats")
    rows = []
    for d in drafts:
        for r in d.planned.reached:
            p = advanced(r, d.planned.scenario_id, as_of)
            rows.append((r.invoice.id, p.scenario_id, p.position, p.reached_on.isoformat(),
                         p.last_on.isoformat(), p.repeats))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5_000):
            cursor.executemany(sql, rows[start:start + 5_000])


def _insert_events(company, drafts, ids, now):
    writer = TableWriter(Event, ["company", "customer", "type", "at", "actor_label",
                                 "message", "data"])
    at = connection.ops.adapt_datetimefield_value(now)
    writer.insert([(company.pk, d.planned.customer_id, "action.planned", at, ACTOR,
                    ", ".join(line["number"] for line in d.summary["invoices"]),
                    json.dumps(_event_data(d, ids)))
                   for d in drafts])


def _event_data(draft, ids):
    planned = draft.planned
    return {"action": ids[_key(planned.customer_id, draft.step.id, planned.currency)],
            "step": draft.summary["step"], "scenario": draft.summary["scenario"],
            "channel": draft.channel, "status": draft.status,
            "amount": str(planned.amount), "currency": planned.currency,
            "invoices": [line["id"] for line in draft.summary["invoices"]]}
