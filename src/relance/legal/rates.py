"""The rate tables in the database: read as the mapping `penalties` takes, updated
one half-year at a time, and filled from the shipped data/rates.csv."""
import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from relance.legal.halfyears import HalfYear
from relance.legal.models import RateKind, RateTable

SHIPPED = Path(__file__).parent / "data" / "rates.csv"
MAX_RATE = Decimal("100")


def load():
    """`{(kind, year, half): rate}` for every rate in the database."""
    return {(kind, year, half): rate for kind, year, half, rate
            in RateTable.objects.values_list("kind", "year", "half", "rate")}


def shipped(path=SHIPPED):
    """The rows of the shipped file as `RateTable` field values."""
    with open(path, newline="", encoding="utf-8") as file:
        return [{"kind": row["kind"], "year": int(row["year"]), "half": int(row["half"]),
                 "rate": Decimal(row["rate"]), "source": row.get("source", "")}
                for row in csv.DictReader(file)]


def install_shipped(model=RateTable, path=SHIPPED):
    """Add the shipped rates the table does not have yet; rates already there (maybe
    corrected by a user) are kept. Returns how many were added. Migrations pass their
    historical model."""
    added = 0
    for row in shipped(path):
        key = {k: row[k] for k in ("kind", "year", "half")}
        _found, created = model.objects.get_or_create(
            **key, defaults={"rate": row["rate"], "source": row["source"]})
        added += created
    return added


def parse_rate(text):
    """A rate in percent from text (`2.15` or `2,15`); ValueError when it is not one
    between 0 and 100 with at most two decimals."""
    try:
        rate = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("%(rate)r is not a rate in percent") % {"rate": text}) from None
    if not rate.is_finite() or not 0 <= rate < MAX_RATE:
        raise ValueError(_("%(rate)r is not a rate between 0 and 100") % {"rate": text})
    if rate != rate.quantize(Decimal("0.01")):
        raise ValueError(_("%(rate)r has more than two decimals") % {"rate": text})
    return rate


def set_rate(kind, half, rate, source):
    """Record `rate` for `kind` and `half` (a HalfYear or its text); returns the row
    and whether it was created."""
    if kind not in RateKind.values:
        raise ValueError(_("%(kind)r is not a kind of rate: ecb or legal") % {"kind": kind})
    half = half if isinstance(half, HalfYear) else HalfYear.parse(half)
    return RateTable.objects.update_or_create(
        kind=kind, year=half.year, half=half.half,
        defaults={"rate": parse_rate(rate), "source": source})
