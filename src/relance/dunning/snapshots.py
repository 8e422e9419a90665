"""Reading an action's `summary`, the snapshot the run stores with it."""


def other_ids(summary):
    """The ids of the customer's other overdue invoices listed in `summary`. Runs write
    ids only (the pages read numbers and amounts from the ledger); older summaries hold
    a line per invoice ({id, number, ...})."""
    return [o["id"] if isinstance(o, dict) else o for o in (summary or {}).get("others", [])]
