"""`relance insights ...`: the dashboard's figures from the command line.

    relance insights refresh [--as-of YYYY-MM-DD] [--company ID] [--all-months]
        Raise and clear the day's alerts (over credit limit, paying later than usual)
        and recompute the last closed months; `--all-months` recomputes every kept
        month, after a back-dated import. Run it daily (cron, before office hours):
        otherwise the first dashboard or worklist view of the day does it.
    relance insights figures [--as-of YYYY-MM-DD] [--company ID] [--json]
        The company's dashboard figures.
"""
import argparse
import datetime as dt
import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from relance.insights import alerts, dashboard, snapshots
from relance.insights.scope import Scope
from relance.ledger.companies import default_company, get_company


def _date(text):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = "Dashboard figures and alerts: refresh, figures."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh")
        figures = sub.add_parser("figures")
        for command in (refresh, figures):
            command.add_argument("--as-of", type=_date, default=None)
            command.add_argument("--company", type=int, default=None)
        refresh.add_argument("--all-months", action="store_true")
        figures.add_argument("--json", action="store_true")

    def handle(self, *args, action, as_of, company, **options):
        as_of = as_of or timezone.localdate()
        company = get_company(company) if company else default_company()
        if action == "refresh":
            if options["all_months"]:
                snapshots.forget(company)
            alerts.refresh(company, as_of)
            self.stdout.write(f"{company}: alerts and month-end figures refreshed for {as_of}")
            return
        found = dashboard.figures(Scope(company), as_of)
        data = {"as_of": as_of.isoformat(), "receivables": str(found.receivables),
                "overdue": str(found.overdue), "aging": {k: str(v) for k, v in found.aging.items()},
                "dso": str(round(found.dso, 1)), "best_possible_dso": str(round(found.best_dso, 1)),
                "add": str(round(found.add, 1)),
                "cei_month": None if found.cei_month is None else str(round(found.cei_month, 1)),
                "cei_quarter": None if found.cei_quarter is None else str(round(found.cei_quarter, 1)),
                "dso_trend": [[end.isoformat(), str(round(v, 1))] for end, v in found.trend]}
        self.stdout.write(json.dumps(data) if options["json"] else json.dumps(data, indent=2))
