"""What is not a ledger file is never read, and an import killed leaves nothing behind.

- a folder, a FIFO or a device named customers.csv is refused at once (reading a FIFO
  would wait forever, a folder gave a traceback), nothing imported;
- the process that reads a large import's files beside the importer dies with it, even
  when the importer is killed with SIGKILL.
"""
import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from relance.ledger.models import Customer
from tests.support.ledger_files import write_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def import_folder(folder):
    call_command("import", "ledger", str(folder), "--json", stdout=StringIO())


@pytest.mark.parametrize("make", [
    pytest.param(lambda path: path.mkdir(), id="a folder"),
    pytest.param(lambda path: os.mkfifo(path), id="a FIFO"),
    pytest.param(lambda path: path.symlink_to("/dev/zero"), id="a device"),
])
def test_what_is_not_a_regular_file_is_refused_without_reading_it(tmp_path, make):
    make(tmp_path / "customers.csv")
    with pytest.raises(CommandError, match="customers.csv: not a regular file"):
        import_folder(tmp_path)
    assert not Customer.objects.exists()


def test_a_symbolic_link_to_a_regular_file_is_read(tmp_path):
    real = tmp_path / "elsewhere.csv"
    real.write_text("customer_ref,name\nT001,Alpha\n")
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "customers.csv").symlink_to(real)
    import_folder(folder)
    assert Customer.objects.get().name == "Alpha"


READER = """
import sys, time
import django
django.setup()
from relance.imports import schema, worker
from relance.imports.readers import CsvSource
reader = worker.Reader({"invoices": CsvSource(sys.argv[1])}, schema.SCHEMAS)
print(reader.child.pid, flush=True)
time.sleep(120)   # never reads: the child fills the pipe and waits
"""


def gone(pid):
    """Whether process `pid` has ended (a zombie not yet reaped has ended too)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def test_the_reader_dies_when_the_importer_is_killed(tmp_path):
    folder = write_ledger(tmp_path / "large", invoices=20_000)
    importer = subprocess.Popen(
        [sys.executable, "-c", READER, str(folder / "invoices.csv")],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "relance.settings"})
    try:
        child = int(importer.stdout.readline())
        assert not gone(child)
        importer.send_signal(signal.SIGKILL)
        importer.wait(10)
        deadline = time.monotonic() + 10
        while not gone(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gone(child)
    finally:
        importer.kill()
        importer.stdout.close()
