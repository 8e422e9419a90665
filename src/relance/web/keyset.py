"""Keyset pagination on the primary key, newest first.

A million-row table cannot afford COUNT(*) or deep OFFSETs on every page view. Instead
each page reads `size + 1` rows past a boundary id: the extra row only says whether
another page exists. Links carry `before=<id>` (older rows) or `after=<id>` (newer).
"""
from dataclasses import dataclass, field


@dataclass
class KeysetPage:
    rows: list = field(default_factory=list)
    older_than: int | None = None   # pass as ?before= to get the next (older) page
    newer_than: int | None = None   # pass as ?after= to get the previous (newer) page


def _boundary(params, name):
    try:
        return int(params.get(name, ""))
    except ValueError:
        return None


def keyset_page(queryset, params, size):
    """One page of `queryset` ordered by descending id, from the request's parameters."""
    after, before = _boundary(params, "after"), _boundary(params, "before")
    if after is not None:
        rows = list(queryset.filter(pk__gt=after).order_by("pk")[:size + 1])
        more_newer, rows = len(rows) > size, rows[:size][::-1]
        more_older = True
    else:
        base = queryset if before is None else queryset.filter(pk__lt=before)
        rows = list(base.order_by("-pk")[:size + 1])
        more_older, rows = len(rows) > size, rows[:size]
        more_newer = before is not None
    return KeysetPage(rows=rows,
                      older_than=rows[-1].pk if rows and more_older else None,
                      newer_than=rows[0].pk if rows and more_newer else None)
