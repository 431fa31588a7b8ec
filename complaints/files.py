"""Serving evidence files to those who may see them."""
import logging
import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .models import Attachment

logger = logging.getLogger(__name__)


def attachment_response(attachment: Attachment) -> HttpResponse:
    """The file as a download, to a caller the view has already checked. A file gone from storage (a
    lost volume, a bad restore) is logged for the administrators and answered 404, not a server error
    the user cannot act on.

    Behind nginx (EVIDENCE_ACCEL_REDIRECT_PREFIX set) the answer is an empty response naming the file
    in X-Accel-Redirect: nginx sends it from its `internal` location, so a gunicorn worker is not held
    for the length of a large download, and the file is never reachable without this check."""
    if settings.EVIDENCE_ACCEL_REDIRECT_PREFIX:
        if not attachment.file.storage.exists(attachment.file.name):
            _missing(attachment)
        response = HttpResponse(content_type=mimetypes.guess_type(attachment.file.name)[0]
                                or "application/octet-stream")
        response["X-Accel-Redirect"] = settings.EVIDENCE_ACCEL_REDIRECT_PREFIX.rstrip("/") + "/" + quote(
            attachment.file.name)
        # The same header FileResponse writes, so a browser names the download alike either way.
        response["Content-Disposition"] = content_disposition_header(True, str(attachment))
        return response
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        _missing(attachment)
    return FileResponse(handle, as_attachment=True, filename=str(attachment))


def _missing(attachment: Attachment):
    logger.error("evidence file missing from storage: case %s, attachment %s, %s",
                 attachment.case_id, attachment.pk, attachment.file.name)
    raise Http404(_("证据文件已不在存储中，请联系系统管理员。"))
