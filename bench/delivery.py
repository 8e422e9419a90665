#!/usr/bin/env python3
"""Benchmark: emails per second from `relance worker` to a loopback SMTP server.

For each database: a fresh RELANCE_HOME (and PostgreSQL server), the gen_ledger.py
ledger imported, the first dunning run for 2026-11-23 (it queues thousands of emails,
letters and calls), then for each worker count an aiosmtpd server on loopback (in this
process, accepting everything) and that many `relance worker --ignore-hours` processes.
The rate is measured between the `--warmup`-th mail received and `--count` mails
later, so that start-up (Django, WeasyPrint imports) is not counted. The emails are the
shipped scenarios' as they are: text, HTML and each invoice's summary PDF, rendered by
WeasyPrint. Each worker count starts from the same queue (a copy of the database made
after the run; on PostgreSQL, the messages sent are put back to pending).

    .venv/bin/python bench/delivery.py [--invoices 100000] [--databases sqlite postgres]
                                       [--workers 1 2] [--count 1000]
                                       [--no-attachments]

With `--no-attachments` the steps attach nothing (Step.attach_invoices off): the rate
of the delivery machinery itself, without WeasyPrint.

Prints one Markdown table row per measure, to paste into docs/benchmarks.md.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from import_ledger import RELANCE, database_env, ledger  # noqa: E402
from tests.plugins.smtp import start_smtp_server  # noqa: E402

AS_OF = "2026-11-23"
RESET = ("from relance.delivery.models import Message; "
         "Message.objects.exclude(channel__in=['call', 'task']).update("
         "state='pending', attempts=0, lease='', lease_until=None, sent_at=None, "
         "message_id='', language='', available_at='2026-11-23T00:00:00+01:00')")


NO_ATTACHMENTS = ("from relance.dunning.defaults import ensure_scenarios; "
                  "from relance.dunning.models import Step; "
                  "from relance.ledger.models import Company; "
                  "[ensure_scenarios(c) for c in Company.objects.all()]; "
                  "Step.objects.update(attach_invoices=False)")


def prepare(folder, env, attachments):
    subprocess.run([str(RELANCE), "migrate", "-v0"], env=env, check=True)
    subprocess.run([str(RELANCE), "import", "ledger", str(folder), "--json"], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    if not attachments:
        subprocess.run([str(RELANCE), "shell", "-c", NO_ATTACHMENTS], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    out = subprocess.run([str(RELANCE), "run", "--as-of", AS_OF, "--json"], env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def rate(env, workers, warmup, count):
    """Emails per second between the warmup-th and the (warmup + count)-th received."""
    server, controller = start_smtp_server()
    environ = dict(env, EMAIL_URL=server.url, DELIVERY_MAX_PER_MINUTE="0",
                   WORKER_POLL_SECONDS="1")
    processes = [subprocess.Popen([str(RELANCE), "worker", "--ignore-hours"], env=environ)
                 for _ in range(workers)]
    try:
        started = _when(server, warmup, processes)
        finished = _when(server, warmup + count, processes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        controller.stop()
    return count / (finished - started)


def _when(server, received, processes, timeout=1800):
    deadline = time.monotonic() + timeout
    while len(server.messages) < received:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("a worker stopped")
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(server.messages)} mails after {timeout} s")
        time.sleep(0.02)
    return time.monotonic()


def measure(folder, database, worker_counts, warmup, count, attachments=True):
    with tempfile.TemporaryDirectory(prefix="relance-bench-") as home:
        env, server = database_env(database, home)
        try:
            run = prepare(folder, env, attachments)
            emails = run["by_channel"].get("email", 0)
            assert emails >= warmup + count, f"only {emails} emails queued"
            snapshot = Path(home) / "queued.sqlite3"
            if database == "sqlite":
                shutil.copy(Path(home) / "relance.sqlite3", snapshot)
            rates = {}
            for workers in worker_counts:
                if database == "sqlite":
                    for suffix in ("-wal", "-shm"):
                        (Path(home) / f"relance.sqlite3{suffix}").unlink(missing_ok=True)
                    shutil.copy(snapshot, Path(home) / "relance.sqlite3")
                else:
                    subprocess.run([str(RELANCE), "shell", "-c", RESET], env=env, check=True)
                rates[workers] = rate(env, workers, warmup, count)
        finally:
            if server:
                server.stop()
    return emails, rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--no-attachments", action="store_true")
    args = parser.parse_args()
    folder = ledger(args.invoices)
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    print(f"| ledger | database | attachments | emails queued | workers | emails/s |"
          f"  ({machine})")
    print("|---|---|---|---|---|---|")
    for database in args.databases:
        emails, rates = measure(folder, database, args.workers, args.warmup, args.count,
                                not args.no_attachments)
        attached = "none" if args.no_attachments else "invoice summary PDFs"
        for workers, value in rates.items():
            print(f"| {args.invoices:,} | {database} | {attached} | {emails:,} | {workers} | "
                  f"{value:.1f} |", flush=True)


if __name__ == "__main__":
    main()
