"""An action's summary names its invoices by id since the run stopped copying their
lines into it; summaries written before hold whole lines, and read the same."""
from relance.dunning.snapshots import concerned_ids, other_ids

OLD = {"invoices": [{"id": 7, "number": "F-7", "due_date": "2026-01-31",
                     "open_amount": "120.00", "days_late": 3, "occurrence": 0}],
       "others": [{"id": 9, "number": "F-9"}, 11]}
NEW = {"invoices": [7], "others": [9, 11]}


def test_both_forms_of_a_summary_name_the_same_invoices():
    for summary in (OLD, NEW):
        assert concerned_ids(summary) == [7]
        assert other_ids(summary) == [9, 11]


def test_a_summary_without_lists_names_no_invoice():
    assert concerned_ids(None) == [] == other_ids({"statement": True})
