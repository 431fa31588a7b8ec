import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.selectors import case_list
from core.errors import ApplicationError

from . import kinds, selectors, services
from .models import IssuedDocument

logger = logging.getLogger(__name__)
FORMATS = {"pdf": ("pdf_file", "application/pdf"),
           "docx": ("docx_file", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")}


def case_documents_panel(*, request, case, now) -> dict:
    return {"case": case, "documents": selectors.case_documents(case=case, user=request.user)}


@login_required
@require_POST
def case_document_issue(request, number, kind):
    case = case_list(visible_to=request.user).filter(number=number).first()
    if case is None:
        raise Http404
    try:
        kinds.kind_get(kind)
    except KeyError:
        raise Http404 from None
    try:
        document = services.document_issue(kind_code=kind, case=case, subject_key=request.POST.get("subject", ""),
                                           by=request.user)
    except (ApplicationError, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已签发%(title)s，文号%(number)s。") % {"title": document.title,
                                                                            "number": document.number})
    return redirect(reverse("case-detail", args=[case.number]) + "#documents")


@login_required
def document_download(request, document_id, file_format):
    if file_format not in FORMATS:
        raise Http404
    try:
        document = selectors.document_for_download(user=request.user, document_id=document_id)
    except IssuedDocument.DoesNotExist:
        raise Http404 from None
    field, content_type = FORMATS[file_format]
    stored = getattr(document, field)
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        logger.error("issued document missing from storage: %s, %s", document.number, stored.name)
        raise Http404(_("文书文件已不在存储中，请联系系统管理员。")) from None
    filename = f"{document.title}-{document.number}.{file_format}"
    # A PDF opens in the browser to print; the Word file downloads for editing.
    return FileResponse(handle, as_attachment=file_format == "docx", filename=filename, content_type=content_type)
