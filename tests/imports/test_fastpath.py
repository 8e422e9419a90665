"""The fast path of row cleaning reads the plain rows of a ledger without a function call
per cell; it must never accept a row the full checks would refuse, nor read a value
differently, so that every problem is still found and worded by the full checks."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from relance.imports.fastpath import SEPARATOR
from relance.imports.schema import SCHEMAS, clean_row

# Texts near the edges of what each kind of field accepts: plain forms the fast path
# reads, French forms only the full checks read, and mistakes.
TEXTS = st.sampled_from([
    "", " ", "  ", "\u00a0", "x", " x", "x ", "C0000001", "F2026-00000001", "P00000002",
    "2026-03-31", "2026-02-30", "2026-02-29", "2024-02-29", "31/03/2026", "2026-3-31",
    "2026-03-31 ", "1234.56", "0.00", "0.01", "12.5", "1 234,56", "-600.00", "600",
    "1e3", "1E100", "NaN", "Infinity", "999999999999.99", "1000000000000.00", "007.50", "EUR", "eur", "EU", "FR", "fr", "en", "de", "FRA", "0", "1",
    "2", "oui", "maybe", "30", "365", "366", "030", "invoice", "credit_note", "avoir",
    "Invoice", "accounting", "comptabilité", "Sales", "other", "a@b.fr", "a.b@c-d.example",
    "a..b@c.fr", "A@B.FR", "a@-b.fr", "a@b.f", "a@b", "x@y.z1", "181590837", "181590838",
    "x" * 20, "x" * 21, "x" * 50, "x" * 51, "a\x1fb", "Société Générale", "\u2009x",
])


def rows(schema):
    return st.lists(st.one_of(TEXTS, st.text(max_size=8)), min_size=len(schema.fields),
                    max_size=len(schema.fields))


def fast_and_full(schema, cells):
    fast = schema.fast_row.clean(cells, SEPARATOR.join(cells))
    return fast, clean_row(schema, cells)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("entity", SCHEMAS)
@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_the_fast_path_accepts_only_what_the_full_checks_accept_with_the_same_values(
        entity, data):
    schema = SCHEMAS[entity]
    cells = data.draw(rows(schema))

    fast, (values, problems) = fast_and_full(schema, cells)

    if fast is not None:
        assert problems == []
        assert fast == values
        assert [type(v) for v in fast.values()] == [type(v) for v in values.values()]


@given(amount=st.decimals(min_value=0, max_value=10**13, places=2))
@example(amount=Decimal("0.00"))
def test_an_amount_reads_the_same_on_both_paths(amount):
    schema = SCHEMAS["payments"]
    cells = ["P1", "C1", "", "2026-03-31", str(amount), "", ""]

    fast, (values, problems) = fast_and_full(schema, cells)

    if 0 < amount < 10**12:
        assert fast == values and fast["amount"] == amount
    else:  # zero, or too large for the database: refused, with the full checks' words
        assert fast is None and problems[0][0] == "amount"


PLAIN = {
    "customers": ["C0000001", "Studio Lambert SAS", "181590837", "", "", "FR", "fr", "30",
                  "sme", "", "", "", "", ""],
    "contacts": ["C0000001", "Sales Faure", "sales.faure@c0000001.example",
                 "+33 1 36 44 12 97", "sales", ""],
    "invoices": ["F2026-00000001", "C0096494", "2026-11-15", "2026-12-15", "EUR", "1274.94",
                 "254.99", "1529.93", "0", "", ""],
    "payments": ["P00000002", "C0080601", "F2025-00000002", "2026-02-22", "7688.30", "", ""],
}


@pytest.mark.parametrize("entity", SCHEMAS)
def test_a_plain_ledger_row_takes_the_fast_path(entity):
    schema = SCHEMAS[entity]

    fast, (values, problems) = fast_and_full(schema, PLAIN[entity])

    assert problems == [] and fast == values


def test_a_plain_invoice_reads_into_dates_and_decimals():
    schema = SCHEMAS["invoices"]

    values, problems = schema.clean(PLAIN["invoices"], SEPARATOR.join(PLAIN["invoices"]))

    assert problems == []
    assert (values["issue_date"], values["amount_total"], values["disputed"]) == (
        dt.date(2026, 11, 15), Decimal("1529.93"), False)
    assert (values["currency"], values["kind"], values["po_number"]) == ("EUR", "invoice", "")


@pytest.mark.parametrize("position, text, problem", [
    (2, "2026-02-30", "impossible date: 2026-02-30"),
    (3, "31/02/2026", "impossible date: 31/02/2026"),
    (7, "six cents", "not a number: six cents"),
    (7, "-1.00", "negative amount: -1.00"),
    (1, " ", "required value is missing"),
    (8, "maybe", "not yes or no: maybe"),
])
def test_a_row_off_the_fast_path_gets_the_full_checks_problems(position, text, problem):
    schema = SCHEMAS["invoices"]
    cells = list(PLAIN["invoices"])
    cells[position] = text

    values, problems = schema.clean(cells, SEPARATOR.join(cells))

    assert schema.fast_row.clean(cells, SEPARATOR.join(cells)) is None
    assert problems == clean_row(schema, cells)[1]
    assert problems == [(schema.fields[position].name, problem)]
