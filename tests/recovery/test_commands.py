"""`relance legal ...` as DESIGN.md's contracts say, on the rates the migrations ship,
and the rate tables as data: listed and set.

The world: a credit manager checks an invoice of 1000.00 due on 15 June 2025 and paid
on 15 July 2025, then updates the tables when a new ECB rate is published.
"""
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from relance.legal.models import RateTable

pytestmark = pytest.mark.django_db


def legal(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("legal", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def penalty(*args):
    return json.loads(legal("penalty", *args)[0])


# relance legal penalty -----------------------------------------------------------------------

def test_the_penalty_is_printed_as_json_with_string_amounts_and_its_periods():
    result = penalty("--amount", "1000", "--due", "2025-06-15", "--paid", "2025-07-15")

    # 16-30 June at 13.15: 5.40; 1-15 July at 12.15: 4.99 (see test_penalties)
    assert result["penalty"] == "10.39" and result["indemnity"] == "40.00"
    assert result["total"] == "50.39" and result["days"] == 30
    assert result["policy"] == "statutory" and result["warnings"] == []
    assert result["periods"] == [
        {"start": "2025-06-16", "end": "2025-06-30", "days": 15, "base": "1000.00",
         "rate": "13.15", "amount": "5.40"},
        {"start": "2025-07-01", "end": "2025-07-15", "days": 15, "base": "1000.00",
         "rate": "12.15", "amount": "4.99"}]


def test_partial_payments_are_given_as_date_colon_amount():
    result = penalty("--amount", "5000.00", "--due", "2025-03-31", "--paid", "2025-05-31",
                     "--partial", "2025-04-30:2000.00")

    # 1-30 April on 5000: 54.04; 1-31 May on 3000: 33.51
    assert result["penalty"] == "87.55"
    assert [p["base"] for p in result["periods"]] == ["5000.00", "3000.00"]


def test_a_contractual_rate_at_the_floor_is_applied():
    result = penalty("--amount", "1000", "--due", "2025-01-31", "--paid", "2025-03-02",
                     "--rate", "11.13")

    # 30 days: 1000 × 11.13 × 30 / 36500 = 9.15
    assert result["penalty"] == "9.15" and result["policy"] == "contractual"


def test_a_contractual_rate_below_the_floor_is_refused_naming_the_half_year():
    with pytest.raises(CommandError, match=r"--rate 11.12: .*2025-H1.*11.13"):
        legal("penalty", "--amount", "1000", "--due", "2025-01-31", "--paid",
              "2025-03-02", "--rate", "11.12")


def test_paid_on_the_due_date_costs_nothing():
    result = penalty("--amount", "1000", "--due", "2025-06-15", "--paid", "2025-06-15")
    assert (result["penalty"], result["indemnity"], result["periods"]) == ("0.00", "0.00", [])


@pytest.mark.parametrize("flag", ["--consumer", "--insolvent"])
def test_consumers_and_insolvent_debtors_owe_no_indemnity(flag):
    result = penalty("--amount", "1000", "--due", "2025-06-15", "--paid", "2025-07-15", flag)
    assert (result["penalty"], result["indemnity"]) == ("10.39", "0.00")


def test_a_half_year_without_a_rate_is_a_warning_in_the_output():
    result = penalty("--amount", "1000", "--due", "2026-06-20", "--paid", "2026-07-20")

    assert result["penalty"] == "9.99"
    assert result["warnings"] == [("no ECB rate for 2026-H2: the rate of 2026-H1 (2.15 %) "
                                   "was used")]


@pytest.mark.parametrize("args, named", [
    (["--amount", "abc", "--due", "2025-06-15", "--paid", "2025-07-15"], "--amount"),
    (["--amount", "-5", "--due", "2025-06-15", "--paid", "2025-07-15"], "--amount"),
    (["--amount", "10.001", "--due", "2025-06-15", "--paid", "2025-07-15"], "--amount"),
    (["--amount", "100", "--due", "15/06/2025", "--paid", "2025-07-15"], "--due"),
    (["--amount", "100", "--due", "2025-06-15", "--paid", "2025-02-30"], "--paid"),
    (["--amount", "100", "--due", "2025-06-15", "--paid", "2025-07-15", "--rate", "x"],
     "--rate"),
    (["--amount", "100", "--due", "2025-06-15", "--paid", "2025-07-15",
      "--partial", "2025-07-01"], "--partial"),
    (["--amount", "100", "--due", "2025-06-15", "--paid", "2025-07-15",
      "--partial", "2025-07-01:150"], "--partial"),
    (["--amount", "100", "--due", "2025-06-15", "--paid", "2025-07-15",
      "--partial", "2025-08-01:50"], "--partial"),
])
def test_bad_input_is_refused_naming_the_argument(args, named):
    with pytest.raises(CommandError, match=named):
        legal("penalty", *args)


# relance legal due-date ----------------------------------------------------------------------

@pytest.mark.parametrize("terms, due", [("eom45:A", "2025-03-17"), ("eom45:B", "2025-03-31"),
                                        ("net:30", "2025-02-14"), ("eom:30", "2025-02-28")])
def test_the_due_date_is_printed_in_iso_format(terms, due):
    out, err = legal("due-date", "--issued", "2025-01-15", "--terms", terms)
    assert out.strip() == due and err == ""


def test_terms_beyond_the_legal_maximum_print_the_date_and_warn():
    out, err = legal("due-date", "--issued", "2025-01-15", "--terms", "net:90")
    assert out.strip() == "2025-04-15" and "60 days" in err


@pytest.mark.parametrize("args, named", [
    (["--issued", "2025-01-15", "--terms", "45 jours fin de mois"], "--terms"),
    (["--issued", "yesterday", "--terms", "net:30"], "--issued"),
])
def test_bad_terms_or_dates_are_refused_naming_the_argument(args, named):
    with pytest.raises(CommandError, match=named):
        legal("due-date", *args)


# relance legal rates -------------------------------------------------------------------------

def test_rates_are_listed_as_json_or_as_a_table():
    listed = json.loads(legal("rates", "list", "--json")[0])
    assert {"kind": "ecb", "half_year": "2025-H2", "rate": "2.15"}.items() <= listed[21].items()
    assert "2026-H1" in legal("rates", "list")[0]


def test_a_new_half_years_rate_is_set_and_then_used():
    out, _err = legal("rates", "set", "ecb", "2026-H2", "2.40")
    assert "2026-H2" in out
    result = penalty("--amount", "1000", "--due", "2026-06-20", "--paid", "2026-07-20")

    # 21-30 June at 12.15: 3.33; 1-20 July at 12.40: 1000 × 12.40 × 20 / 36500 = 6.79
    assert result["penalty"] == "10.12" and result["warnings"] == []
    row = RateTable.objects.get(kind="ecb", year=2026, half=2)
    assert row.source == "relance legal rates set"


def test_setting_a_rate_again_replaces_it():
    legal("rates", "set", "legal", "2026-H1", "2,70", "--source", "JO du 24 décembre")
    row = RateTable.objects.get(kind="legal", year=2026, half=1)
    assert (row.rate, row.source) == (Decimal("2.70"), "JO du 24 décembre")


@pytest.mark.parametrize("args, named", [
    (["bce", "2026-H2", "2"], "kind"), (["ecb", "2026-H3", "2"], "YYYY-H1"),
    (["ecb", "2026", "2"], "YYYY-H1"), (["ecb", "2026-H2", "deux"], "RATE"),
    (["ecb", "2026-H2", "120"], "RATE"), (["ecb", "2026-H2", "2.155"], "RATE"),
])
def test_bad_rates_are_refused_naming_the_argument(args, named):
    with pytest.raises(CommandError, match=named):
        legal("rates", "set", *args)
    assert not RateTable.objects.filter(year=2026, half=2).exists()
