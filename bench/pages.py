#!/usr/bin/env python3
"""Benchmark: server time of the dashboard, the customer list and a customer view on
the ledgers of gen_ledger.py.

For each size and database: a fresh RELANCE_HOME (and PostgreSQL server), the ledger
imported with `relance import ledger` (helpers of bench/import_ledger.py), then one
process that logs in an administrator with Django's test client and requests each page
50 times, timing each request from the request to the response (the whole of Django:
middleware, views, queries, templates; no network). The first request of each page is
a warm-up and not counted: it is where the day's refresh (alerts, closed months) runs,
once a day; its time is printed apart. The dashboard keeps its figures while the ledger
is unchanged (insights/cache.py), so it is measured twice: as served, and with
INSIGHTS_CACHE_SECONDS=0, every request computing every figure.

    .venv/bin/python bench/pages.py [--sizes 100000 1000000] [--databases sqlite postgres]
                                    [--requests 50]

Prints one Markdown table row per page, to paste into docs/benchmarks.md.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from import_ledger import RELANCE, database_env, ledger  # noqa: E402

MEASURE = """
import json, statistics, time
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from relance.ledger.models import Invoice
from relance.team.models import User

user = User.objects.filter(email="bench@relance.test").first() or User.objects.create_user(
    "bench@relance.test", "bench", role="admin")
client = Client(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_LANGUAGE="fr")
client.force_login(user)
# The customer with the most open invoices: the heaviest customer view.
busiest = (Invoice.objects.filter(status="open").values("customer_id")
           .annotate(n=Sum("open_amount")).order_by("-n")[0]["customer_id"])
pages = {"dashboard": reverse("web:home"), "customer list": reverse("web:customers"),
         "customer view": reverse("web:customer", args=[busiest]),
         # the 30 days' plan of the customer view, which the page loads right after
         "customer view, planned": reverse("web:customer_planned", args=[busiest])}
results = {}
for name, url in pages.items():
    start = time.perf_counter()
    first = client.get(url)
    warmup = time.perf_counter() - start
    assert first.status_code == 200, (url, first.status_code)
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    times.sort()
    results[name] = {"warmup": warmup, "median": statistics.median(times),
                     "p95": times[max(0, int(round(0.95 * len(times))) - 1)]}
print(json.dumps(results))
"""


def measure(size, database, requests):
    folder = ledger(size)
    with tempfile.TemporaryDirectory(prefix="relance-bench-") as home:
        env, server = database_env(database, home)
        try:
            subprocess.run([str(RELANCE), "migrate", "-v0"], env=env, check=True)
            subprocess.run([str(RELANCE), "import", "ledger", str(folder), "--json"],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            found = _run(env, requests)
            # The dashboard again with its cache off: every request computes it all.
            cold = _run({**env, "INSIGHTS_CACHE_SECONDS": "0"}, requests)["dashboard"]
            found["dashboard, cache off"] = cold
        finally:
            if server:
                server.stop()
    return found


def _run(env, requests):
    out = subprocess.run([str(RELANCE), "shell", "-c",
                          MEASURE.replace("REQUESTS", str(requests))],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}")
    print(f"| invoices | database | page | median | p95 ({args.requests} requests) "
          "| first request of the day |")
    print("|---:|---|---|---:|---:|---:|")
    for size in args.sizes:
        for database in args.databases:
            for page, found in measure(size, database, args.requests).items():
                print(f"| {size:,} | {database} | {page} | {found['median'] * 1000:.0f} ms "
                      f"| {found['p95'] * 1000:.0f} ms | {found['warmup'] * 1000:.0f} ms |",
                      flush=True)


if __name__ == "__main__":
    main()
