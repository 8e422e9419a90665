"""Euro reference exchange rates: amounts in other currencies converted to euros, each
conversion naming its rate and the day it was published.

Relance never adds amounts in different currencies (docs/insights.md, "Currencies"):
every figure is per currency. A total in euros, where one is shown, converts each
currency at the ECB reference rate of the day asked, or the latest before it, as long
as that is at most `STALE_DAYS` old (the ECB publishes every TARGET business day; a
week covers the longest closure). Without such a rate the currency is not converted:
the total says which currencies it leaves out, never assumes a rate.

`quote` and `to_euros` are pure (the rates are an argument, `{currency: [(day, rate),
...]}` oldest first); `load`, `set_rate` and `import_ecb_csv` read and write the
`ExchangeRate` table.
"""
import bisect
import csv
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import is_currency
from django.db import transaction
from django.utils.translation import gettext as _

from relance.legal.models import ExchangeRate

EUR = "EUR"
STALE_DAYS = 7
CENT = Decimal("0.01")
MAX_RATE = Decimal("10000000")


@dataclass(frozen=True)
class Quote:
    currency: str
    day: dt.date          # the day the rate was published
    rate: Decimal         # units of `currency` for one euro


@dataclass(frozen=True)
class Converted:
    amount: Decimal       # in euros, to the cent
    original: Decimal
    currency: str
    quote: Quote


@dataclass(frozen=True)
class EuroTotal:
    """The sum in euros of amounts per currency: `amount` adds the euros and every
    currency converted (`converted`); `missing` lists the currencies without a usable
    rate, left out of `amount`."""
    amount: Decimal
    converted: tuple
    missing: tuple

    @property
    def complete(self):
        return not self.missing


def quote(rates, currency, on):
    """The rate to convert `currency` on `on`: the latest published on or before it,
    at most STALE_DAYS old; None when there is none. Euros are their own rate."""
    if currency == EUR:
        return Quote(EUR, on, Decimal(1))
    published = rates.get(currency) or []
    index = bisect.bisect_right(published, (on, MAX_RATE))
    if index == 0:
        return None
    day, rate = published[index - 1]
    if (on - day).days > STALE_DAYS:
        return None
    return Quote(currency, day, rate)


def to_euros(amount, currency, rates, on):
    """`amount` of `currency` in euros on `on` (Converted), or None without a rate."""
    found = quote(rates, currency, on)
    if found is None:
        return None
    euros = (Decimal(amount) / found.rate).quantize(CENT, ROUND_HALF_UP)
    return Converted(euros, Decimal(amount), currency, found)


def total_in_euros(amounts, rates, on):
    """The EuroTotal of `amounts` ({currency: amount}) on `on`."""
    total, converted, missing = Decimal("0.00"), [], []
    for currency, amount in amounts.items():
        found = to_euros(amount, currency, rates, on)
        if found is None:
            missing.append(currency)
            continue
        total += found.amount
        if currency != EUR:
            converted.append(found)
    return EuroTotal(total, tuple(converted), tuple(missing))


# The table ---------------------------------------------------------------------------

def load(currencies=None, until=None):
    """`{currency: [(day, rate), ...]}` oldest first, for `currencies` (all when None),
    published on or before `until` (any day when None)."""
    rows = ExchangeRate.objects.all()
    if currencies is not None:
        rows = rows.filter(currency__in=[c for c in currencies if c != EUR])
    if until is not None:
        rows = rows.filter(day__lte=until, day__gte=until - dt.timedelta(days=STALE_DAYS))
    found = {}
    for currency, day, rate in rows.order_by("currency", "day").values_list(
            "currency", "day", "rate"):
        found.setdefault(currency, []).append((day, _plain(rate)))
    return found


def _plain(rate):
    """1.050000 as 1.05 (what the ECB wrote), 100.000000 as 100, never 1E+2."""
    shown = rate.normalize()
    return shown.quantize(Decimal(1)) if shown.as_tuple().exponent > 0 else shown


def parse_currency(text):
    code = str(text).strip().upper()
    if code == EUR or not is_currency(code):
        raise ValueError(_("%(code)r is not an ISO 4217 currency other than the euro")
                         % {"code": text})
    return code


def parse_rate(text):
    """Units of a currency for one euro, from text (`1.0512` or `1,0512`)."""
    try:
        rate = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("%(rate)r is not an exchange rate") % {"rate": text}) from None
    if not rate.is_finite() or not 0 < rate < MAX_RATE:
        raise ValueError(_("%(rate)r is not a positive exchange rate") % {"rate": text})
    if rate != rate.quantize(Decimal("0.000001")):
        raise ValueError(_("%(rate)r has more than six decimals") % {"rate": text})
    return rate


def set_rate(currency, day, rate, source):
    """Record one rate; returns the row and whether it was created."""
    return ExchangeRate.objects.update_or_create(
        currency=parse_currency(currency), day=day,
        defaults={"rate": parse_rate(rate), "source": source})


def import_ecb_csv(path, source):
    """Import the ECB's reference rates CSV (a `Date` column, then one column per
    currency; `N/A` where a currency has no rate that day), all or nothing. Returns
    how many rates were added or changed. A bad value raises ValueError naming the
    file, the line and the column."""
    rows = list(_read_ecb_csv(path))
    changed = 0
    with transaction.atomic():
        for currency, day, rate in rows:
            row, created = ExchangeRate.objects.get_or_create(
                currency=currency, day=day, defaults={"rate": rate, "source": source})
            if created:
                changed += 1
            elif row.rate != rate:
                row.rate, row.source = rate, source
                row.save(update_fields=["rate", "source", "updated_at"])
                changed += 1
    return changed


def _read_ecb_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        header = [cell.strip() for cell in next(reader, [])]
        if not header or header[0].lower() != "date":
            raise ValueError(_("%(file)s, line 1: the first column must be Date")
                             % {"file": path})
        columns = []
        for position, name in enumerate(header[1:], start=2):
            if not name:
                continue
            try:
                columns.append((position - 1, name, parse_currency(name)))
            except ValueError as problem:
                raise ValueError(f"{path}, line 1, column {name!r}: {problem}") from None
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            try:
                day = dt.date.fromisoformat(cells[0].strip())
            except ValueError:
                raise ValueError(_("%(file)s, line %(line)s, column Date: %(value)r is not "
                                   "a date YYYY-MM-DD") % {"file": path, "line": number,
                                                           "value": cells[0]}) from None
            for index, name, currency in columns:
                value = cells[index].strip() if index < len(cells) else ""
                if value in ("", "N/A"):
                    continue
                try:
                    yield currency, day, parse_rate(value)
                except ValueError as problem:
                    raise ValueError(f"{path}, line {number}, column {name}: {problem}"
                                     ) from None
