"""Reading an action's `summary`, the snapshot stored with it.

Runs write ids only: the invoices the action is about (`invoices`) and the customer's
other overdue invoices (`others`). Pages read numbers and amounts from the ledger, and
the amounts as the action saw them from its lines (`ActionInvoice`). Older summaries
hold a line per invoice ({id, number, ...}); both forms read the same here."""


def invoice_id(item):
    """The id of one entry of a summary's list, whichever form it has."""
    return item["id"] if isinstance(item, dict) else item


def concerned_ids(summary):
    """The ids of the invoices the action is about."""
    return [invoice_id(i) for i in (summary or {}).get("invoices", [])]


def other_ids(summary):
    """The ids of the customer's other overdue invoices listed in `summary`."""
    return [invoice_id(o) for o in (summary or {}).get("others", [])]


def snapshot(invoices, scenario="", step=""):
    """The summary of an action written by hand (a manual reminder, a statement): the
    invoices it is about, without other overdue ones."""
    return {"scenario": scenario, "step": step, "invoices": [i.pk for i in invoices],
            "others": []}
