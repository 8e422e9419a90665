"""What the run would do: on one date (a dry run), and over the next days."""
from relance.dunning.calendar import BusinessCalendar
from relance.dunning.defaults import ensure_scenarios
from relance.dunning import loading
from relance.dunning.conversation import upcoming
from relance.dunning.run import conversation_rules, drafts_for, load

CALENDAR_DAYS = 30


def calendar(company, start, days=CALENDAR_DAYS, customer=None):
    """[(day, ActionDraft)] planned from `start` over `days` days if nothing changes,
    for the whole company or one customer."""
    ensure_scenarios(company)
    ledger = load(company, start, customer and customer.pk, ahead_days=days)
    told = loading.conversations(company, {i.customer_id for i in ledger.invoices}, start)
    planned = upcoming(ledger.invoices, ledger.scenario_of, start, days,
                       BusinessCalendar.around(start), told, conversation_rules(company))
    return drafts_for(company, planned, ledger.numbers)
