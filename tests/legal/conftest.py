"""The tests of this folder read messages in English (tests/support/english.py)."""
from tests.support.english import in_english  # noqa: F401  (an autouse fixture)
