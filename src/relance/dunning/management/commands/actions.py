"""`relance actions export --from D --to D [--json] [--company ID]`: the action log.

Every action planned or sent from one day to another (both included), oldest first:
as a JSON list of objects with `--json`, else as CSV (`;`-separated, one row per
action, its invoices joined) on standard output.
"""
import csv
import json

from django.core.management.base import BaseCommand, CommandError

from relance.dunning import log
from relance.dunning.management.commands.run import iso_date
from relance.dunning.models import Action
from relance.ledger.companies import default_company, get_company

CSV_FIELDS = ["customer_ref", "customer", "planned_on", "kind", "step", "channel",
              "status", "amount", "currency", "sent_at", "invoices"]


class Command(BaseCommand):
    help = "Export the actions planned or sent in a window of days."
    requires_system_checks = []

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        export = commands.add_parser("export", help=self.help)
        export.add_argument("--from", dest="start", required=True,
                            help="first day (YYYY-MM-DD)")
        export.add_argument("--to", dest="end", required=True, help="last day (YYYY-MM-DD)")
        export.add_argument("--json", action="store_true", dest="as_json",
                            help="print a JSON list of objects")
        export.add_argument("--company", type=int,
                            help="company id (default: the only one)")

    def handle(self, command, start, end, as_json, company, **options):
        start, end = iso_date(start, "--from"), iso_date(end, "--to")
        if start > end:
            raise CommandError(f"--from {start} is after --to {end}")
        company = get_company(company) if company else default_company()
        entries = [log.entry(a) for a in
                   log.between(Action.objects.filter(company=company), start, end)]
        if as_json:
            self.stdout.write(json.dumps(entries, ensure_ascii=False))
            return
        writer = csv.DictWriter(self.stdout, CSV_FIELDS, delimiter=";", extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        for entry in entries:
            numbers = ", ".join(f"{i['number']} ({i['amount']})" for i in entry["invoices"])
            writer.writerow({**entry, "sent_at": entry["sent_at"] or "", "invoices": numbers})
