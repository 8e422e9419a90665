"""`relance import ledger DIR`: the four ledger CSV files, all or nothing."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from relance.imports import schema as schemas
from relance.imports.ledger import import_sources
from relance.imports.readers import CsvSource, FileRejected
from relance.ledger.companies import default_company, get_company

PROGRESS_FROM_LINES = 20_000


class Command(BaseCommand):
    help = "Import data files into the ledger."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        ledger = sub.add_parser("ledger", help="customers.csv, contacts.csv, invoices.csv and "
                                               "payments.csv from a folder")
        ledger.add_argument("directory")
        ledger.add_argument("--company", type=int, help="company id (default: the only one)")
        ledger.add_argument("--json", action="store_true", dest="as_json",
                            help="print the counts as JSON")

    def handle(self, what, directory, company, as_json, **options):
        company = get_company(company) if company else default_company()
        sources = self._sources(Path(directory))
        console = Console(stderr=True)
        with self._progress(console, sources) as advance:
            report = import_sources(company, sources, progress=advance, parallel=True)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict()))
        else:
            console.print(_counts_table(report))
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            more = report.problem_count - len(report.problems)
            if more:
                self.stderr.write(f"... and {more} more problems")
            raise CommandError(f"{report.problem_count} problem(s) found: nothing was imported")

    def _sources(self, directory):
        if not directory.is_dir():
            raise CommandError(f"{directory}: not a folder")
        sources = {}
        for entity in schemas.ENTITIES:
            path = directory / f"{entity}.csv"
            if path.exists():
                try:
                    sources[entity] = CsvSource(path, name=str(path))
                except FileRejected as exc:
                    raise CommandError(f"{exc}: nothing was imported") from None
        if not sources:
            raise CommandError(f"{directory}: none of customers.csv, contacts.csv, "
                               "invoices.csv, payments.csv is there")
        return sources

    def _progress(self, console, sources):
        return _ProgressBars(console, sources, enabled=console.is_terminal)


class _ProgressBars:
    """One bar per large file; a no-op when the output is not a terminal."""

    def __init__(self, console, sources, enabled):
        self.sources = sources
        self.enabled = enabled
        self.progress = Progress(TextColumn("{task.description:<10}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=console)
        self.tasks = {}

    def __enter__(self):
        if self.enabled:
            for entity, source in self.sources.items():
                lines = source.count_lines()
                if lines >= PROGRESS_FROM_LINES:
                    self.tasks[entity] = self.progress.add_task(entity, total=lines - 1)
            self.progress.start()
        return self.advance

    def advance(self, entity, done):
        if entity in self.tasks:
            self.progress.update(self.tasks[entity], completed=done)

    def __exit__(self, *exc):
        if self.enabled:
            self.progress.stop()


def _counts_table(report):
    title = "Imported" if report.committed else "Nothing imported"
    table = Table(title=title)
    for column in ("file", "created", "updated", "unchanged", "rejected"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for entity, counts in report.counts.items():
        c = counts.as_dict()
        table.add_row(entity, *(f"{c[k]:,}" for k in ("created", "updated", "unchanged",
                                                       "rejected")))
    return table

