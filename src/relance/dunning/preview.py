"""What the run would do: on one date (a dry run), and over the next days."""
from relance.dunning.calendar import BusinessCalendar
from relance.dunning.defaults import ensure_scenarios
from relance.dunning.planner import upcoming
from relance.dunning.run import drafts_for, load

CALENDAR_DAYS = 30


def calendar(company, start, days=CALENDAR_DAYS, customer=None):
    """[(day, ActionDraft)] planned from `start` over `days` days if nothing changes,
    for the whole company or one customer."""
    ensure_scenarios(company)
    ledger = load(company, start, customer and customer.pk, ahead_days=days)
    planned = upcoming(ledger.invoices, ledger.scenario_of, start, days,
                       BusinessCalendar.around(start))
    return drafts_for(company, planned, ledger.numbers)
