"""`relance bounces [PATH ...]`: process delivery status notifications (bounces).

Each PATH is a file holding one message, or a folder of such files (a maildir's
`new/` or `cur/`); `-` or no PATH reads one message from standard input, so a mail
server can pipe the bounce address's mail to it."""
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relance.delivery import bounces


class Command(BaseCommand):
    help = "Mark the addresses that bounced and send their reminders another way."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", default=["-"])

    def handle(self, paths, **options):
        outcome = bounces.apply(_messages(paths))
        self.stdout.write(json.dumps(vars(outcome)))


def _messages(paths):
    for path in paths:
        if path == "-":
            yield sys.stdin.buffer.read()
            continue
        found = Path(path)
        if not found.exists():
            raise CommandError(f"{path}: no such file or folder")
        files = sorted(p for p in found.iterdir() if p.is_file()) if found.is_dir() else [found]
        for file in files:
            yield file.read_bytes()
