"""Reading and checking a large file in a second process while this one writes.

A forked child runs the generator of checked rows and sends what it yields, in batches,
through a pipe; the parent yields the same items in the same order, so the import reads
the same whether its rows come from here or from a child. The child inherits at the fork
the maps the checks read (customers, invoices, fingerprints) and never touches the
database; what it learns besides the rows (problems, counts) comes back in its last
message, and its progress in messages of their own.
"""
import multiprocessing
import traceback

from relance.imports.readers import FileRejected

BATCH = 1_000
FROM_LINES = 50_000  # below this, a child costs more than it saves


def wanted(lines):
    return lines >= FROM_LINES and "fork" in multiprocessing.get_all_start_methods()


def forked(make_rows, finish, progress, unpack):
    """Yield `unpack(item)` for the items of `make_rows(progress)` as a child process
    computes them; then return what `finish()` gives in the child. A FileRejected in
    the child is raised here; any other failure there raises RuntimeError with the
    child's traceback."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(make_rows, finish, send), daemon=True)
    child.start()
    send.close()
    try:
        while True:
            kind, payload = _receive(receive)
            if kind == "rows":
                yield from map(unpack, payload)
            elif kind == "progress":
                progress(*payload)
            elif kind == "rejected":
                raise FileRejected(payload)
            elif kind == "failed":
                raise RuntimeError(f"the import's reading process failed:\n{payload}")
            else:
                return payload
    finally:
        receive.close()
        if child.is_alive():
            child.terminate()  # the parent stopped early (an error while writing)
        child.join()


def _receive(receive):
    try:
        return receive.recv()
    except EOFError:
        raise RuntimeError("the import's reading process ended without a word") from None


def _child(make_rows, finish, send):
    try:
        batch = []
        for item in make_rows(lambda *done: send.send(("progress", done))):
            batch.append(item)
            if len(batch) == BATCH:
                send.send(("rows", batch))
                batch = []
        send.send(("rows", batch))
        send.send(("end", finish()))
    except FileRejected as exc:
        send.send(("rejected", exc.problem))
    except BaseException:
        send.send(("failed", traceback.format_exc()))
    finally:
        send.close()
