"""Which scenario a customer follows: its own, else its segment's, else the company's
default. Loaded once per run as planner rules."""
from django.db import transaction

from relance.dunning.models import Scenario, SegmentRule
from relance.dunning.planner import ScenarioRule, StepRule
from relance.ledger import timeline


def scenario_rules(company):
    """Scenario id -> ScenarioRule for every scenario of the company."""
    rules = {}
    for scenario in Scenario.objects.filter(company=company).prefetch_related("steps"):
        steps = sorted(scenario.steps.all(), key=lambda s: s.position)
        rules[scenario.id] = ScenarioRule(scenario.id, tuple(
            StepRule(s.id, s.position, s.trigger, s.days, s.channel, s.min_amount,
                     s.needs_approval, s.repeat_every_days, s.tone) for s in steps))
    return rules


def default_scenario_id(company):
    return (Scenario.objects.filter(company=company, is_default=True)
            .values_list("id", flat=True).first())


def segment_scenarios(company):
    return dict(SegmentRule.objects.filter(company=company)
                .values_list("segment", "scenario_id"))


def choose(own_id, segment, by_segment, default_id):
    """The scenario id for one customer."""
    return own_id or by_segment.get(segment) or default_id


def scenario_for(customer):
    """The Scenario a customer follows, with where it comes from, for display."""
    if customer.scenario_id:
        return customer.scenario, "customer"
    rule = (SegmentRule.objects.filter(company_id=customer.company_id,
                                       segment=customer.segment)
            .select_related("scenario").first()) if customer.segment else None
    if rule:
        return rule.scenario, "segment"
    default = Scenario.objects.filter(company_id=customer.company_id,
                                      is_default=True).first()
    return default, "default"


@transaction.atomic
def assign(customer, scenario, user):
    """Give the customer its own scenario (None: back to its segment's or the company's
    default) and say on the timeline which scenario it followed and follows now. The
    next run moves its invoices to the new scenario's latest due step."""
    if customer.scenario_id == (scenario and scenario.pk):
        return
    before, _ = scenario_for(customer)
    own_before = customer.scenario_id
    customer.scenario = scenario
    customer.save(update_fields=["scenario", "updated_at"])
    after, _ = scenario_for(customer)
    timeline.record(customer.company, "customer.scenario_changed", customer=customer,
                    actor=user, message=f"{before or '—'} → {after or '—'}",
                    data={"from": own_before, "to": scenario and scenario.pk})
