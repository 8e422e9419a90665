"""The payment reference a reminder and the portal quote: ISO 11649 creditor
references made of a customer's reference."""
import pytest
from stdnum import iso11649

from relance.ledger.references import creditor_reference


@pytest.mark.parametrize("reference, expected", [
    ("ROUX", "RF74 ROUX"), ("C-0042", "RF28 C004 2"), ("539007547034", "RF18 5390 0754 7034"),
])
def test_the_payment_reference_is_an_iso_11649_creditor_reference(reference, expected):
    assert creditor_reference(reference) == expected
    assert iso11649.is_valid(expected)


def test_a_reference_too_long_or_without_letters_or_digits_is_kept_as_it_is():
    assert creditor_reference("A" * 22) == "A" * 22
    assert creditor_reference("--") == "--"
