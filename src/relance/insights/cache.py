"""The dashboard's figures kept while nothing changed.

A view computes its figures in a dozen aggregate queries over the ledger; on a million
invoices that is a few hundred milliseconds, most of them spent re-adding the same
numbers. The result is kept in Django's cache under the scope, the day and a stamp of
the ledger: the highest id of invoices, payments, allocations, disputes, promises and
timeline events (primary-key maxima, read from the index). Every change to the ledger
adds one of those rows (every action leaves a timeline event), so a changed ledger
misses the cache at once; `INSIGHTS_CACHE_SECONDS` (default 300, 0 to turn it off)
bounds how long anything else, such as an edited promise, may stay unseen.
"""
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from relance.cases.models import Dispute, Promise
from relance.ledger.models import Allocation, Event, Invoice, Payment

STAMPED = (Invoice, Payment, Allocation, Dispute, Promise, Event)


def stamp():
    return tuple(model.objects.aggregate(top=Max("pk"))["top"] for model in STAMPED)


def kept(name, scope, today, compute):
    """`compute()`, or what it returned for the same scope, day and ledger stamp."""
    seconds = settings.INSIGHTS_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    ledger = "-".join(str(top or 0) for top in stamp())
    key = f"insights:{name}:{scope.company.pk}:{scope.key}:{today}:{ledger}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found
