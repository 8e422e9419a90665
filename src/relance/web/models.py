"""Rows the shared web layer keeps: rate counters for throttling (see throttle.py)."""
from django.db import models


class RateCounter(models.Model):
    """How many hits a key had in the fixed window that started at `window_start`.

    Kept in the database, not in memory, so that several web processes share one count.
    """
    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"],
                                               name="web_ratecounter_key_window")]
        indexes = [models.Index(fields=["window_start"], name="web_ratecounter_window")]

    def __str__(self):
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.hits}"
