"""Letters after they are rendered: the print batch, and recording them as posted.

A letter's message is "sent" once its PDF exists; it then waits in the print batch
until someone records the day it went to the post office, with the tracking number
La Poste gave for a registered letter. Posting is recorded one letter at a time from
the print batch page, or for many letters from a CSV of tracking numbers (all or
nothing, with a reason per line). Each posting goes on the customer's timeline.
"""
import csv
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.delivery.documents import print_batch
from relance.delivery.models import Message, MessageState, Postage
from relance.ledger import timeline
from relance.textfiles import (
    EncodingProblem, Problem, detect_delimiter, detect_encoding, parse_date,
)

LETTER_CHANNELS = ("letter", "registered_letter")
REGISTERED = "registered_letter"
TRACKING_SHAPE = re.compile(r"[A-Za-z0-9 ]+")
TRACKING_LENGTH = (8, 20)
# The CSV's columns, by the names a mail house or a spreadsheet may give them.
REFERENCE_COLUMNS = ("letter", "reference", "letter_reference", "message", "message_id", "id")
TRACKING_COLUMNS = ("tracking_number", "tracking", "numero_de_suivi")
DATE_COLUMNS = ("posted_on", "date", "posted")


class LetterRefused(ValueError):
    """The posting cannot be recorded; the message says why, for the user."""


@dataclass
class Posting:
    letter: Message
    posted_on: object   # date
    tracking_number: str = ""


@dataclass
class TrackingImport:
    """What a tracking CSV would do: postings when it has no problem, else problems."""

    postings: list = field(default_factory=list)
    unchanged: int = 0
    problems: list = field(default_factory=list)


# Reading -----------------------------------------------------------------------------

def rendered_letters(messages):
    """The letters among `messages` that were rendered, posted or not."""
    return (messages.filter(channel__in=LETTER_CHANNELS, state=MessageState.SENT)
            .select_related("action__customer").order_by("sent_at", "id"))


def waiting_letters(messages):
    """Rendered letters not yet posted, among `messages`, in the order they were
    rendered, with their PDF."""
    return (rendered_letters(messages).filter(posted_on__isnull=True)
            .prefetch_related("attachments"))


def by_day(letters):
    """[(day, [letters])] by the local day each letter was rendered, oldest first."""
    days = {}
    for letter in letters:
        days.setdefault(timezone.localdate(letter.sent_at), []).append(letter)
    return sorted(days.items())


def reference(letter):
    """How a letter is named on the print batch page and in a tracking CSV: its PDF's
    file name without the extension."""
    pdf = _letter_pdf(letter)
    return pdf.name.removesuffix(".pdf") if pdf else str(letter.pk)


def batch_pdf(letters):
    """One PDF of the letters' pages for the printer (documents.print_batch)."""
    pdfs = []
    for letter in letters:
        pdf = _letter_pdf(letter)
        if pdf is None:
            raise LetterRefused(_("Letter %(id)s has no PDF.") % {"id": letter.pk})
        try:
            with pdf.file.open("rb") as handle:
                pdfs.append(handle.read())
        except OSError:
            raise LetterRefused(_("The PDF of letter %(id)s is missing from the files "
                                  "folder.") % {"id": letter.pk}) from None
    if not pdfs:
        raise LetterRefused(_("No letter waits to be printed."))
    return print_batch(pdfs, duplex=True)


def _letter_pdf(letter):
    attachments = [a for a in letter.attachments.all() if a.content_type == "application/pdf"]
    return attachments[0] if attachments else None


# Checking ----------------------------------------------------------------------------

def normalise_tracking(text):
    """A La Poste tracking number without its spaces, in capitals ("1A 123 456 7890 1"
    -> "1A12345678901"); ValueError with the reason when it cannot be one."""
    raw = (text or "").strip()
    if not TRACKING_SHAPE.fullmatch(raw):
        raise ValueError(_("A tracking number has only letters, digits and spaces."))
    number = raw.replace(" ", "").upper()
    low, high = TRACKING_LENGTH
    if not low <= len(number) <= high:
        raise ValueError(_("A tracking number has %(low)s to %(high)s letters and digits.")
                         % {"low": low, "high": high})
    return number


def posting_problems(letter, posted_on, tracking_text, today):
    """(tracking number, {field: reason}) for posting `letter` on `posted_on`.

    A registered letter needs its tracking number; a simple letter may have one. A
    letter cannot be posted before it was printed, nor in the future."""
    problems, tracking = {}, ""
    if (tracking_text or "").strip():
        try:
            tracking = normalise_tracking(tracking_text)
        except ValueError as error:
            problems["tracking_number"] = str(error)
    elif letter.channel == REGISTERED:
        problems["tracking_number"] = _("A registered letter needs its tracking number.")
    if posted_on > today:
        problems["posted_on"] = _("The posting date cannot be in the future.")
    elif letter.sent_at and posted_on < timezone.localdate(letter.sent_at):
        problems["posted_on"] = _("The letter was printed on %(day)s, it cannot have been "
                                  "posted before.") % {"day": timezone.localdate(letter.sent_at)}
    return tracking, problems


# Recording ---------------------------------------------------------------------------

@transaction.atomic
def mark_posted(postings, user):
    """Record each letter as posted, on its customer's timeline; all or none.

    Each letter is updated only if it is still waiting (a conditional UPDATE): when
    another user recorded it meanwhile, nothing is recorded and LetterRefused says so.
    """
    for posting in postings:
        _post(posting, user)
    return len(postings)


def _post(posting, user):
    letter = posting.letter
    changed = Message.objects.filter(
        pk=letter.pk, channel__in=LETTER_CHANNELS, state=MessageState.SENT,
        posted_on__isnull=True).update(posted_on=posting.posted_on,
                                       tracking_number=posting.tracking_number)
    if changed != 1:
        raise LetterRefused(_("Letter %(reference)s was already recorded as posted.")
                            % {"reference": reference(letter)})
    letter.posted_on, letter.tracking_number = posting.posted_on, posting.tracking_number
    action = letter.action
    postage = letter.postage or (Postage.REGISTERED if letter.channel == REGISTERED
                                 else Postage.SIMPLE)
    words = Postage(postage).label
    timeline.record(letter.company, "letter.posted", customer=action.customer, actor=user,
                    message=f"{words} {posting.tracking_number}".strip(),
                    data={"message": letter.pk, "action": action.pk, "postage": postage,
                          "tracking_number": posting.tracking_number,
                          "posted_on": posting.posted_on.isoformat()})


# Importing tracking numbers ----------------------------------------------------------

def read_tracking(name, content, letters, default_day, today):
    """What a CSV of tracking numbers would record, checked line by line.

    1. Decode the bytes (UTF-8, UTF-16 or Windows-1252) and find the separator.
    2. Find the columns: the letter (its reference or message id), the tracking number,
       and optionally the posting date (else `default_day`).
    3. Check each line against `letters` (the letters the user may post, posted or not):
       a line for a letter already posted with the same number is unchanged; any
       problem is kept with its line and column, and the import records nothing.
    """
    result = TrackingImport()
    try:
        rows, columns = _rows(content)
    except (EncodingProblem, UnicodeDecodeError, csv.Error) as error:
        result.problems.append(Problem(name, 0, "", str(error)))
        return result
    missing = _missing_columns(columns)
    if missing:
        result.problems.append(Problem(name, 1, "", missing))
        return result
    known = _index(letters)
    seen = set()
    for line, row in rows:
        _check_row(result, name, line, row, columns, known, seen, default_day, today)
    return result


def import_tracking(name, content, letters, default_day, today, user):
    """Read the CSV and, when no line has a problem, record every posting at once."""
    result = read_tracking(name, content, letters, default_day, today)
    if not result.problems:
        mark_posted(result.postings, user)
    return result


def _rows(content):
    encoding = detect_encoding(content[:64 * 1024])
    text = content.decode(encoding)
    header = text.splitlines()[0] if text.strip() else ""
    reader = csv.reader(io.StringIO(text), delimiter=detect_delimiter(header))
    rows = iter(reader)
    columns = {_column_name(c): i for i, c in enumerate(next(rows, []))}
    return ([(reader.line_num, row) for row in rows if any(cell.strip() for cell in row)],
            columns)


def _column_name(header):
    return re.sub(r"[\s-]+", "_", header.strip().lower().lstrip("\ufeff"))


def _find(columns, names):
    return next((columns[n] for n in names if n in columns), None)


def _missing_columns(columns):
    if _find(columns, REFERENCE_COLUMNS) is None or _find(columns, TRACKING_COLUMNS) is None:
        return _("The file needs a letter column (its reference or message id) and a "
                 "tracking_number column; posted_on is optional.")
    return ""


def _index(letters):
    """Each letter under its message id and under its reference."""
    known = {}
    for letter in letters.prefetch_related("attachments"):
        known[str(letter.pk)] = letter
        known[reference(letter).lower()] = letter
    return known


def _cell(row, index):
    return row[index].strip() if index is not None and index < len(row) else ""


def _check_row(result, name, line, row, columns, known, seen, default_day, today):
    def problem(column, reason):
        result.problems.append(Problem(name, line, column, reason))

    key = _cell(row, _find(columns, REFERENCE_COLUMNS)).lower().removesuffix(".pdf")
    letter = known.get(key)
    if letter is None:
        return problem("letter", _("no letter with this reference or message id: %(key)s")
                       % {"key": key or "—"})
    if letter.pk in seen:
        return problem("letter", _("this letter is already on another line"))
    seen.add(letter.pk)
    day = default_day
    day_text = _cell(row, _find(columns, DATE_COLUMNS))
    if day_text:
        try:
            day = parse_date(day_text)
        except ValueError as error:
            return problem("posted_on", str(error))
    tracking, problems = posting_problems(letter, day, _cell(row, _find(columns, TRACKING_COLUMNS)),
                                          today)
    if letter.posted_on is not None:
        if letter.tracking_number == tracking and (not day_text or letter.posted_on == day):
            result.unchanged += 1
            return None
        return problem("letter", _("already posted on %(day)s with tracking number "
                                   "%(number)s") % {"day": letter.posted_on,
                                                    "number": letter.tracking_number or "—"})
    for column, reason in problems.items():
        problem(column, reason)
    if not problems:
        result.postings.append(Posting(letter, day, tracking))
    return None
