"""Files debtors send: checked by content and size, stored outside the web root
(PORTAL_UPLOAD_ROOT, under RELANCE_HOME/uploads), named by their fingerprint."""
import hashlib
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from relance.portal import rules
from relance.portal.models import PortalUpload


class UploadRefused(ValueError):
    """The file cannot be kept; the message says why, for the debtor."""


def check(uploaded):
    """(content type, extension) of an acceptable upload, else UploadRefused."""
    limit = settings.PORTAL_UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise UploadRefused(_("The file is too large (at most %(size)s MB).")
                            % {"size": limit // (1024 * 1024) or 1})
    if uploaded.size == 0:
        raise UploadRefused(_("The file is empty."))
    uploaded.seek(0)
    found = rules.sniff(uploaded.read(16))
    uploaded.seek(0)
    if found is None:
        raise UploadRefused(_("Send a PDF, PNG or JPEG file."))
    return found


def store(uploaded, customer, kind):
    """Keep a checked upload and return its row (not linked to a case yet)."""
    content_type, extension = check(uploaded)
    sha = hashlib.sha256()
    for chunk in uploaded.chunks():
        sha.update(chunk)
    relative = Path(str(customer.company_id), str(customer.pk), sha.hexdigest() + extension)
    target = Path(settings.PORTAL_UPLOAD_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return PortalUpload.objects.create(
        company_id=customer.company_id, customer=customer, kind=kind,
        original_name=Path(uploaded.name or "file").name[:200],
        content_type=content_type, path=str(relative), sha256=sha.hexdigest(),
        size=uploaded.size)


def path_of(upload):
    root = Path(settings.PORTAL_UPLOAD_ROOT).resolve()
    target = (root / upload.path).resolve()
    if root not in target.parents:       # a tampered row never reads outside the root
        raise FileNotFoundError(upload.path)
    return target
