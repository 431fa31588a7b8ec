"""Serving evidence files to those who may see them."""
import logging

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .models import Attachment

logger = logging.getLogger(__name__)


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download. A file gone from storage (a lost volume, a bad restore) is logged for
    the administrators and answered 404, not a server error the user cannot act on."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        logger.error("evidence file missing from storage: case %s, attachment %s, %s",
                     attachment.case_id, attachment.pk, attachment.file.name)
        raise Http404(_("证据文件已不在存储中,请联系系统管理员。")) from None
    return FileResponse(handle, as_attachment=True, filename=str(attachment))
