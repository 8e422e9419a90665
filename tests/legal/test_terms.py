"""Due dates from payment terms, and the legal maximum (L441-10, L441-11), by hand."""
import datetime as dt

import pytest

from relance.legal.terms import due_date, parse_terms, term_problem

D = dt.date


@pytest.mark.parametrize("issued, terms, due", [
    (D(2025, 1, 15), "net:30", D(2025, 2, 14)),
    (D(2025, 1, 15), "net:0", D(2025, 1, 15)),
    # end of January, then 45 days: 31 Jan + 28 (to 28 Feb) + 17 = 17 March
    (D(2025, 1, 15), "eom45:A", D(2025, 3, 17)),
    # in 2024 February has 29 days: 31 Jan + 45 days = 16 March
    (D(2024, 1, 15), "eom45:A", D(2024, 3, 16)),
    (D(2024, 12, 31), "eom45:A", D(2025, 2, 14)),
    # 15 Jan + 45 days = 1 March, then end of March
    (D(2025, 1, 15), "eom45:B", D(2025, 3, 31)),
    # in 2024, 15 Jan + 45 days = 29 February, already the end of its month
    (D(2024, 1, 15), "eom45:B", D(2024, 2, 29)),
    # 15 Jan + 30 days = 14 February, then end of February
    (D(2025, 1, 15), "eom:30", D(2025, 2, 28)),
    (D(2025, 1, 15), "EOM45:b", D(2025, 3, 31)),
])
def test_terms_give_the_due_date(issued, terms, due):
    assert due_date(issued, terms) == due


@pytest.mark.parametrize("text", ["", "net", "net:", "net:-5", "net:1000", "eom45:C",
                                  "eom45:30", "30 jours", "fdm:45"])
def test_anything_else_is_not_payment_terms(text):
    with pytest.raises(ValueError, match="net:N, eom45:A, eom45:B or eom:N"):
        parse_terms(text)


@pytest.mark.parametrize("issued, terms", [
    (D(2025, 1, 15), "net:60"), (D(2025, 1, 15), "eom45:A"), (D(2025, 1, 15), "eom45:B"),
    (D(2025, 1, 15), "eom:30"),
    # 5 Jan + 45 days = 19 Feb -> 28 Feb; + 60 days = 6 March; eom45:A = 17 March
    (D(2025, 1, 5), "eom:45"),
])
def test_terms_within_sixty_days_or_45_days_end_of_month_are_lawful(issued, terms):
    assert term_problem(issued, terms) is None


def test_net_terms_beyond_sixty_days_exceed_the_maximum():
    problem = term_problem(D(2025, 1, 15), "net:61")
    assert "2025-03-17" in problem and "2025-03-16" in problem and "60 days" in problem


def test_end_of_month_terms_beyond_both_readings_of_45_days_end_of_month_exceed_it():
    # 5 Jan + 60 days = 6 March -> 31 March, later than 6 March, 17 March and 28 Feb
    problem = term_problem(D(2025, 1, 5), "eom:60")
    assert "2025-03-31" in problem and "2025-03-17" in problem


def test_road_transport_allows_thirty_days_from_the_invoice_date():
    assert term_problem(D(2025, 1, 15), "net:30", road_transport=True) is None
    problem = term_problem(D(2025, 1, 15), "eom45:A", road_transport=True)
    assert "30 days" in problem and "2025-02-14" in problem
