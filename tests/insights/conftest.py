import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def no_figures_kept_from_another_test():
    """Rolled-back tests reuse primary keys: a ledger stamp of one test's world could
    match the next one's. Each test starts with an empty cache."""
    cache.clear()
    yield
    cache.clear()
