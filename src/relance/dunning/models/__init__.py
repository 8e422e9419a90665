from relance.dunning.models.action import (
    Action, ActionInvoice, ActionKind, ActionStatus, InvoiceProgress, Run,
)
from relance.dunning.models.scenario import (
    Channel, Scenario, SegmentRule, Step, StepTemplate, Tone, Trigger,
)

__all__ = [
    "Action", "ActionInvoice", "ActionKind", "ActionStatus", "Channel", "InvoiceProgress",
    "Run", "Scenario", "SegmentRule", "Step", "StepTemplate", "Tone", "Trigger",
]
