"""The worker loop: deliver due messages one at a time until told to stop."""
import logging
import signal
import time

from django.db import close_old_connections

from relance.delivery.channels import Postman
from relance.delivery.sending import Courier

logger = logging.getLogger("relance.delivery")


class Worker:
    """Loops over `Courier.handle_one`; when nothing is due it sleeps `poll_seconds`.
    SIGTERM or SIGINT stop it after the message in hand, never in the middle of one."""

    def __init__(self, poll_seconds, *, ignore_hours=False):
        self.poll_seconds = poll_seconds
        self.courier = Courier(Postman(), ignore_hours=ignore_hours)
        self.stopping = False
        self.delivered = 0

    def stop(self, *args):
        self.stopping = True

    def drain(self):
        """Deliver everything due now, then return how many messages were handled."""
        handled = 0
        while not self.stopping and self.courier.handle_one() is not None:
            handled += 1
        self.courier.postman.close()
        return handled

    def run(self):
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        while not self.stopping:
            try:
                outcome = self.courier.handle_one()
            except Exception:   # e.g. the database went away: wait and try again
                logger.exception("the delivery worker failed to handle a message")
                close_old_connections()
                outcome = None
            if outcome is None:
                self.courier.postman.close()
                self._sleep()
        self.courier.postman.close()

    def _sleep(self):
        deadline = time.monotonic() + self.poll_seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, self.poll_seconds))
