"""The daily run: load the ledger, decide the day's plan, record it.

`relance run`, the built-in scheduler and the button in the UI all call `run_dunning`.
Everything happens in one transaction that first locks the company row, so two runs of
the same company never interleave; the unique constraints on actions and action lines
are the last word if anything else writes concurrently.
"""
import datetime as dt
import logging
import time

from django.db import transaction

from relance.cases import services as cases
from relance.db.batch import paused_gc, unchecked_sqlite_foreign_keys, wide_sqlite_cache
from relance.dunning import loading
from relance.dunning.assignment import scenario_rules
from relance.dunning.calendar import BusinessCalendar
from relance.dunning.conversation import Rules
from relance.dunning.defaults import ensure_scenarios
from relance.dunning.models import OPEN_STATUSES, Action, ActionKind, Step
from relance.dunning.plan import DunningPlan, Ledger, RunResult, drafts
from relance.dunning.rate_gaps import hold_for_rates, rate_gap
from relance.dunning.conversation import speak
from relance.dunning.planner import candidates
from relance.dunning.record import record
from relance.dunning.recipients import route
from relance.ledger.models import Company

logger = logging.getLogger("relance.dunning")
RUN_CACHE_KIB = 64_000    # SQLite page cache during a run: its writes hit big indexes


def run_dunning(company, as_of, *, dry_run=False, origin="cli", user=None):
    """Plan the day's actions for one company and, unless `dry_run`, record them."""
    started = time.perf_counter()
    with (paused_gc(), wide_sqlite_cache(RUN_CACHE_KIB), unchecked_sqlite_foreign_keys(),
          transaction.atomic()):
        Company.objects.select_for_update().filter(pk=company.pk).first()
        ensure_scenarios(company)
        calendar = BusinessCalendar.around(as_of)
        expire_declarations(company, as_of, calendar)
        day_plan = decide(company, as_of, calendar=calendar)
        if dry_run:
            transaction.set_rollback(True)  # not even the shipped scenarios stay
            actions, run = list(day_plan.drafts_with_others), None
        else:
            run = record(day_plan, company, origin, user)
            actions = day_plan.recorded
    return RunResult(day_plan, dry_run, actions, time.perf_counter() - started, run)


def expire_declarations(company, as_of, calendar):
    """The payments customers declared that no payment matched within the company's
    `declaration_days` business days stop holding reminders, before the day's plan."""
    declared_by = calendar.business_days_before(calendar.on_or_after(as_of),
                                                company.declaration_days)
    expired = cases.expire_declarations(company, declared_by)
    if expired:
        logger.info("dunning %s: %d declared payments expired", as_of, len(expired))


def decide(company, as_of, *, full_read=False, calendar=None):
    """The plan of the run on `as_of`, from what the database holds now.

    1. Read the open invoices that may need something on the business day (all of
       them with `full_read`, else only those `loading` cannot rule out: the next
       day's fast read, which must give the same plan).
    2. Ask the planner which steps they reach that day, then read what their customers
       were told before and let each one's conversation rules choose (conversation.py).
    3. Read what the actions need: the customers' other overdue invoices, their
       contacts, the actions already recorded that day; send to review those whose
       penalties would use a rate missing from the table (rate_gaps.py).
    """
    started = time.perf_counter()
    calendar = calendar or BusinessCalendar.around(as_of)
    day = calendar.on_or_after(as_of)
    ledger, reader = read(company, day, incremental=not full_read)
    loaded = time.perf_counter()
    found = candidates(ledger.invoices, ledger.scenario_of, day, calendar)
    told = loading.conversations(company, {a.customer_id for a in found.actions}, day)
    rules = conversation_rules(company)
    decided = speak(found, ledger.scenario_of, told, rules)
    logger.info("dunning %s: %d open invoices loaded in %.2f s, planned in %.2f s",
                day, len(ledger.invoices), loaded - started, time.perf_counter() - loaded)
    overdue = reader.overdue_of({a.customer_id for a in decided.actions}, ledger.invoices)
    dated = [(day, a) for a in decided.actions]
    day_plan = DunningPlan(
        as_of=as_of, day=day, drafts=tuple(drafts_for(company, dated, ledger.numbers)),
        stopped=decided.stopped, below_minimum=decided.below_minimum,
        held=decided.held, rules=rules,
        existing=_existing_actions(company, day), ledger=ledger, overdue=overdue,
        calendar=calendar, signature=reader.assignment.signature(),
        first_run=not reader.had_progress)
    gap = rate_gap(company, day) if day_plan.drafts else None
    if gap is not None:   # rare: only then are the other overdue invoices needed now
        hold_for_rates(day_plan.drafts_with_others, gap)
    return day_plan


def conversation_rules(company):
    return Rules(gap_days=company.contact_gap_days,
                 written_days=company.written_before_days)


def load(company, as_of, customer_id=None, ahead_days=0, incremental=False):
    """Open invoices due by `as_of + ahead_days` plus the preventive horizon; with
    `incremental`, only those that may need something on `as_of`."""
    return read(company, as_of, customer_id, ahead_days, incremental)[0]


def read(company, as_of, customer_id=None, ahead_days=0, incremental=False):
    """`load`'s Ledger and the reader that read it (what it trusted, what it found)."""
    rules = scenario_rules(company)
    customer_ids = None if customer_id is None else [customer_id]
    reader = loading.InvoiceReader(company, as_of, rules,
                                   loading.last_signature(company) if incremental else None,
                                   customer_ids)
    horizon = max([0] + [-s.days for r in rules.values() for s in r.steps]) + ahead_days
    invoices = reader.due_by(as_of + dt.timedelta(days=horizon), customer_ids, incremental)
    scenario_of = {cid: rules[sid] for cid, sid in reader.scenario_of.items()
                   if sid in rules}
    loading.resume_returning(invoices, scenario_of)
    return Ledger(invoices, reader.numbers, scenario_of, rules), reader


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
    return drafts(dated_actions, steps, routes, numbers)


def _route(routes, customer_id, cards, wanted):
    for roles, channel in wanted:
        channel_taken, contact = route(cards, roles, channel)
        routes[customer_id, roles, channel] = (channel_taken, contact and contact.id)


def _existing_actions(company, day):
    """(customer, step, currency) -> (id, still open) of the day's scheduled actions."""
    rows = (Action.objects.filter(company=company, planned_on=day,
                                  kind=ActionKind.SCHEDULED)
            .values_list("id", "customer_id", "step_id", "currency", "status"))
    return {(c, s, cur): (pk, status in OPEN_STATUSES) for pk, c, s, cur, status in rows}
