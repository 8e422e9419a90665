"""The dunning side of the demo: the shipped scenarios, key accounts for the large
customers, and the first daily run, so the review queue and the timelines have
something to show."""
from relance.dunning.defaults import ensure_scenarios
from relance.dunning.models import Scenario, SegmentRule
from relance.dunning.run import run_dunning

KEY_ACCOUNTS_SEGMENT = "large"


def prepare(company, as_of):
    ensure_scenarios(company)
    key_accounts = Scenario.objects.filter(company=company, is_default=False).order_by("pk")
    SegmentRule.objects.get_or_create(company=company, segment=KEY_ACCOUNTS_SEGMENT,
                                      defaults={"scenario": key_accounts.first()})
    return run_dunning(company, as_of, origin="demo")
