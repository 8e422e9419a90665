"""`relance import ledger DIR`: the four ledger CSV files, all or nothing.

Everything it prints is in the active language (LANGUAGE_CODE, French by default), the
problems found in the files as well as its own words."""
import json
import stat
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from relance.imports import legal_checks
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
        if report.committed and "invoices" in sources:
            # A warning on standard error: the JSON on standard output keeps its shape.
            warning = legal_checks.terms_warning(legal_checks.terms_beyond_maximum(company))
            if warning:
                self.stderr.write(warning)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            more = report.problem_count - len(report.problems)
            if more:
                self.stderr.write(ngettext("… and %(counter)s more problem not shown.",
                                           "… and %(counter)s more problems not shown.",
                                           more) % {"counter": more})
            raise CommandError(ngettext(
                "%(counter)s problem found: nothing was imported.",
                "%(counter)s problems found: nothing was imported.",
                report.problem_count) % {"counter": report.problem_count})

    def _sources(self, directory):
        if not directory.is_dir():
            raise CommandError(_("%(folder)s: not a folder") % {"folder": directory})
        sources = {}
        for entity in schemas.ENTITIES:
            path = directory / f"{entity}.csv"
            if path.exists() or path.is_symlink():
                if not _regular_file(path):
                    raise CommandError(_("%(path)s: not a regular file (a folder, a pipe or "
                                         "a device is never read): nothing was imported")
                                       % {"path": path})
                try:
                    sources[entity] = CsvSource(path, name=str(path))
                except FileRejected as exc:
                    raise CommandError(_("%(problem)s: nothing was imported")
                                       % {"problem": exc.problem}) from None
        if not sources:
            raise CommandError(_("%(folder)s: none of customers.csv, contacts.csv, "
                                 "invoices.csv, payments.csv is there") % {"folder": directory})
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


def _regular_file(path):
    """Whether `path` is a regular file (a symbolic link to one counts): reading a FIFO
    would wait forever, a folder or a device is no ledger."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _counts_table(report):
    table = Table(title=_("Imported") if report.committed else _("Nothing imported"))
    table.add_column(_("File"))
    for heading in (_("Created"), _("Updated"), _("Unchanged"), _("Rejected")):
        table.add_column(heading, justify="right")
    for entity, counts in report.counts.items():
        c = counts.as_dict()
        table.add_row(f"{entity}.csv", *(f"{c[k]:,}" for k in ("created", "updated",
                                                               "unchanged", "rejected")))
    return table

