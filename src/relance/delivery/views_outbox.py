"""The outbox pages: what is failing, waiting and sent; the letters' print batch and
their posting; the evidence of one message; a customer's history as a PDF.

Who may see them is the dunning pages' rule (`dunning_page`, `evidence.visible_messages`):
never sales reps; collectors their own customers' messages; managers everyone's. The
work is done by relance.delivery.decisions, .letters and .evidence.
"""
import datetime as dt
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relance.delivery import decisions, evidence
from relance.delivery import letters as letter_service
from relance.delivery.forms_outbox import CancelMessageForm, PostingForm, TrackingImportForm
from relance.delivery.models import MessageState
from relance.dunning.views.access import dunning_page
from relance.web import exports
from relance.web.export_columns import MESSAGE_COLUMNS
from relance.web.security import allow_inline_styles

PAGE_SIZE = 50
SECTION = "outbox"


# The outbox ------------------------------------------------------------------------

@dunning_page
@require_GET
def outbox(request, company):
    visible = evidence.visible_messages(request.user, company)
    rows = evidence.listed(visible)
    if exports.wanted(request):
        chosen = request.GET.get("state")
        found = rows.filter(state=chosen) if chosen in MessageState.values else rows
        return exports.response(request, found.order_by("-id"), MESSAGE_COLUMNS, "outbox")
    sections = [
        ("failed", rows.filter(state=MessageState.DEAD).order_by("-available_at", "-id")),
        ("waiting", rows.filter(state__in=evidence.WAITING).order_by("available_at", "id")),
        ("sent", rows.filter(state=MessageState.SENT).order_by("-sent_at", "-id")),
    ]
    pages = {name: Paginator(query, PAGE_SIZE).get_page(request.GET.get(f"{name}_page"))
             for name, query in sections}
    context = {"section": SECTION, "counts": _labelled(evidence.counts(visible)),
               "pages": pages, "cancel_form": CancelMessageForm()}
    return render(request, "delivery/outbox/list.html", context)


def _labelled(counts):
    return [(state, MessageState(state).label, count) for state, count in counts.items()]


@dunning_page
@require_POST
def retry(request, company, pk):
    message = evidence.message_for(request.user, company, pk)
    try:
        decisions.retry(message, request.user)
        messages.success(request, _("Message %(id)s will be sent again.") % {"id": pk})
    except decisions.MessageRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("outbox:list")


@dunning_page
@require_POST
def cancel(request, company, pk):
    message = evidence.message_for(request.user, company, pk)
    form = CancelMessageForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        decisions.cancel(message, request.user, reason)
        messages.success(request, _("Message %(id)s will not be sent.") % {"id": pk})
    except decisions.MessageRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("outbox:list")


# Letters ---------------------------------------------------------------------------

@dunning_page
def print_batch(request, company):
    """The letters waiting to be posted, by day, with the posting form."""
    today = timezone.localdate()
    waiting = list(letter_service.waiting_letters(
        evidence.visible_messages(request.user, company)))
    form = PostingForm(waiting, today, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            count = letter_service.mark_posted(form.postings, request.user)
            messages.success(request, _("%(count)s letter(s) recorded as posted.")
                             % {"count": count})
            return redirect("outbox:letters")
        except letter_service.LetterRefused as refusal:
            form.add_error(None, str(refusal))
    return _letters_page(request, waiting, form, TrackingImportForm(today))


def _letters_page(request, waiting, form, import_form, report=None, status=200):
    days = [(day, [(letter, letter_service.reference(letter), form.tracking_field(letter),
                    form.chosen(letter)) for letter in letters])
            for day, letters in letter_service.by_day(waiting)]
    context = {"section": SECTION, "days": days, "form": form, "import_form": import_form,
               "report": report, "count": len(waiting)}
    return render(request, "delivery/outbox/letters.html", context, status=status)


@dunning_page
@require_GET
def print_batch_pdf(request, company):
    """One PDF of the waiting letters, of one day when `?day=` says which."""
    waiting = letter_service.waiting_letters(evidence.visible_messages(request.user, company))
    day = _day(request.GET.get("day"))
    chosen = [letter for letter in waiting
              if day is None or timezone.localdate(letter.sent_at) == day]
    try:
        content = letter_service.batch_pdf(chosen)
    except letter_service.LetterRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("outbox:letters")
    name = f"print-batch-{(day or timezone.localdate()).isoformat()}.pdf"
    return _download(content, name, "application/pdf")


def _day(text):
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dunning_page
@require_POST
def import_tracking(request, company):
    today = timezone.localdate()
    visible = evidence.visible_messages(request.user, company)
    import_form = TrackingImportForm(today, request.POST, request.FILES)
    waiting = list(letter_service.waiting_letters(visible))
    if not import_form.is_valid():
        return _letters_page(request, waiting, PostingForm(waiting, today), import_form,
                             status=400)
    upload = import_form.cleaned_data["file"]
    try:
        report = letter_service.import_tracking(
            upload.name, upload.read(), letter_service.rendered_letters(visible),
            import_form.cleaned_data["posted_on"], today, request.user)
    except letter_service.LetterRefused as refusal:
        import_form.add_error(None, str(refusal))
        return _letters_page(request, waiting, PostingForm(waiting, today), import_form,
                             status=400)
    if report.problems:
        return _letters_page(request, waiting, PostingForm(waiting, today), import_form,
                             report, status=400)
    messages.success(request, _("%(posted)s letter(s) recorded as posted, %(unchanged)s "
                                "already were.") % {"posted": len(report.postings),
                                                    "unchanged": report.unchanged})
    return redirect("outbox:letters")


# Evidence --------------------------------------------------------------------------

@dunning_page
@require_GET
def message_detail(request, company, pk):
    message = evidence.message_for(request.user, company, pk)
    context = {"section": SECTION, "message": message,
               "attachments": message.attachments.order_by("id"),
               "has_eml": evidence.has_eml(message),
               "cancellable": message.state in decisions.CANCELLABLE,
               "cancel_form": CancelMessageForm()}
    # the email's HTML is shown in a sandboxed frame, with its own inline styles
    return allow_inline_styles(render(request, "delivery/outbox/message.html", context))


@dunning_page
@require_GET
def attachment(request, company, pk, attachment_pk):
    message = evidence.message_for(request.user, company, pk)
    found = evidence.attachment_for(message, attachment_pk)
    try:
        handle = found.file.open("rb")
    except OSError:
        raise Http404 from None   # the record stays; its file was removed from disk
    return FileResponse(handle, as_attachment=True, filename=found.name,
                        content_type=found.content_type)


@dunning_page
@require_GET
def eml(request, company, pk):
    message = evidence.message_for(request.user, company, pk)
    if not evidence.has_eml(message):
        messages.error(request, _("Only an email that was composed can be downloaded."))
        return redirect("outbox:message", pk=pk)
    try:
        content = evidence.eml(message)
    except OSError:
        messages.error(request, _("An attachment of this email is missing from the files "
                                  "folder."))
        return redirect("outbox:message", pk=pk)
    return _download(content, f"message-{message.pk}.eml", "message/rfc822")


@require_GET
def customer_history(request, pk):
    """Anyone who may see the customer may download its history (evidence.may_see_customer)."""
    customer = evidence.customer_for(request.user, pk)
    today = timezone.localdate()
    content = evidence.customer_history_pdf(customer, get_language(), today)
    return _download(content, f"history-{customer.reference}-{today.isoformat()}.pdf",
                     "application/pdf")


def _download(content, name, content_type):
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=name,
                        content_type=content_type)
