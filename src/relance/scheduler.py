"""The built-in scheduler: once a day, after `DUNNING_RUN_AT`, run the dunning of every
company that has no run for today yet, then refresh its dashboard alerts and month-end
figures so that the first view of the day does not pay for them. Several schedulers (or
a cron job running `relance run` as well) are harmless: the run locks the company and
re-checks, and a refresh already done today is not done again.

It composes two features, the daily run and the insights, so it sits above both;
its command stays `relance scheduler` (dunning/management/commands/scheduler.py)."""
import logging
import signal
import time

from django.conf import settings
from django.utils import timezone

from relance.dunning.models import Run
from relance.dunning.run import run_dunning
from relance.insights import alerts
from relance.ledger.models import Company

logger = logging.getLogger("relance.dunning")


def due_date(now, run_at, last_run_on):
    """The date to run for at local time `now`, or None if there is nothing to do."""
    today = now.date()
    if now.time() < run_at or (last_run_on is not None and last_run_on >= today):
        return None
    return today


def handle_one(now=None):
    """Run every company that is due; returns the dates run, per company id."""
    now = timezone.localtime(now)
    done = {}
    for company in Company.objects.order_by("pk"):
        last = (Run.objects.filter(company=company).order_by("-as_of")
                .values_list("as_of", flat=True).first())
        as_of = due_date(now, settings.DUNNING_RUN_AT, last)
        if as_of is not None:
            # Another scheduler may start the same run now: the run locks the company
            # and the second one finds nothing left to do.
            result = run_dunning(company, as_of, origin="scheduler")
            logger.info("%s: %d dunning actions for %s", company, len(result.actions), as_of)
            alerts.refresh_if_stale(company, as_of)
            done[company.pk] = as_of
    return done


class Loop:
    """Calls `handle_one` every poll interval until SIGTERM or SIGINT."""

    def __init__(self, poll_seconds):
        self.poll_seconds = poll_seconds
        self.stopping = False

    def stop(self, *args):
        self.stopping = True

    def run(self):
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        while not self.stopping:
            try:
                handle_one()
            except Exception:   # a failed run must not kill the scheduler; retry later
                logger.exception("the scheduled dunning run failed")
            self._sleep()

    def _sleep(self):
        deadline = time.monotonic() + self.poll_seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(1.0, self.poll_seconds))
