"""The dunning pages of the back office: runs and dry runs, the calendar, the review
queue and one action's page."""
from relance.dunning.views.calendar import calendar
from relance.dunning.views.review import action_detail, approve, cancel, review
from relance.dunning.views.runs import home, run_now

__all__ = ["action_detail", "approve", "calendar", "cancel", "home", "review", "run_now"]
