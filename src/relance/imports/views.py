"""The web import: upload a file, map its columns onto a schema, import it, see the
verdict. The pipeline (imports.ledger) does the work; these views only move the file
between the pages.

An uploaded file waits under HOME/uploads with a random name until it is imported.
The browser only ever holds a token; the session maps the token to that file, so no
path ever comes from the user.
"""
import logging
import secrets
import threading
import time
from functools import wraps
from types import SimpleNamespace
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.management.base import CommandError
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from relance.imports import legal_checks
from relance.imports import mapping as mappings
from relance.imports.forms import MappingForm, UploadForm
from relance.imports.ledger import Report, import_sources
from relance.imports.models import ImportRun, ImportSource, RunStatus
from relance.imports.readers import FileRejected, open_source, preview
from relance.imports.schema import SCHEMAS
from relance.ledger.companies import default_company
from relance.textfiles import Problem

logger = logging.getLogger(__name__)

PENDING = "imports.pending"  # session key: token -> the upload waiting for its mapping
STALE_AFTER_SECONDS = 24 * 3600
PREVIEW_ROWS = 5
CHANGES_SHOWN = 500  # changes listed on the confirmation page (all are counted)
PROBLEMS_KEPT = 1000  # problems a background run keeps for its page (all are counted)
RECENT_RUNS = 15


def managers_only(view):
    """Importing rewrites the ledger: administrators and credit managers only."""
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_manager:
            return render(request, "imports/forbidden.html", {"section": "imports"},
                          status=403)
        return view(request, *args, **kwargs)
    return guarded


@managers_only
def upload(request):
    company = _company()
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and company and form.is_valid():
        token, problem = _keep_upload(request, form.cleaned_data)
        if token:
            return redirect("imports:mapping", token=token)
        form.add_error("file", problem)
    context = {"section": "imports", "form": form, "company": company}
    if company:
        context["runs"] = (ImportRun.objects.filter(company=company)
                           .select_related("source", "user")
                           .order_by("-started_at", "-id")[:RECENT_RUNS])
        context["sources"] = (ImportSource.objects.filter(company=company)
                              .order_by("name").values_list("name", flat=True).distinct())
    return render(request, "imports/upload.html", context)


@managers_only
def mapping(request, token):
    pending = request.session.get(PENDING, {}).get(token)
    company = _company()
    if pending is None or company is None:
        if pending is None:
            messages.error(request, _("This upload is not waiting for a mapping any more "
                                      "(already imported, or the session ended): upload "
                                      "the file again."))
        return redirect("imports:upload")
    try:
        source = open_source(_stored_path(pending), name=pending["filename"])
    except (FileRejected, OSError) as exc:
        return _give_up(request, token, exc)
    schema = SCHEMAS[pending["entity"]]
    columns = mappings.selectable_columns(source.columns)
    saved = _saved_source(company, pending)
    initial = mappings.initial_mapping(schema, columns, saved.mapping if saved else None)
    missing = mappings.missing_columns(schema, columns, saved.mapping if saved else None)
    data = request.POST if request.method == "POST" else None
    form = MappingForm(schema, columns, data, initial=initial)
    if request.method == "POST" and form.is_valid():
        _close(source)
        return _import(request, company, token, pending, form.mapping(),
                       confirmed=request.POST.get("confirm") == "1")
    context = {"section": "imports", "pending": pending, "schema": schema, "form": form,
               "source": source, "preview": preview(source, PREVIEW_ROWS),
               "columns": source.columns, "saved": saved, "missing": missing,
               "fields": [(form[f.name], f) for f in schema.fields]}
    _close(source)
    return render(request, "imports/mapping.html", context)


def _import(request, company, token, pending, mapping, confirmed):
    """Save the mapping, run the pipeline on the file, record the run, show the verdict.
    An import that would change invoices already in Relance is rolled back and the
    changes shown, field by field, to be confirmed (`confirmed`) before it is run. A
    file of IMPORT_BACKGROUND_FROM_LINES lines or more is imported in the background:
    the browser goes to the run's page, which shows how far it is."""
    source_record, _created = ImportSource.objects.update_or_create(
        company=company, name=pending["source"], entity=pending["entity"],
        defaults={"mapping": mapping})
    started_at = timezone.now()
    lines = _lines(pending)
    if lines >= settings.IMPORT_BACKGROUND_FROM_LINES:
        run = ImportRun.objects.create(
            company=company, source=source_record, entity=pending["entity"],
            filename=pending["filename"], user=request.user, started_at=started_at,
            status=RunStatus.RUNNING, lines_total=lines, token=token)
        threading.Thread(target=_import_in_background, daemon=True, name=f"import-{run.pk}",
                         args=(run.pk, pending, mapping, confirmed,
                               translation.get_language())).start()
        return redirect("imports:run", pk=run.pk)
    report = _run_pipeline(request.user, company, pending, mapping, confirmed)
    if report.awaiting_confirmation:
        return _confirmation(request, pending, mapping, report.changes,
                             reverse("imports:mapping", args=[token]))
    _forget(request, token)
    counts = report.counts.get(pending["entity"])
    run = ImportRun.objects.create(
        company=company, source=source_record, entity=pending["entity"],
        filename=pending["filename"], user=request.user, started_at=started_at,
        committed=report.committed, counts=counts.as_dict() if counts else {},
        problem_count=report.problem_count)
    return _result(request, company, run, report)


def _confirmation(request, pending, mapping, changes, action):
    labels = {f.name: f.label for f in SCHEMAS[pending["entity"]].fields}
    return render(request, "imports/confirm.html", {
        "section": "imports", "pending": pending, "mapping": mapping, "action": action,
        "changes": [{**change, "label": labels.get(change["field"], change["field"])}
                    for change in changes[:CHANGES_SHOWN]],
        "change_count": len(changes),
        "invoice_count": len({change["number"] for change in changes})})


def _result(request, company, run, report):
    """The verdict page; `report` has the problems found (`problems`, `problem_count`)."""
    context = {"section": "imports", "run": run, "report": report,
               "hidden_problems": report.problem_count - len(report.problems),
               "terms_warning": _terms_warning(company, run)}
    return render(request, "imports/result.html", context)


@require_GET
@managers_only
def run_page(request, pk):
    """A background import: how far it is while it runs (the page reloads itself),
    the changes to confirm, or the verdict."""
    company = _company()
    run = get_object_or_404(ImportRun.objects.select_related("source", "user"), pk=pk,
                            company=company)
    if run.status == RunStatus.RUNNING:
        return render(request, "imports/running.html", {
            "section": "imports", "run": run, "done": _progress_of(run.pk)})
    if run.status == RunStatus.AWAITING:
        pending = request.session.get(PENDING, {}).get(run.token)
        if pending is not None:
            return _confirmation(request, pending, run.source.mapping if run.source else {},
                                 run.changes, reverse("imports:mapping", args=[run.token]))
    if run.token:
        _forget(request, run.token)
    kept = SimpleNamespace(problems=[Problem(*row) for row in run.problems],
                           problem_count=run.problem_count)
    return _result(request, company, run, kept)


def _import_in_background(run_pk, pending, mapping, confirmed, language):
    """The thread of a background import: its own database connection, its progress
    in a file beside the upload (the import's transaction holds the database), its
    verdict on the run at the end, its problems worded in the page's `language`."""
    run = ImportRun.objects.select_related("company", "user").get(pk=run_pk)
    progress = _progress_path(run_pk)
    translation.activate(language)
    try:
        report = _run_pipeline(run.user, run.company, pending, mapping, confirmed,
                               progress=lambda entity, done: progress.write_text(str(done)))
        counts = report.counts.get(pending["entity"])
        ImportRun.objects.filter(pk=run_pk).update(
            status=RunStatus.AWAITING if report.awaiting_confirmation else RunStatus.DONE,
            committed=report.committed, counts=counts.as_dict() if counts else {},
            problem_count=report.problem_count,
            problems=[[problem.file, problem.line, problem.column, str(problem.message)]
                      for problem in report.problems[:PROBLEMS_KEPT]],
            changes=report.changes[:CHANGES_SHOWN])
    except Exception:  # noqa: BLE001 - the run must end, whatever happened
        logger.exception("background import %s failed", run_pk)
        ImportRun.objects.filter(pk=run_pk).update(
            status=RunStatus.FAILED, problem_count=1, problems=[[
                pending["filename"], 0, "", _("the import stopped on an error of Relance; "
                                              "nothing was imported")]])
    finally:
        progress.unlink(missing_ok=True)
        connection.close()


def _lines(pending):
    """How many lines the upload has (rows of a workbook's first sheet)."""
    source = open_source(_stored_path(pending), name=pending["filename"])
    try:
        return source.count_lines()
    finally:
        _close(source)


def _progress_path(run_pk):
    return _uploads_folder() / f"progress-{int(run_pk)}"


def _progress_of(run_pk):
    try:
        return int(_progress_path(run_pk).read_text() or 0)
    except (OSError, ValueError):
        return 0


def _terms_warning(company, run):
    """Invoices due after the legal maximum are imported all the same, and counted."""
    if not run.committed or run.entity != "invoices":
        return ""
    return legal_checks.terms_warning(legal_checks.terms_beyond_maximum(company))


def _run_pipeline(user, company, pending, mapping, confirmed, progress=None):
    """The import's report. The upload is removed once imported or refused; it stays
    while the changes it brings wait for confirmation."""
    source = report = None
    try:
        source = open_source(_stored_path(pending), name=pending["filename"], mapping=mapping)
        report = import_sources(company, {pending["entity"]: source}, actor=user,
                                changes_allowed=confirmed, progress=progress)
        return report
    except FileRejected as exc:
        return _failed(exc.problem)
    except Exception:  # a damaged workbook fails deep in openpyxl, in many ways
        logger.exception("import of %s failed", pending["filename"])
        return _failed(Problem(pending["filename"], 0, "", _(
            "the file could not be read to the end: check it, or save it as CSV")))
    finally:
        _close(source)
        if report is None or not report.awaiting_confirmation:
            _stored_path(pending).unlink(missing_ok=True)


def _failed(problem):
    report = Report()
    report.add_problem(problem)
    return report


# -- the company ------------------------------------------------------------------------

def _company():
    """The only company; with several, the web import cannot tell which one is meant
    (the upload page then says so)."""
    try:
        return default_company()
    except CommandError:
        return None


def _saved_source(company, pending):
    return ImportSource.objects.filter(company=company, name=pending["source"],
                                       entity=pending["entity"]).first()


# -- pending uploads --------------------------------------------------------------------

def _keep_upload(request, data):
    """Store the upload and remember it in the session; return (token, None), or
    (None, why) when the file cannot be read at all."""
    upload = data["file"]
    stored = _store(upload)
    pending = {"stored": stored, "filename": Path(upload.name).name,
               "entity": data["entity"], "source": data["source"]}
    try:
        source = open_source(_stored_path(pending), name=pending["filename"])
    except FileRejected as exc:
        _stored_path(pending).unlink(missing_ok=True)
        return None, exc.problem.message
    named = mappings.selectable_columns(source.columns)
    _close(source)
    if not named:
        _stored_path(pending).unlink(missing_ok=True)
        return None, _("The first line of the file holds no column names.")
    token = secrets.token_urlsafe(24)
    request.session.setdefault(PENDING, {})[token] = pending
    request.session.modified = True
    return token, None


def _uploads_folder():
    folder = Path(settings.HOME) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(upload):
    """Write the upload under a random name; sweep uploads abandoned on the mapping page."""
    folder = _uploads_folder()
    _discard_stale(folder, time.time() - STALE_AFTER_SECONDS)
    stored = secrets.token_hex(16) + Path(upload.name).suffix.lower()
    with open(folder / stored, "wb") as f:
        for chunk in upload.chunks():
            f.write(chunk)
    return stored


def _discard_stale(folder, before):
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < before:
            path.unlink(missing_ok=True)


def _stored_path(pending):
    # `stored` was made by _store and kept server-side; the name alone keeps it in the folder.
    return _uploads_folder() / Path(pending["stored"]).name


def _forget(request, token):
    request.session.get(PENDING, {}).pop(token, None)
    request.session.modified = True


def _give_up(request, token, exc):
    pending = request.session[PENDING][token]
    _stored_path(pending).unlink(missing_ok=True)
    _forget(request, token)
    reason = exc.problem.message if isinstance(exc, FileRejected) else _(
        "the uploaded file is gone")
    messages.error(request, _("%(file)s cannot be read: %(reason)s. Upload it again.")
                   % {"file": pending["filename"], "reason": reason})
    return redirect("imports:upload")


def _close(source):
    """A workbook opened read-only keeps its file open until closed."""
    book = getattr(source, "book", None)
    if book is not None:
        book.close()
