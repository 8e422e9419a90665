"""`relance run --as-of D [--dry-run] [--json]`: the daily dunning run."""
import datetime as dt
import io
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from relance.dunning.run import run_dunning
from relance.ledger.companies import default_company, get_company
from relance.ledger.models import Customer

PREVIEW_LINES = 50


def iso_date(text, option="--as-of"):
    """The date `option` was given, or a CommandError naming the option."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} {text}: not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Plan and queue the day's dunning actions."
    # a batch job started by cron every day: the system checks import every view, the
    # PDF engine with them, for nothing it uses; `relance check` runs them
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="the run's date (default: today)")
        parser.add_argument("--dry-run", action="store_true",
                            help="show what the run would do, write nothing")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="print the counts as JSON")
        parser.add_argument("--company", type=int, help="company id (default: the only one)")

    def handle(self, as_of, dry_run, as_json, company, **options):
        as_of = iso_date(as_of) if as_of else timezone.localdate()
        company = get_company(company) if company else default_company()
        result = run_dunning(company, as_of, dry_run=dry_run, origin="cli")
        if as_json:
            self.stdout.write(json.dumps(result.as_json()))
            return
        buffer = io.StringIO()
        console = Console(file=buffer, width=120, force_terminal=self.stdout.isatty())
        if dry_run:
            console.print(_preview(result))
        console.print(_totals(result))
        self.stdout.write(buffer.getvalue(), ending="")


def _preview(result):
    table = Table(title=f"Would do on {result.day}")
    for column in ("customer", "step", "channel", "invoices", "amount"):
        table.add_column(column, justify="right" if column == "amount" else "left")
    shown = result.actions[:PREVIEW_LINES]
    customers = Customer.objects.in_bulk([d.planned.customer_id for d in shown])
    for draft in shown:
        numbers = ", ".join(draft.invoice_numbers)
        table.add_row(str(customers[draft.planned.customer_id]), draft.step_label,
                      draft.channel, numbers,
                      f"{draft.planned.amount} {draft.planned.currency}")
    if len(result.actions) > PREVIEW_LINES:
        table.caption = f"... and {len(result.actions) - PREVIEW_LINES} more"
    return table


def _totals(result):
    verb = "would be planned" if result.dry_run else "planned"
    table = Table(title=f"{len(result.actions):,} action(s) {verb} for {result.day}")
    table.add_column("")
    table.add_column("count", justify="right")
    for label, counts in (("channel", result.by_channel), ("step", result.by_step),
                          ("stopped", result.stopped)):
        for key, count in sorted(counts.items()):
            table.add_row(f"{label}: {key}", f"{count:,}")
    return table
