"""The roles' rules as pure predicates: Paul collects for Retard & Fils, Sam sells to
it; Léa collects and Tom sells for other customers; Claire manages credit, Ada
administers."""
from types import SimpleNamespace

import pytest

from relance.team import access

ADA = SimpleNamespace(pk=1, role="admin")
CLAIRE = SimpleNamespace(pk=2, role="credit_manager")
PAUL = SimpleNamespace(pk=3, role="collector")
LEA = SimpleNamespace(pk=4, role="collector")
SAM = SimpleNamespace(pk=5, role="sales")
TOM = SimpleNamespace(pk=6, role="sales")
RETARD = SimpleNamespace(owner_id=PAUL.pk, sales_rep_id=SAM.pk)


@pytest.mark.parametrize("user, view, act, dispute, note, configure", [
    (ADA, True, True, True, True, True),
    (CLAIRE, True, True, True, True, True),
    (PAUL, True, True, True, True, False),
    (LEA, False, False, False, False, False),
    (SAM, True, False, True, True, False),
    (TOM, False, False, False, False, False),
])
def test_each_role_may_do_what_the_matrix_says(user, view, act, dispute, note, configure):
    assert access.can_view_customer(user, RETARD) is view
    assert access.can_act_on(user, RETARD) is act
    assert access.can_handle_disputes(user, RETARD) is dispute
    assert access.can_add_note(user, RETARD) is note
    assert access.can_configure(user) is configure


def test_only_sales_reps_stay_out_of_the_dunning_pages():
    assert [access.can_use_dunning_pages(u) for u in (ADA, CLAIRE, PAUL, SAM)] == [
        True, True, True, False]


def test_a_customer_without_owner_is_seen_by_managers_only():
    orphan = SimpleNamespace(owner_id=None, sales_rep_id=None)
    assert [access.can_view_customer(u, orphan) for u in (ADA, CLAIRE, PAUL, SAM)] == [
        True, True, False, False]
