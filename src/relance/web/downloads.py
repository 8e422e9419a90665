"""Files handed to the browser as downloads, with one way of naming them."""
from django.http import HttpResponse
from django.utils.http import content_disposition_header


def attachment(content, name, content_type="application/pdf"):
    """`content` (bytes) offered for download as `name`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
