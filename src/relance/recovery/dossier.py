"""The dossier of a claim as one ZIP, for a court (order for payment, small claims) or
a collection agency.

Members (docs/legal.md, "The dossier", lists them with their contents):

    statement/statement.pdf, statement/statement.csv   the claim, disputed and
                                                       time-barred invoices left out
    invoices/<number>.pdf                              the invoice's own PDF, or the
                                                       summary reminders attach
    reminders/NN-<date>-<channel>/...                  every reminder and formal notice
                                                       sent: message.eml as sent, its
                                                       PDFs, sending.json (letters:
                                                       postage, tracking, posting date)
    agreements/agreements.pdf                          promises and payment plans
    debtor.json                                        identity, SIREN checked
    cerfa-12946.json, cerfa-12946.pdf                  (court) the application's fields
    agency-mandate.json, agency-mandate.pdf            (agency) the mandate's data
    index.csv, README.txt                              every file, its date and SHA-256

The ZIP is deterministic: members in a fixed order, each dated with the dossier's
date, JSON with sorted keys, email boundaries derived from the Message-ID. It is
written member by member into a file object, so at most one PDF is in memory.
"""
import csv
import email
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from relance.cases.models import Handover, HandoverStatus
from relance.compose.documents.rendering import Formats, creditor_of, render_pdf
from relance.compose.documents.statement import (
    policy_text,
    statement_csv_text,
    statement_pdf_content,
)
from relance.delivery.evidence import eml
from relance.dunning.models import Channel
from relance.legal.statement import restricted
from relance.recovery import cerfa
from relance.recovery.claim_file import agreements, is_formal_notice, legal_path, sent_messages

COURT, AGENCY = "court", "agency"
PURPOSES = (COURT, AGENCY)
SENT_CHANNELS = (Channel.EMAIL, Channel.LETTER, Channel.REGISTERED_LETTER)
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Entry:
    name: str
    day: object          # the date of the document
    description: str
    size: int
    sha256: str


class DossierZip:
    """A ZIP written member by member, each dated `as_of` and fingerprinted."""

    def __init__(self, fileobj, as_of):
        self.zip = zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED)
        self.stamp = (as_of.year, as_of.month, as_of.day, 0, 0, 0)
        self.entries = []

    def _info(self, name):
        info = zipfile.ZipInfo(name, self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def add(self, name, content, day, description):
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.zip.writestr(self._info(name), content)
        self.entries.append(Entry(name, day, description, len(content),
                                  hashlib.sha256(content).hexdigest()))

    def add_file(self, name, handle, day, description):
        """Copy an open binary file in chunks, hashing on the way."""
        digest, size = hashlib.sha256(), 0
        with self.zip.open(self._info(name), "w") as member:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                member.write(chunk)
                size += len(chunk)
        self.entries.append(Entry(name, day, description, size, digest.hexdigest()))

    def add_json(self, name, data, day, description):
        self.add(name, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                 day, description)

    @property
    def names(self):
        return [entry.name for entry in self.entries]

    def close(self):
        self.zip.close()


def write_dossier(customer, as_of, fileobj, *, purpose=COURT, language="fr"):
    """Write the dossier of `customer` on `as_of` into `fileobj`; return its entries.

    1. Compute the legal path: the claim without disputed, not yet due or time-barred
       invoices, and the procedure it calls for.
    2. Write the statement, the invoices, the messages sent, the agreements and the
       debtor's identity, one member at a time.
    3. Write the court's (or the agency's) structured data and its summary PDF, then
       the index and the README that list every member with its SHA-256.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}")
    with override(language):
        found = legal_path(customer, as_of)
        claim = restricted(found.statement, found.recommendation.claimed_numbers)
        out = DossierZip(fileobj, as_of)
        _statement(out, customer, claim, language)
        _invoices(out, customer, claim, found.invoices, language)
        _messages(out, customer, as_of)
        _agreements(out, customer, as_of, language)
        debtor = cerfa.debtor_identity(customer, customer.contacts.order_by("name", "id"))
        out.add_json("debtor.json", debtor, as_of, _("Debtor's identity and contacts"))
        if purpose == COURT:
            _court(out, customer, claim, found.recommendation, debtor, language)
        else:
            _agency(out, customer, claim, debtor, language)
        _manifest(out, customer, as_of, purpose)
        out.close()
    return out.entries


def _statement(out, customer, claim, language):
    out.add("statement/statement.pdf", statement_pdf_content(customer, claim, language),
            claim.as_of, _("Statement of claim"))
    french = language.startswith("fr")
    out.add("statement/statement.csv",
            statement_csv_text(claim, french=french).encode("utf-8-sig"),
            claim.as_of, _("Statement of claim (spreadsheet)"))


def _invoices(out, customer, claim, invoices, language):
    from relance.compose.messages import invoice_document   # WeasyPrint: slow import
    creditor = customer.company
    company = {"name": creditor.name, "address": "\n".join(creditor.address_lines),
               "siren": creditor.siren, "vat_number": creditor.vat_number,
               "email": creditor.email, "phone": creditor.phone, "iban": creditor.iban,
               "bic": creditor.bic}
    debtor = {"name": customer.name, "reference": customer.reference,
              "address": "\n".join(customer.address_lines), "siren": customer.siren}
    for line in claim.lines:
        invoice = invoices[line.number]
        label = _("Invoice %(number)s") % {"number": invoice.number}
        if invoice.pdf:
            with invoice.pdf.open("rb") as handle:
                out.add_file(f"invoices/{invoice.number}.pdf", handle, invoice.issue_date,
                             label)
            continue
        name, content = invoice_document(company, debtor, invoice, language)
        out.add(f"invoices/{name}", content, invoice.issue_date,
                label + " " + _("(summary: the original PDF is not in the ledger)"))


def _messages(out, customer, as_of):
    sent = [m for m in sent_messages(customer, as_of) if m.channel in SENT_CHANNELS]
    for number, message in enumerate(sent, start=1):
        day = timezone.localdate(message.sent_at)
        folder = f"reminders/{number:02d}-{day.isoformat()}-{message.channel}"
        kind = _("Formal notice") if is_formal_notice(message) else _("Reminder")
        described = f"{kind}: {message.subject}".strip()
        if message.channel == Channel.EMAIL and message.message_id:
            out.add(f"{folder}/message.eml", steady_eml(eml(message), message.message_id),
                    day, described + " " + _("(email as sent)"))
        for attachment in message.attachments.order_by("id"):
            with attachment.file.open("rb") as handle:
                out.add_file(f"{folder}/{attachment.name}", handle, day,
                             described + f" – {attachment.name}")
        out.add_json(f"{folder}/sending.json", sending_record(message), day,
                     described + " " + _("(proof of sending)"))


def sending_record(message):
    """When, how and to whom a message went; for letters how it was posted."""
    record = {"channel": message.channel, "formal_notice": is_formal_notice(message),
              "sent_at": message.sent_at.isoformat(), "subject": message.subject,
              "recipients": message.recipients, "copies": message.copies,
              "message_id": message.message_id, "invoices": message.invoices,
              "attachments": [{"name": a.name, "sha256": a.sha256, "size": a.size}
                              for a in message.attachments.order_by("id")]}
    if message.channel in (Channel.LETTER, Channel.REGISTERED_LETTER):
        record.update(postage=message.postage, tracking_number=message.tracking_number,
                      posted_on=message.posted_on and message.posted_on.isoformat())
    return record


def steady_eml(raw, seed):
    """The email's bytes with its MIME boundaries derived from `seed` (its Message-ID)
    instead of random ones, so the same email gives the same file every time. The
    headers and every part are untouched."""
    parsed = email.message_from_bytes(raw)
    boundaries = [part.get_boundary() for part in parsed.walk() if part.is_multipart()]
    for index, boundary in enumerate(b for b in boundaries if b):
        steady = "=_relance_" + hashlib.sha256(f"{seed}/{index}".encode()).hexdigest()[:32]
        raw = raw.replace(boundary.encode("ascii"), steady.encode("ascii"))
    return raw


def _agreements(out, customer, as_of, language):
    formats = Formats(language)
    rows = [_agreement_row(kind, at, case, formats) for kind, at, case in agreements(customer)]
    content = render_pdf("legal/agreements_pdf.html", {
        "company": creditor_of(customer.company), "customer": customer,
        "as_of": formats.date(as_of), "rows": rows}, language)
    out.add("agreements/agreements.pdf", content, as_of,
            _("Agreements: promises to pay and payment plans"))


def _agreement_row(kind, at, case, formats):
    numbers = ", ".join(sorted(i.number for i in case.invoices.all()))
    if kind == "promise":
        return {"kind": _("Promise to pay"), "recorded": formats.date(at.date()),
                "invoices": numbers, "terms": _("%(amount)s by %(date)s") % {
                    "amount": formats.money(case.amount, case.currency),
                    "date": formats.date(case.promised_for)},
                "status": case.get_status_display(), "note": case.note}
    return {"kind": _("Payment plan"), "recorded": formats.date(at.date()),
            "invoices": numbers, "terms": _("%(count)s instalments from %(date)s") % {
                "count": case.instalments, "date": formats.date(case.starts_on)},
            "status": case.get_status_display(), "note": case.note}


def _court(out, customer, claim, recommendation, debtor, language):
    creditor = cerfa.creditor_identity(customer.company)
    data = cerfa.order_for_payment(creditor, debtor, claim, recommendation,
                                   policy_text(claim), out.names)
    out.add_json("cerfa-12946.json", data, claim.as_of,
                 _("Order for payment: the fields of Cerfa 12946"))
    content = render_pdf("legal/cerfa_pdf.html", {
        "company": creditor_of(customer.company), "data": data,
        "procedure": recommendation.procedure, "as_of": Formats(language).date(claim.as_of)},
        language)
    out.add("cerfa-12946.pdf", content, claim.as_of,
            _("Order for payment: summary of the Cerfa 12946 fields"))


def _agency(out, customer, claim, debtor, language):
    handover = (Handover.objects.filter(customer=customer, status=HandoverStatus.ACTIVE)
                .order_by("-handed_on", "-id").first())
    creditor = cerfa.creditor_identity(customer.company)
    data = cerfa.agency_mandate(creditor, debtor, claim, handover, policy_text(claim),
                                out.names)
    out.add_json("agency-mandate.json", data, claim.as_of,
                 _("Collection agency mandate: creditor, debtor, breakdown of the debt"))
    content = render_pdf("legal/agency_pdf.html", {
        "company": creditor_of(customer.company), "data": data,
        "as_of": Formats(language).date(claim.as_of)}, language)
    out.add("agency-mandate.pdf", content, claim.as_of,
            _("Collection agency mandate (summary)"))


def _manifest(out, customer, as_of, purpose):
    entries = list(out.entries)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["file", "date", "description", "size", "sha256"])
    for entry in entries:
        writer.writerow([entry.name, entry.day.isoformat(), entry.description, entry.size,
                         entry.sha256])
    out.add("index.csv", text.getvalue(), as_of, _("Index of the files"))
    out.add("README.txt", readme(customer, as_of, purpose, entries), as_of, "README")


def readme(customer, as_of, purpose, entries):
    title = (_("Dossier for a court") if purpose == COURT
             else _("Dossier for a collection agency"))
    lines = [f"{title}: {customer.name} ({customer.reference})",
             _("Drawn up on %(date)s by %(creditor)s.") % {
                 "date": as_of.isoformat(), "creditor": customer.company.name},
             "", _("Files (date, SHA-256, description):"), ""]
    for entry in entries:
        lines += [entry.name, f"    {entry.day.isoformat()}  {entry.sha256}",
                  f"    {entry.description}"]
    return "\r\n".join(lines) + "\r\n"


def dossier_filename(customer, as_of, purpose):
    return f"dossier-{purpose}-{customer.reference}-{as_of.isoformat()}.zip"
