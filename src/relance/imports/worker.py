"""Reading an import's files in a second process while this one writes.

The reader is forked once, at the start of the import, while this process is still
small: a child forked later would keep its own copy of every page of the million-row
maps and of SQLite's cache that the parent changes afterwards. It reads the files in
the order the importer takes them (imports/rows.py, no database) and sends the records
in batches through a pipe; the pipe's small buffer keeps it only a batch or two ahead.

The reader dies with its parent: the kernel kills it when the importer dies (Linux's
parent-death signal), and elsewhere its next send fails once the importer's end of
the pipe is closed (the child closes its own copy of that end at once). An import
stopped with SIGKILL leaves no reader behind.
"""
import ctypes
import ctypes.util
import fcntl
import logging
import multiprocessing
import os
import signal
import time
import traceback

from relance.imports import rows
from relance.imports.readers import FileRejected

BATCH = 1_000
PIPE_BYTES = 1 << 20  # Linux's default limit: about eight batches of invoices
FROM_LINES = 50_000  # below this, a second process costs more than it saves
PR_SET_PDEATHSIG = 1
logger = logging.getLogger("relance.imports")


def wanted(lines, present):
    """A second process for a large import of mostly new rows: a re-import skips the
    rows it already holds unread, which only the process with the database can do."""
    return (lines >= FROM_LINES and lines > 2 * present
            and "fork" in multiprocessing.get_all_start_methods())


class InProcess:
    """The same records, read here: small imports, and web workers (not to be forked)."""

    def __init__(self, sources, schemas):
        self.sources, self.schemas = sources, schemas

    def records(self, entity, progress, stored=None):
        return rows.read(self.sources[entity], self.schemas[entity],
                         lambda done: progress(entity, done), stored)

    def close(self):
        pass


class Reader:
    """A forked child reading `sources` ({entity: Source}, in the order the importer
    will ask for them)."""

    def __init__(self, sources, schemas):
        context = multiprocessing.get_context("fork")
        self.pipe, send = context.Pipe(duplex=False)
        _widen(send)
        self.child = context.Process(target=_read_all, args=(sources, schemas, send,
                                                             self.pipe), daemon=True)
        self.child.start()
        send.close()

    def records(self, entity, progress, stored=None):
        """Yield the entity's records. A FileRejected in the child is raised here; any
        other failure there raises RuntimeError with the child's traceback. The child
        has no database, so every row is read (`stored` is the importer's to apply)."""
        waited = 0.0
        while True:
            start = time.perf_counter()
            kind, payload = self._receive()
            waited += time.perf_counter() - start
            if kind == "records":
                yield from payload
            elif kind == "progress":
                progress(entity, payload)
            elif kind == "rejected":
                raise FileRejected(payload)
            elif kind == "failed":
                raise RuntimeError(f"the import's reading process failed:\n{payload}")
            else:
                # The importer waited this long for the reader: the reader was behind.
                logger.info("%s: waited for the reader %.2f s", entity, waited)
                return

    def _receive(self):
        try:
            return self.pipe.recv()
        except EOFError:
            raise RuntimeError("the import's reading process ended without a word") from None

    def close(self):
        self.pipe.close()
        if self.child.is_alive():
            self.child.terminate()  # the import stopped before the last file
        self.child.join()


def _widen(pipe):
    """A pipe holds 64 KiB, less than a batch: the reader could then only get one batch
    ahead, and any pause of either process stalled the other. Where the system allows,
    it holds several."""
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):
        pass  # not Linux, or a lower limit: the default size works, only slower


def _die_with_parent():
    """Ask the kernel for SIGKILL when the parent dies (Linux prctl PR_SET_PDEATHSIG);
    elsewhere the closed pipe ends the reader at its next send."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _read_all(sources, schemas, send, receiving_end):
    receiving_end.close()   # the parent's end: with it closed here, its death is seen
    _die_with_parent()
    if os.getppid() == 1:
        return              # the parent died before the signal was asked for
    try:
        for entity, source in sources.items():
            cpu, batch = time.process_time(), []
            for record in rows.read(source, schemas[entity],
                                    lambda done: send.send(("progress", done))):
                batch.append(record)
                if len(batch) == BATCH:
                    send.send(("records", batch))
                    batch = []
            send.send(("records", batch))
            logger.info("%s: the reader's CPU %.2f s", entity, time.process_time() - cpu)
            send.send(("end", entity))
    except FileRejected as exc:
        send.send(("rejected", exc.problem))
    except BaseException:  # noqa: BLE001 - whatever it is, the parent must hear of it
        send.send(("failed", traceback.format_exc()))
    finally:
        send.close()
