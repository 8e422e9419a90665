"""`relance scheduler [--once]`: the built-in daily scheduler (see DUNNING_RUN_AT)."""
import json

from django.conf import settings
from django.core.management.base import BaseCommand

from relance.scheduler import Loop, handle_one


class Command(BaseCommand):
    help = "Run the day's dunning once a day, after DUNNING_RUN_AT."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="check once, run what is due, and exit")

    def handle(self, once, **options):
        if once:
            done = handle_one()
            self.stdout.write(json.dumps({str(k): v.isoformat() for k, v in done.items()}))
            return
        Loop(settings.SCHEDULER_POLL_SECONDS).run()
