#!/usr/bin/env python3
"""Benchmark: formal-notice letters rendered as PDF, then joined into a print batch.

The letter is the shipped formal notice (`formal_notice` text) rendered on the sample
context of `compose.templating` (a creditor in Lyon, three overdue invoices, one of them
partly paid) with the formal-notice tone, registered, with its EPC QR code: two A4
pages. One letter is rendered first and timed apart (fonts and templates load then);
then N letters, one after the other in this process, then `print_batch` of the N.

    .venv/bin/python bench/letters.py [--letters 200] [--language fr]

Prints the figures as Markdown, to paste into docs/benchmarks.md. Needs no database.
"""
import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
os.environ.setdefault("RELANCE_HOME", tempfile.mkdtemp(prefix="relance-bench-"))

import django  # noqa: E402

django.setup()

from pypdf import PdfReader  # noqa: E402

from relance.compose import templating  # noqa: E402
from relance.compose.documents import letter_pdf  # noqa: E402
from relance.delivery.documents import print_batch  # noqa: E402
from relance.dunning.shipped import load_shipped  # noqa: E402


def formal_notice(language):
    context = templating.sample_context(language)
    context["step"] = {**context["step"], "tone": "formal_notice"}
    subject, body = load_shipped("formal_notice", language)
    text = templating.render(subject, body, context, language)
    return context, text.subject, text.body


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--language", default="fr", choices=["fr", "en"])
    args = parser.parse_args()
    context, subject, body = formal_notice(args.language)

    start = time.perf_counter()
    first = letter_pdf(context, subject, body, args.language, registered=True)
    first_seconds = time.perf_counter() - start

    start = time.perf_counter()
    letters = [letter_pdf(context, subject, body, args.language, registered=True)
               for _ in range(args.letters)]
    seconds = time.perf_counter() - start

    start = time.perf_counter()
    batch = print_batch(letters)
    batch_seconds = time.perf_counter() - start

    pages = len(PdfReader(BytesIO(first)).pages)
    batch_pages = len(PdfReader(BytesIO(batch)).pages)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print("| letters | pages each | first letter | letters (1 process) | letters / s "
          "| KiB each | print batch (pages, MiB) | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.letters} | {pages} | {first_seconds:.2f} s | {seconds:.2f} s "
          f"| {args.letters / seconds:.1f} | {len(first) / 1024:.0f} "
          f"| {batch_seconds:.2f} s ({batch_pages}, {len(batch) / 2**20:.1f}) "
          f"| {peak:.0f} MiB |")


if __name__ == "__main__":
    main()
