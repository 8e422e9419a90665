#!/usr/bin/env python3
"""Benchmark: `relance import ledger DIR` on the ledgers written by gen_ledger.py.

For each size and database: a fresh RELANCE_HOME (and a fresh PostgreSQL server for
`postgres`, started in a temporary folder like the test session's), `relance migrate`,
then the first import and the re-import of the same files, each timed as a whole
process. Its peak memory is the larger of the kernel's peak RSS of the process and the
peak, sampled every 0.1 s, of the summed proportional set size (PSS, pages shared after
a fork counted once) of the process and its children: the import forks a reader.

    .venv/bin/python bench/import_ledger.py [--sizes 100000 1000000]
                                            [--databases sqlite postgres]

Prints one Markdown table row per run, to paste into docs/benchmarks.md.

The ledgers come from the workplace's shared generator, ../shared/bench/gen_ledger.py
beside the repository, so that every system measured compares on the same files; the
benchmarks need it, the tests and `make run` do not (the tests have their own,
tests/support/ledger_files.py).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN_LEDGER = ROOT.parent / "shared" / "bench" / "gen_ledger.py"
RELANCE = ROOT / ".venv" / "bin" / "relance"
DATA = ROOT / "bench" / "data"


def ledger(size):
    """The gen_ledger.py files for `size` invoices, written once and kept in bench/data."""
    folder = DATA / f"ledger-{size}"
    if not (folder / "payments.csv").exists():
        if not GEN_LEDGER.exists():
            sys.exit(f"the benchmarks write their ledgers with {GEN_LEDGER}, not found")
        subprocess.run([sys.executable, str(GEN_LEDGER), str(folder), "--invoices", str(size)],
                       check=True)
    return folder


def timed(command, env):
    """Run a command; return (seconds, peak memory in MiB, standard output)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    sampler = _TreeMemory(process.pid)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    sampler.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return seconds, max(usage.ru_maxrss / 1024, sampler.peak_kib / 1024), output


class _TreeMemory(threading.Thread):
    """Samples the summed PSS of a process and its descendants until stopped."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.done = pid, 0, threading.Event()
        self.start()

    def run(self):
        while not self.done.wait(0.1):
            self.peak_kib = max(self.peak_kib, sum(map(_pss_kib, _tree(self.pid))))

    def stop(self):
        self.done.set()
        self.join()


def _tree(pid):
    pids = [pid]
    for parent in pids:
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        pids.extend(int(child) for child in children)
    return pids


def _pss_kib(pid):
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0  # gone between the listing and the reading
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


def database_env(database, home):
    env = {**os.environ, "RELANCE_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    if database == "postgres":
        sys.path.insert(0, str(ROOT))
        from tests.plugins.postgres import ThrowawayPostgres

        server = ThrowawayPostgres()
        server.start()
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(server.port), "-U", "relance",
                        "-d", "postgres", "-qc", "CREATE DATABASE relance"], check=True)
        env["DATABASE_URL"] = server.url
        return env, server
    return env, None


def measure(size, database):
    folder = ledger(size)
    with tempfile.TemporaryDirectory(prefix="relance-bench-") as home:
        env, server = database_env(database, home)
        try:
            subprocess.run([str(RELANCE), "migrate", "-v0"], env=env, check=True)
            command = [str(RELANCE), "import", "ledger", str(folder), "--json"]
            first = timed(command, env)
            again = timed(command, env)
        finally:
            if server:
                server.stop()
    counts = json.loads(again[2])
    assert all(c["created"] == c["updated"] == 0 for c in counts.values()), counts
    return first, again


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print("| invoices | database | first import | peak memory | re-import | peak memory |")
    print("|---:|---|---:|---:|---:|---:|")
    for size in args.sizes:
        for database in args.databases:
            first, again = measure(size, database)
            print(f"| {size:,} | {database} | {first[0]:.1f} s | {first[1]:.0f} MiB "
                  f"| {again[0]:.1f} s | {again[1]:.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
