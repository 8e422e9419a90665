"""`relance run` and `relance scheduler`, as cron, an operator or `relance demo` use
them."""
import datetime as dt
import io
import json
import zoneinfo
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from relance import scheduler
from relance.dunning.models import Action, Run
from relance.insights.models import Alert, AlertKind, Refresh
from tests.dunning.world import D, creditor, customer, invoice

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def run_command(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("run", *args, stdout=out)
    return out.getvalue()


def test_run_prints_the_counts_as_json_and_queues_the_actions():
    company = creditor()
    invoice(customer(company, "LATE"), "100.00", D(2026, 6, 12))
    invoice(customer(company, "OLD"), "100.00", D(2026, 4, 1))
    report = json.loads(run_command("--as-of", "2026-06-15", "--json"))
    assert report["actions"] == 2 == Action.objects.count()
    # the old debt's escalation is due, but nothing was ever written: the firm email first
    assert report["by_channel"] == {"email": 2}
    assert report["by_step"] == {"Standard / Firm reminder": 1,
                                 "Standard / Friendly reminder": 1}
    assert report["waiting"] == 0
    assert json.loads(run_command("--as-of", "2026-06-15", "--json"))["actions"] == 0


def test_a_dry_run_shows_the_actions_and_writes_nothing():
    company = creditor()
    invoice(customer(company, "LATE", name="Boulangerie Roux"), "100.00", D(2026, 6, 12))
    output = run_command("--as-of", "2026-06-15", "--dry-run")
    assert "Boulangerie Roux" in output and "Friendly reminder" in output
    assert "1 action(s) would be planned for 2026-06-15" in output
    assert Action.objects.count() == Run.objects.count() == 0


def test_a_bad_date_is_refused_with_a_clear_message():
    creditor()
    with pytest.raises(CommandError, match="--as-of 2026-02-30: not a date"):
        run_command("--as-of", "2026-02-30")


@pytest.mark.parametrize("now, last, expected", [
    (dt.datetime(2026, 6, 15, 6, 59), None, None),               # before the hour
    (dt.datetime(2026, 6, 15, 7, 0), None, D(2026, 6, 15)),
    (dt.datetime(2026, 6, 15, 9, 0), D(2026, 6, 15), None),      # already ran today
    (dt.datetime(2026, 6, 16, 7, 30), D(2026, 6, 15), D(2026, 6, 16)),
])
def test_the_scheduler_runs_once_a_day_after_its_hour(now, last, expected):
    assert scheduler.due_date(now, dt.time(7, 0), last) == expected


@override_settings(DUNNING_RUN_AT=dt.time(7, 0))
def test_the_scheduler_runs_each_company_once_per_day():
    company = creditor()
    invoice(customer(company, "LATE"), "100.00", D(2026, 6, 12))
    assert scheduler.handle_one(dt.datetime(2026, 6, 15, 6, 0, tzinfo=PARIS)) == {}
    assert scheduler.handle_one(dt.datetime(2026, 6, 15, 7, 5, tzinfo=PARIS)) == {
        company.pk: D(2026, 6, 15)}
    assert scheduler.handle_one(dt.datetime(2026, 6, 15, 18, 0, tzinfo=PARIS)) == {}
    assert Run.objects.get().origin == "scheduler"
    assert Action.objects.count() == 1


@override_settings(DUNNING_RUN_AT=dt.time(7, 0))
def test_the_scheduler_refreshes_the_dashboard_alerts_after_the_run():
    company = creditor()
    late = customer(company, "OVER", credit_limit=Decimal("50.00"))
    invoice(late, "100.00", D(2026, 6, 12))
    scheduler.handle_one(dt.datetime(2026, 6, 15, 7, 5, tzinfo=PARIS))
    assert Refresh.objects.get(company=company).as_of == D(2026, 6, 15)
    assert Alert.objects.filter(customer=late, kind=AlertKind.OVER_CREDIT_LIMIT).exists()


def test_the_scheduler_command_checks_once_and_says_what_it_ran():
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert json.loads(out.getvalue()) == {}
