"""`relance worker [--once] [--ignore-hours]`: deliver the outbox."""
import json

from django.conf import settings
from django.core.management.base import BaseCommand

from relance.delivery.worker import Worker


class Command(BaseCommand):
    help = "Deliver due outbox messages (emails, letters, call tasks)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="deliver what is due now and exit")
        parser.add_argument("--ignore-hours", action="store_true",
                            help="send emails outside the DELIVERY_HOURS window")

    def handle(self, once, ignore_hours, **options):
        worker = Worker(settings.WORKER_POLL_SECONDS, ignore_hours=ignore_hours)
        if once:
            self.stdout.write(json.dumps({"handled": worker.drain()}))
            return
        worker.run()
