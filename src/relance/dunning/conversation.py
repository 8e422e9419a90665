"""One conversation per customer: which of the steps due on a day are taken, and how.

The planner finds, invoice by invoice, the step each one has reached; this module
then decides per customer, because the debtor reads one mailbox and answers one phone.
Pure: a customer's groups of invoices, what was said to it before, the day and the
company's rules in; the actions to take out.

1. **One contact a day, and a gap between two.** Emails, letters, registered letters
   and calls are contacts (internal tasks are not). A customer gets at most one per
   day, and none within `gap_days` calendar days of the previous one.
2. **The most advanced step speaks.** When a customer's invoices are due for several
   steps, the furthest one in the scenario makes the contact, and the invoices due for
   the lesser steps are listed in it and marked done with it (each keeps its own
   step), instead of being reminded again later.
3. **Written before escalation.** A call, a formal notice or any step of the formal
   notice or legal tone waits until a written reminder (an email or letter that is not
   preventive) went to the customer at least `written_days` days before. A customer
   never reminded in writing gets, instead, the scenario's last written reminder
   before that step: the first contact of an old debt summarises it in writing, and the
   escalation follows once the gap has passed.

Invoices held back by these rules keep their place: the run reads them again the next
day, and they are taken with the next contact.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from relance.dunning.planner import (
    Plan, PlannedAction, Reached, advanced, attach_others, candidates, copy, escalates,
    is_contact, next_event, reminds_in_writing,
)


@dataclass(frozen=True, slots=True)
class Rules:
    """The company's conversation settings (Company.contact_gap_days and
    Company.written_before_days)."""
    gap_days: int = 5
    written_days: int = 8

    @property
    def gap(self):
        """The fewest days between two contacts: one a day in any case."""
        return dt.timedelta(days=max(self.gap_days, 1))

    @property
    def written(self):
        return dt.timedelta(days=self.written_days)


@dataclass(frozen=True, slots=True)
class Contacts:
    """What a customer was told so far, as of the day planned.

    last_contact: the day of the last contact (planned, awaiting approval or done);
    last_reminder: the day of the last written reminder that was not preventive;
    today: (step id, currency) of the day's contact still open, which later invoices
    of the day join instead of making a second contact."""
    last_contact: dt.date | None = None
    last_reminder: dt.date | None = None
    today: tuple | None = None


NO_CONTACT = Contacts()


def after(contacts, action, day):
    """The customer's Contacts once `action` (a PlannedAction) is taken on `day`."""
    step = action.step
    if not is_contact(step.channel):
        return contacts
    return Contacts(last_contact=day,
                    last_reminder=day if reminds_in_writing(step) else contacts.last_reminder,
                    today=contacts.today)


def floor_after(lead, day, rules):
    """For a customer contacted on `day` by a step `lead`: step -> the first day these
    rules may let that step through (None: no bound). The progress stored after a
    contact starts from it, so that the invoices it holds are not read every day."""
    if not is_contact(lead.channel):
        return None
    gap_end = day + rules.gap
    written_end = day + rules.written if reminds_in_writing(lead) else None

    def floor(step):
        least = gap_end if is_contact(step.channel) else None
        if written_end is not None and escalates(step):
            least = written_end if least is None else max(least, written_end)
        return least
    return floor


@dataclass(slots=True)
class Turn:
    """A customer's actions on a day, and the invoices held back with the first day the
    rules could let each through (`wake`: the earliest of them; None: none held)."""
    actions: list
    held: list = field(default_factory=list)   # (OpenInvoice, day)
    wake: dt.date | None = None


def converse(groups, contacts, day, rules, scenario):
    """The actions one customer gets on `day`.

    groups: the customer's PlannedActions of the day, one per step and currency, each
    already at or above its step's minimum amount; contacts: its Contacts; scenario:
    the ScenarioRule its invoices follow."""
    turn = Turn([])
    speaking, tasks = [], []
    for group in groups:
        group = _in_writing_first(group, contacts, day, rules, scenario, turn)
        if group is not None:
            (speaking if is_contact(group.step.channel) else tasks).append(group)
    if speaking:
        _speak(speaking, contacts, day, rules, scenario, turn)
    turn.actions.extend(tasks)
    return turn


def _in_writing_first(group, contacts, day, rules, scenario, turn):
    """The group as it may act under rule 3: itself, its invoices moved to the written
    reminder before its step, or None (held back)."""
    step = group.step
    if not escalates(step):
        return group
    last = contacts.last_reminder
    if last is not None:
        allowed = last + rules.written
        if day >= allowed:
            return group
        _hold(turn, group.reached, allowed)
        return None
    written = scenario.written_before(step.position)
    if written is None:   # the scenario has no written reminder before: its choice
        return group
    moved = [Reached(r.invoice, written, 0) for r in group.reached
             if _before(r.invoice, written, scenario)]
    # those past that reminder already (it was cancelled) wait for the next one written
    _hold(turn, [r for r in group.reached if not _before(r.invoice, written, scenario)],
          day + dt.timedelta(days=1))
    if not moved:
        return None
    return PlannedAction(group.customer_id, group.currency, group.scenario_id, written, moved)


def _before(invoice, step, scenario):
    """Whether the invoice has not yet taken `step` (or any later one) in `scenario`."""
    progress = invoice.progress
    return (progress is None or progress.scenario_id != scenario.id
            or progress.position < step.position)


def _speak(speaking, contacts, day, rules, scenario, turn):
    """Rules 1 and 2: one contact, the most advanced step's, listing the others."""
    if contacts.today is not None:
        step_id, currency = contacts.today
        lead = scenario.by_id(step_id)
        if lead is None:
            _hold(turn, [r for g in speaking for r in g.reached], day + dt.timedelta(days=1))
            return
        lead_group = PlannedAction(speaking[0].customer_id, currency, scenario.id, lead, [])
        # a step further than the day's contact does not go as a lesser one in it
        _hold(turn, [r for g in speaking if g.step.position > lead.position
                     for r in g.reached],
              day + rules.gap)
        speaking = [g for g in speaking if g.step.position <= lead.position]
    else:
        last = contacts.last_contact
        if last is not None and day < last + rules.gap:
            _hold(turn, [r for g in speaking for r in g.reached], last + rules.gap)
            return
        lead_group = max(speaking, key=lambda g: (g.step.position, g.amount))
    reached = [r for g in speaking if g.currency == lead_group.currency for r in g.reached]
    # another currency: its own contact, after the gap
    _hold(turn, [r for g in speaking if g.currency != lead_group.currency for r in g.reached],
          day + rules.gap)
    if reached:
        turn.actions.append(replace(lead_group, reached=reached))


def _hold(turn, reached, until):
    if reached:
        turn.held.extend((r.invoice, until) for r in reached)
        turn.wake = until if turn.wake is None else min(turn.wake, until)


def plan(invoices, scenario_of, as_of, calendar, contacts=None, rules=Rules()):
    """The actions of `as_of`, or of the next business day if it is not one: the steps
    due invoice by invoice (`planner.candidates`), then each customer's conversation.
    contacts: customer id -> Contacts (missing: never contacted)."""
    return speak(candidates(invoices, scenario_of, as_of, calendar), scenario_of,
                 contacts or {}, rules)


def speak(found, scenario_of, contacts, rules):
    """The Plan once each customer's conversation rules applied to the steps `found`."""
    by_customer = defaultdict(list)
    for group in found.actions:
        by_customer[group.customer_id].append(group)
    result = Plan(actions=[], stopped=found.stopped, day=found.day,
                  below_minimum=found.below_minimum)
    for customer_id, groups in by_customer.items():
        turn = converse(groups, contacts.get(customer_id, NO_CONTACT), found.day, rules,
                        scenario_of[customer_id])
        result.actions.extend(turn.actions)
        result.held.extend(turn.held)
    result.actions.sort(key=lambda a: (a.customer_id, a.currency, a.step.position))
    return result


def upcoming(invoices, scenario_of, start, days, calendar, contacts=None, rules=Rules()):
    """What the runs would decide on each business day from `start` for `days` days if
    nothing changed (no payment, no new case): [(day, PlannedAction)], in day order.

    Each customer is followed on its own, from one day on which something may happen
    to the next (an invoice's next step, or the day the rules let a held-back one
    through), so a company-wide calendar costs a few turns per customer, not one plan
    per day. The invoices given are left as they were."""
    contacts = contacts or {}
    end = start + dt.timedelta(days=days - 1)
    by_customer = defaultdict(list)
    for invoice in invoices:
        if not invoice.stop and invoice.customer_id in scenario_of:
            by_customer[invoice.customer_id].append(copy(invoice))
    result = []
    for customer_id, probes in by_customer.items():
        known = replace(contacts.get(customer_id, NO_CONTACT), today=None)
        result.extend(_customer_calendar(probes, scenario_of[customer_id], known,
                                         start, end, calendar, rules))
    result.sort(key=lambda pair: (pair[0], pair[1].customer_id, pair[1].currency,
                                  pair[1].step.position))
    return result


def _customer_calendar(probes, scenario, known, start, end, calendar, rules):
    """(day, PlannedAction) of one customer whose invoices are `probes`, moved along."""
    scenario_of = {probes[0].customer_id: scenario}
    day = calendar.on_or_after(start)
    while day <= end:
        found = candidates(probes, scenario_of, day, calendar)
        turn = converse(found.actions, known, day, rules, scenario)
        for action in turn.actions:
            attach_others([action], probes, day)
            yield day, action
            known = after(known, action, day)
            for r in action.reached:
                r.invoice.progress = advanced(r, scenario.id, day)
        upcoming_days = [on for on in (next_event(scenario, p, day, calendar)
                                       for p in probes) if on is not None]
        if turn.wake is not None:
            upcoming_days.append(turn.wake)
        if not upcoming_days:
            return
        day = calendar.on_or_after(max(min(upcoming_days), day + dt.timedelta(days=1)))
