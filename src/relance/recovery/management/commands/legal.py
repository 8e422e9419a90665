"""`relance legal ...`: French late-payment law from the command line.

    relance legal penalty --amount A --due YYYY-MM-DD --paid YYYY-MM-DD
                          [--rate PERCENT] [--partial DATE:AMOUNT ...]
                          [--consumer] [--insolvent]
    relance legal due-date --issued YYYY-MM-DD --terms TERMS [--road-transport]
    relance legal rates list [--json]
    relance legal rates set ecb|legal YYYY-H1|H2 RATE [--source TEXT]
    relance legal fx list [--currency CUR] [--json]
    relance legal fx set CURRENCY YYYY-MM-DD RATE [--source TEXT]
    relance legal fx import ECB_CSV [--source TEXT]
    relance legal limitation [--within DAYS] [--on YYYY-MM-DD] [--company ID] [--json]
    relance legal dossier CUSTOMER_REF [--as-of YYYY-MM-DD] [--out FILE]
                          [--for court|agency] [--language fr|en] [--company ID]
"""
import argparse
import datetime as dt
import json
from pathlib import Path
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from relance.ledger.companies import default_company, get_company
from relance.legal import exchange
from relance.legal import rates as rate_tables
from relance.legal import terms as payment_terms
from relance.legal.models import ExchangeRate, RateTable
from relance.legal.penalties import (
    STATUTORY,
    RateMissing,
    contractual,
    contractual_rate_problem,
    half_years,
    indemnity,
    penalty,
    percent,
)
from relance.recovery import limitation as limitations


def iso_date(text):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def amount(text):
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise argparse.ArgumentTypeError(f"{text!r}: an amount is positive, with at most "
                                         "two decimals")
    return value


def partial(text):
    day, sep, paid = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r} is not DATE:AMOUNT")
    return iso_date(day), amount(paid)


def rate(text):
    try:
        return rate_tables.parse_rate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def contractual_rate(text):
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate in percent") from None
    if not value.is_finite() or not 0 < value < 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate between 0 and 100")
    return value


class Command(BaseCommand):
    help = "French late-payment law: penalties, due dates, rate tables."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        self._penalty_arguments(sub.add_parser(
            "penalty", help="late penalties and indemnity of one invoice, as JSON"))
        due = sub.add_parser("due-date", help="the due date given by payment terms")
        due.add_argument("--issued", type=iso_date, required=True, help="issue date")
        due.add_argument("--terms", required=True, help="net:N, eom45:A, eom45:B or eom:N")
        due.add_argument("--road-transport", action="store_true",
                         help="check the 30-day maximum of road transport")
        tables = sub.add_parser("rates", help="the ECB and legal interest rate tables")
        actions = tables.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="every known rate").add_argument(
            "--json", action="store_true", dest="as_json")
        put = actions.add_parser("set", help="record one half-year's rate")
        put.add_argument("kind", choices=["ecb", "legal"])
        put.add_argument("half_year", metavar="YYYY-H1|H2")
        put.add_argument("rate", type=rate, metavar="RATE")
        put.add_argument("--source", default="relance legal rates set")
        self._fx_arguments(sub.add_parser(
            "fx", help="the ECB euro reference exchange rates"))
        self._limitation_arguments(sub.add_parser(
            "limitation", help="open invoices whose five-year limitation is near or passed"))
        self._dossier_arguments(sub.add_parser(
            "dossier", help="the ZIP dossier of a customer's claim, for a court or an agency"))

    def _fx_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        listed = actions.add_parser("list", help="the rates known, newest first")
        listed.add_argument("--currency", help="only this currency")
        listed.add_argument("--json", action="store_true", dest="as_json")
        put = actions.add_parser("set", help="record one day's rate of one currency")
        put.add_argument("currency", metavar="CURRENCY")
        put.add_argument("day", type=iso_date, metavar="YYYY-MM-DD")
        put.add_argument("rate", metavar="RATE", help="units of CURRENCY for one euro")
        put.add_argument("--source", default="relance legal fx set")
        loaded = actions.add_parser("import", help="the ECB's CSV of reference rates "
                                    "(Date, then one column per currency)")
        loaded.add_argument("path", type=Path, metavar="ECB_CSV")
        loaded.add_argument("--source", default="ECB euro foreign exchange reference rates")

    def _dossier_arguments(self, parser):
        parser.add_argument("customer_ref", metavar="CUSTOMER_REF")
        parser.add_argument("--as-of", type=iso_date, dest="as_of",
                            help="the date of the claim (default: today)")
        parser.add_argument("--out", help="the ZIP to write (default: "
                            "dossier-PURPOSE-REF-DATE.zip in the current directory)")
        parser.add_argument("--for", choices=["court", "agency"], default="court",
                            dest="purpose")
        parser.add_argument("--language", choices=["fr", "en"], default="fr")
        parser.add_argument("--company", type=int, help="company id (default: the only one)")

    def _limitation_arguments(self, parser):
        parser.add_argument("--within", type=int, default=limitations.WITHIN_DAYS,
                            metavar="DAYS", help="limitation dates up to DAYS days ahead")
        parser.add_argument("--on", type=iso_date, dest="today", help="count from this "
                            "date (default: today)")
        parser.add_argument("--company", type=int, help="company id (default: the only one)")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def _penalty_arguments(self, parser):
        parser.add_argument("--amount", type=amount, required=True,
                            help="amount including VAT")
        parser.add_argument("--due", type=iso_date, required=True, help="due date")
        parser.add_argument("--paid", type=iso_date, required=True,
                            help="payment date, or the date to count until")
        parser.add_argument("--rate", type=contractual_rate,
                            help="contractual rate in percent (default: statutory)")
        parser.add_argument("--partial", type=partial, action="extend", nargs="+",
                            default=[], metavar="DATE:AMOUNT",
                            help="partial payments before the final one")
        parser.add_argument("--consumer", action="store_true",
                            help="the debtor is a consumer: no indemnity")
        parser.add_argument("--insolvent", action="store_true",
                            help="the debtor is in insolvency proceedings: no indemnity")

    def handle(self, what, **options):
        handler = {"penalty": self.penalty, "due-date": self.due_date,
                   "rates": self.rates, "fx": self.fx, "limitation": self.limitation,
                   "dossier": self.dossier}[what]
        handler(**options)

    def penalty(self, amount, due, paid, rate, partial, consumer, insolvent, **options):
        for day, _paid in partial:
            if day > paid:
                raise CommandError(f"--partial {day}: after the payment date --paid {paid}")
        rates = rate_tables.load()
        policy = STATUTORY if rate is None else contractual(rate)
        if rate is not None:
            self._check_contractual(rate, due, paid, rates)
        try:
            result = penalty(amount, due, paid, rates, policy=policy, partials=partial)
        except ValueError as exc:
            raise CommandError(f"--partial: {exc}") from None
        except RateMissing as exc:
            raise CommandError(str(exc)) from None
        fixed = indemnity(result.late, consumer=consumer, insolvent=insolvent)
        self.stdout.write(json.dumps({
            "penalty": f"{result.amount:.2f}", "indemnity": f"{fixed:.2f}",
            "total": f"{result.amount + fixed:.2f}", "policy": policy.kind,
            "days": result.days, "periods": [p.as_dict() for p in result.periods],
            "warnings": list(result.warnings)}, ensure_ascii=False))

    def _check_contractual(self, rate, due, paid, rates):
        """A contractual rate must reach the floor in every half-year it is applied."""
        for half in half_years(due + dt.timedelta(days=1), paid):
            problem = contractual_rate_problem(rate, half, rates)
            if problem:
                raise CommandError(f"--rate {percent(rate)}: {problem}")

    def due_date(self, issued, terms, road_transport, **options):
        try:
            parsed = payment_terms.parse_terms(terms)
        except ValueError as exc:
            raise CommandError(f"--terms: {exc}") from None
        self.stdout.write(payment_terms.due_date(issued, parsed).isoformat())
        problem = payment_terms.term_problem(issued, parsed, road_transport=road_transport)
        if problem:
            self.stderr.write(f"warning: {problem}")

    def rates(self, action, **options):
        if action == "list":
            return self._list(options["as_json"])
        try:
            row, created = rate_tables.set_rate(options["kind"], options["half_year"],
                                                options["rate"], options["source"])
        except ValueError as exc:
            raise CommandError(f"YYYY-H1|H2: {exc}") from None
        self.stdout.write(f"{'added' if created else 'updated'}: {row}")

    def fx(self, action, **options):
        if action == "list":
            return self._fx_list(options["currency"], options["as_json"])
        try:
            if action == "set":
                row, created = exchange.set_rate(options["currency"], options["day"],
                                                 options["rate"], options["source"])
                self.stdout.write(f"{'added' if created else 'updated'}: {row}")
                return
            if not options["path"].is_file():
                raise ValueError(f"{options['path']}: no such file")
            changed = exchange.import_ecb_csv(options["path"], options["source"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{changed} rates added or changed")

    def _fx_list(self, currency, as_json):
        rows = ExchangeRate.objects.order_by("currency", "-day")
        if currency:
            rows = rows.filter(currency=currency.strip().upper())
        if as_json:
            self.stdout.write(json.dumps([
                {"currency": r.currency, "day": r.day.isoformat(), "rate": str(r.rate),
                 "source": r.source} for r in rows], ensure_ascii=False))
            return
        table = Table("currency", "day", "units for 1 EUR", "source")
        for r in rows:
            table.add_row(r.currency, r.day.isoformat(), str(r.rate), r.source)
        Console(file=self.stdout, width=120).print(table)

    def _list(self, as_json):
        rows = RateTable.objects.order_by("kind", "year", "half")
        if as_json:
            self.stdout.write(json.dumps([
                {"kind": r.kind, "half_year": f"{r.year}-H{r.half}", "rate": percent(r.rate),
                 "source": r.source, "updated_at": r.updated_at.isoformat()}
                for r in rows], ensure_ascii=False))
            return
        table = Table("kind", "half-year", "rate (%)", "source", "updated")
        for r in rows:
            table.add_row(r.kind, f"{r.year}-H{r.half}", percent(r.rate), r.source,
                          f"{r.updated_at:%Y-%m-%d %H:%M}")
        Console(file=self.stdout, width=120).print(table)

    def limitation(self, within, today, company, as_json, **options):
        if within < 0:
            raise CommandError(f"--within {within}: a number of days, 0 or more")
        today = today or timezone.localdate()
        company = get_company(company) if company else default_company()
        found = limitations.approaching(company, today, within)
        rows = [{"invoice": f.invoice.number, "customer": f.invoice.customer.reference,
                 "due_date": f.invoice.due_date.isoformat(),
                 "last_payment": f.last_payment and f.last_payment.isoformat(),
                 "last_acknowledgment": (f.last_acknowledgment
                                         and f.last_acknowledgment.isoformat()),
                 "limitation_date": f.date.isoformat(), "days_left": f.days_left(today),
                 "passed": f.passed(today), "open_amount": f"{f.invoice.open_amount:.2f}",
                 "currency": f.invoice.currency} for f in found]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        table = Table("invoice", "customer", "due", "last payment", "limitation", "days left",
                      "open amount")
        for r in rows:
            table.add_row(r["invoice"], r["customer"], r["due_date"], r["last_payment"] or "",
                          r["limitation_date"], str(r["days_left"]),
                          f"{r['open_amount']} {r['currency']}")
        Console(file=self.stdout, width=120).print(table)

    def dossier(self, customer_ref, as_of, out, purpose, language, company, **options):
        from relance.ledger.models import Customer
        from relance.recovery.dossier import dossier_filename, write_dossier

        company = get_company(company) if company else default_company()
        customer = (Customer.objects.select_related("company")
                    .filter(company=company, reference=customer_ref).first())
        if customer is None:
            raise CommandError(f"CUSTOMER_REF {customer_ref!r}: no such customer")
        as_of = as_of or timezone.localdate()
        path = Path(out or dossier_filename(customer, as_of, purpose))
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as handle:
                entries = write_dossier(customer, as_of, handle, purpose=purpose,
                                        language=language)
            partial.replace(path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"--out {path}: {exc.strerror or exc}") from None
        self.stdout.write(f"{path}: {len(entries)} files")
