"""`relance demo [--port P] [--no-serve]`: a working Relance in one command.

Migrates the embedded database, loads the demo data if the database holds no company
yet (so running it again changes nothing), makes sure the demo login works, then serves
the web app like `relance serve`.
"""
import os
import subprocess
from datetime import date
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from relance import env
from relance.demo import dunning as dunning_demo
from relance.demo import ledger as demo
from relance.ledger.models import Company
from relance.team.models import Role, User
from relance.web.management.commands import serve

DEMO_PASSWORD = "relance-demo"  # a local demo: the password is printed on screen anyway


def ensure_demo_login():
    """The demo admin (created by the demo data) is active with the known password.

    Only touches the row when something differs, so a second run writes nothing.
    Returns the user, or None when the database holds no demo user: then it is not a
    demo database, and a known password must not be added to it.
    """
    user = User.objects.filter(email=demo.DEMO_EMAIL).first()
    if user is None:
        return None
    if not (user.is_active and user.role == Role.ADMIN and user.is_superuser
            and user.check_password(DEMO_PASSWORD)):
        user.role, user.is_active, user.is_staff, user.is_superuser = Role.ADMIN, True, True, True
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def start_background_processes():
    """Processes that run beside the web app during the demo; returns them to stop later:
    the daily scheduler and the outbox worker. Without EMAIL_URL the demo has no mail
    server to talk to: its emails go to .eml files under RELANCE_HOME/mail instead."""
    relance = [sys.executable, "-m", "relance"]
    worker_env = dict(os.environ)
    worker_env.setdefault("EMAIL_URL", demo_mail_url())
    return [subprocess.Popen([*relance, "scheduler"]),
            subprocess.Popen([*relance, "worker", "--ignore-hours"], env=worker_env)]


def demo_mail_url():
    return (env.home() / "mail").as_uri()


def stop_background_processes(processes):
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


class Command(BaseCommand):
    help = "Prepare the embedded database with demo data and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=serve.DEFAULT_PORT)
        parser.add_argument("--no-serve", action="store_true",
                            help="prepare the database and exit")

    def handle(self, port, no_serve, **options):
        if not no_serve:
            serve.check_port_free(port)  # before the slow part, so a taken port fails fast
        call_command("migrate", interactive=False, verbosity=0)
        self.load_data()
        login = ensure_demo_login()
        if login is None:
            self.stderr.write(f"{demo.DEMO_EMAIL} does not exist: this database was not "
                              "made by the demo, log in with your own account.")
        if no_serve:
            return
        self.print_login(port, login)
        processes = start_background_processes()
        try:
            serve.serve(port)
        finally:
            stop_background_processes(processes)

    def load_data(self):
        company = Company.objects.order_by("pk").first()
        if company is not None:
            self.stdout.write(f"The database already holds {company.name}: "
                              "no demo data loaded.")
            return
        started = time.monotonic()
        try:
            counts = demo.build()
        except demo.DemoRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"{demo.describe(counts)} ({time.monotonic() - started:.1f} s)")
        company = Company.objects.get()
        run = dunning_demo.prepare(company, date.fromisoformat(counts["as_of"]))
        self.stdout.write(f"First dunning run: {len(run.actions)} actions planned.")

    def print_login(self, port, login):
        lines = [f"Relance demo: http://{serve.HOST}:{port}/"]
        if login is not None:
            lines.append(f"Log in as {demo.DEMO_EMAIL} with the password {DEMO_PASSWORD}")
        if "EMAIL_URL" not in os.environ:
            lines.append(f"Emails are written to {env.home() / 'mail'} (set EMAIL_URL "
                         "to send them through an SMTP server)")
        lines.append("Stop it with Ctrl-C.")
        text = "\n".join(f"  {line}" for line in lines)
        self.stdout.write(self.style.SUCCESS(f"\n{text}\n"))
        self.stdout.flush()
