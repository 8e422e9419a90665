from relance.dunning.models.action import (
    OPEN_STATUSES, Action, ActionInvoice, ActionKind, ActionStatus, InvoiceProgress, Run,
)
from relance.dunning.models.scenario import (
    Channel, Scenario, SegmentRule, Step, StepTemplate, Tone, Trigger,
)

__all__ = [
    "OPEN_STATUSES", "Action", "ActionInvoice", "ActionKind", "ActionStatus", "Channel", "InvoiceProgress",
    "Run", "Scenario", "SegmentRule", "Step", "StepTemplate", "Tone", "Trigger",
]
