"""The dunning pages of the back office: runs and dry runs, the calendar, the review
queue, one action's page, and the scenarios with the editor of their steps' texts."""
from relance.dunning.views.calendar import calendar
from relance.dunning.views.log import action_log
from relance.dunning.views.review import action_detail, approve, cancel, review
from relance.dunning.views.runs import home, run_now
from relance.dunning.views.scenarios import (
    reset_step_template, scenarios, step_template_preview, step_templates,
)

__all__ = ["action_detail", "action_log", "approve", "calendar", "cancel", "home", "reset_step_template",
           "review", "run_now", "scenarios", "step_template_preview", "step_templates"]
