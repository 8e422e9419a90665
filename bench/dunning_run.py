#!/usr/bin/env python3
"""Benchmark: the daily dunning run (`relance run`) on the ledgers of gen_ledger.py.

For each size and database: a fresh RELANCE_HOME (and PostgreSQL server), the ledger
imported with `relance import ledger`, then `relance run --as-of D --json` for
2026-11-22 (a Sunday: nothing is done on a closed day, so it is timed but the first
real run is the next business day), 2026-11-23 and 2026-11-24. Each run is a process of
its own, timed as a whole and by the run itself (`seconds` in its JSON), with its peak
resident memory. Before each run the previous command's after-effects are let finish
(`settle`): its writes flushed to disk, PostgreSQL's autovacuum workers done. On the same database, one SQL query selects the overdue open invoices
with their days overdue; the ratio is the run's own time over that query's.

    .venv/bin/python bench/dunning_run.py [--sizes 100000 1000000]
                                          [--databases sqlite postgres]

Prints one Markdown table row per run, to paste into docs/benchmarks.md.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from import_ledger import RELANCE, database_env, ledger, timed  # noqa: E402

DAYS = ["2026-11-22", "2026-11-23", "2026-11-24"]

BARE_QUERY = """
import json, time
from django.db import connection
as_of = "{as_of}"
days = ("julianday(%s) - julianday(due_date)" if connection.vendor == "sqlite"
        else "(%s::date - due_date)")
sql = ("SELECT id, customer_id, due_date, open_amount, " + days + " FROM ledger_invoice "
       "WHERE company_id = %s AND status = 'open' AND kind = 'invoice' AND due_date < %s")
with connection.cursor() as cursor:
    cursor.execute("SELECT min(id) FROM ledger_company")
    company = cursor.fetchone()[0]
    best = None
    for _ in range(3):
        start = time.perf_counter()
        cursor.execute(sql, [as_of, company, as_of])
        rows = cursor.fetchall()
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
print(json.dumps({{"rows": len(rows), "seconds": best}}))
"""


def bare_query(env, as_of):
    code = BARE_QUERY.format(as_of=as_of)
    out = subprocess.run([str(RELANCE), "shell", "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def settle(server, patience=300):
    """Let the previous command's after-effects finish before a run is timed: its
    writes reach the disk (the import's 700 MB), and PostgreSQL's autovacuum workers,
    which an import or a first run wakes up, are done (up to `patience` seconds).
    A daily run does not start minutes after a bulk load as the benchmark's do."""
    os.sync()
    if server is None:
        return
    sql = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        busy = subprocess.run(["psql", server.url, "-tAc", sql], check=True,
                              capture_output=True, text=True).stdout.strip()
        if busy == "0":
            return
        time.sleep(2)


def measure(size, database):
    folder = ledger(size)
    rows = []
    with tempfile.TemporaryDirectory(prefix="relance-bench-") as home:
        env, server = database_env(database, home)
        try:
            subprocess.run([str(RELANCE), "migrate", "-v0"], env=env, check=True)
            subprocess.run([str(RELANCE), "import", "ledger", str(folder), "--json"],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            for day in DAYS:
                settle(server)
                seconds, peak, output = timed([str(RELANCE), "run", "--as-of", day, "--json"],
                                              env)
                result = json.loads(output)
                query = bare_query(env, day)
                rows.append((day, seconds, peak, result, query))
        finally:
            if server:
                server.stop()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print("| invoices | database | as of | actions | run (process) | run (itself) "
          "| peak memory | bare query (rows) | run / query |")
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        for database in args.databases:
            for day, seconds, peak, result, query in measure(size, database):
                ratio = result["seconds"] / query["seconds"] if query["seconds"] else 0
                print(f"| {size:,} | {database} | {day} | {result['actions']:,} "
                      f"| {seconds:.2f} s | {result['seconds']:.2f} s | {peak:.0f} MiB "
                      f"| {query['seconds']:.3f} s ({query['rows']:,}) | {ratio:.1f} |",
                      flush=True)


if __name__ == "__main__":
    main()
