"""`relance serve [--port P]`: the web app under gunicorn, on 127.0.0.1 only.

Gunicorn runs in this process through its application API, so the command needs no
other executable and Ctrl-C stops everything. Static files are served by whitenoise.
"""
import socket
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn import util
from gunicorn.app.base import BaseApplication

from relance import env

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
APPLICATION = "relance.wsgi:application"   # named, not imported: the entry point sits above


class WebApplication(BaseApplication):
    """Gunicorn configured from a dict instead of its own command line."""

    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return util.import_app(APPLICATION)


def gunicorn_options(port):
    return {
        "bind": f"{HOST}:{port}",
        "workers": env.integer("WEB_CONCURRENCY", 2),
        "accesslog": "-",
        "errorlog": "-",
        # Long imports are uploads: give them time before the worker is recycled.
        "timeout": env.integer("WEB_TIMEOUT", 120),
        "proc_name": "relance-web",
        # Its control socket lives at one path per user: two servers would fight over it.
        "control_socket_disable": True,
    }


def check_port_free(port):
    """Fail with a clear message now rather than let gunicorn retry for seconds."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind((HOST, port))
    except OSError:
        raise CommandError(f"port {port} on {HOST} is already in use: stop what listens "
                           f"there or choose another with --port") from None
    finally:
        probe.close()


def serve(port):
    """Run the web app until gunicorn is told to stop (Ctrl-C, SIGTERM)."""
    check_port_free(port)
    # Whitenoise warns at every start when STATIC_ROOT is missing, even with finders on.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # Workers are forked from this process: they must not share its database connection.
    connections.close_all()
    WebApplication(gunicorn_options(port)).run()


class Command(BaseCommand):
    help = "Serve the web app with gunicorn on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)

    def handle(self, port, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port {port}: expected a TCP port between 1 and 65535")
        self.stdout.write(f"Relance is listening on http://{HOST}:{port}/", ending="\n")
        self.stdout.flush()
        serve(port)
