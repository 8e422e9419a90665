"""The company's admin form checks its late-penalty policy on the day it is sent: the
policy and the rate agree, and a contractual rate reaches three times the legal
interest rate of that half-year (legal.companies.company_rate_problem).

The world: on 1 March 2025 (legal rate 3.71 %, so at least 11.13 %) a credit manager
edits Ateliers Test SAS in the admin.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation

from relance.ledger.admin import CompanyForm
from relance.ledger.models import Company
from tests.dunning.world import creditor, team

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def first_of_march_2025_in_english(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(2025, 3, 1))
    with translation.override("en"):
        yield


def company_form(**fields):
    data = model_to_dict(Company(name="Ateliers Test SAS", siren="732829320"))
    data = {name: "" if value is None else value for name, value in data.items()
            if name != "logo"}
    return CompanyForm(data={**data, **fields})


def test_a_company_may_agree_a_contractual_rate_at_three_times_the_legal_rate():
    agreed = company_form(penalty_policy="contractual", contractual_rate=Decimal("11.13"))
    assert agreed.is_valid(), agreed.errors
    assert company_form().is_valid()


@pytest.mark.parametrize("fields, reason", [
    ({"penalty_policy": "contractual", "contractual_rate": Decimal("11.12")}, "2025-H1"),
    ({"penalty_policy": "contractual"}, "needs a contractual rate"),
    ({"contractual_rate": Decimal("15")}, "statutory policy takes no contractual rate"),
])
def test_a_company_form_refuses_a_policy_that_cannot_be(fields, reason):
    refused = company_form(**fields)
    assert not refused.is_valid()
    assert list(refused.errors) == ["contractual_rate"]
    assert reason in refused.errors["contractual_rate"][0]


def test_the_admin_edits_a_company_through_this_form(client):
    claire = team("claire")["claire"]
    claire.is_staff = claire.is_superuser = True
    claire.save()
    client.force_login(claire)
    url = reverse("admin:ledger_company_change", args=[creditor().pk])
    assert isinstance(client.get(url).context["adminform"].form, CompanyForm)
