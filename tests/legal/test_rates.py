"""The rate tables the migrations ship (DOMAIN.md's), and installing them again.

The world: a credit manager corrected one half-year's ECB rate by hand and deleted
another before the shipped rates are installed again.
"""
from decimal import Decimal

import pytest

from relance.legal import rates
from relance.legal.models import RateTable

pytestmark = pytest.mark.django_db


# The shipped rates ---------------------------------------------------------------------------

def test_the_migrations_ship_domain_md_rates():
    shipped = rates.load()
    assert shipped[("ecb", 2015, 1)] == Decimal("0.05")
    assert shipped[("ecb", 2016, 2)] == Decimal("0.00")
    assert shipped[("ecb", 2023, 2)] == Decimal("4.00")
    assert shipped[("ecb", 2026, 1)] == Decimal("2.15")
    assert shipped[("legal", 2025, 2)] == Decimal("2.76")
    assert len([k for k in shipped if k[0] == "ecb"]) == 23   # 2015-H1 to 2026-H1
    assert len([k for k in shipped if k[0] == "legal"]) == 5  # 2024-H1 to 2026-H1


def test_installing_the_shipped_rates_again_keeps_a_corrected_one():
    RateTable.objects.filter(kind="ecb", year=2025, half=1).update(rate=Decimal("3.40"))
    RateTable.objects.filter(kind="ecb", year=2015, half=1).delete()

    assert rates.install_shipped() == 1
    assert rates.load()[("ecb", 2025, 1)] == Decimal("3.40")
