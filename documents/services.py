"""Issuing a document: one number per kind and year, drawn under the sequence row's lock, the
files rendered and kept, and a history line on the case, all in one transaction. Issuing what
was issued before gives back that document: a reprint has the same number and the same text."""
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from complaints.access import may_issue_document
from complaints.models import CaseEvent
from complaints.services.history import case_event_record
from core.errors import ApplicationError
from core.notes import Note

from .kinds import DocumentKind, header_values, kind_get
from .models import DocumentSequence, DocumentTemplate, IssuedDocument
from .render import body_render, docx_render, pdf_render

NOT_OFFERED = _("该工单当前没有这份文书。")
NO_TEMPLATE = _("这种文书还没有生效的模板，请中心在管理后台添加。")
NOT_ISSUER = _("只有签发单位（或其上级受理中心、12315中心）可以签发这份文书。")


def document_template_in_force(*, kind: str, day) -> DocumentTemplate:
    template = DocumentTemplate.objects.filter(kind=kind, effective_from__lte=day).order_by("-effective_from").first()
    if template is None:
        raise ApplicationError(NO_TEMPLATE)
    return template


def document_number_next(*, kind: str, year: int) -> int:
    """The next number of `kind` in `year`. The UPDATE locks the row until the caller's transaction
    ends, so two clerks issuing at once get consecutive numbers, never the same one."""
    DocumentSequence.objects.get_or_create(kind=kind, year=year)
    DocumentSequence.objects.filter(kind=kind, year=year).update(last=F("last") + 1)
    return DocumentSequence.objects.get(kind=kind, year=year).last


def _existing(*, kind: DocumentKind, case, subject_key: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(kind=kind.code, case=case, subject_key=subject_key).first()


def document_issue(*, kind_code: str, by, case=None, subject_key: str = "", at=None) -> IssuedDocument:
    """The document of `kind_code` for `case` (and `subject_key`), issued now by `by` unless it was
    issued before."""
    kind = kind_get(kind_code)
    existing = _existing(kind=kind, case=case, subject_key=subject_key)
    if existing is not None:
        return existing
    if case is not None and subject_key not in {key for key, _label in kind.subjects(case)}:
        raise ApplicationError(NOT_OFFERED)
    unit = kind.issuer(case=case, subject_key=subject_key)
    if not may_issue_document(user=by, issuing_unit=unit):
        raise PermissionDenied(NOT_ISSUER)
    at = at or timezone.now()
    try:
        # A document is written in the bureau's language whatever the issuer reads the pages in.
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            return _issue(kind=kind, case=case, subject_key=subject_key, unit=unit, by=by, at=at)
    except IntegrityError:
        # Someone issued it in the same moment: theirs is the document (our number was rolled back).
        existing = _existing(kind=kind, case=case, subject_key=subject_key)
        if existing is None:
            raise
        return existing


def _issue(*, kind: DocumentKind, case, subject_key: str, unit, by, at) -> IssuedDocument:
    day = timezone.localdate(at)
    template = document_template_in_force(kind=kind.code, day=day)
    sequence = document_number_next(kind=kind.code, year=day.year)
    number = f"{template.number_prefix}〔{day.year}〕{sequence}号"
    values = {**header_values(number=number, at=at), **kind.values(case=case, subject_key=subject_key)}
    body = body_render(template.body, values)
    document = IssuedDocument(
        kind=kind.code, title=template.title, case=case, subject_key=subject_key, year=day.year,
        sequence=sequence, number=number, template=template, values={**values, "正文": body},
        issued_by=by if getattr(by, "pk", None) else None, issuing_unit=unit, issued_at=at,
    )
    stem = f"{kind.code}-{day.year}-{sequence}"
    document.pdf_file.save(f"{stem}.pdf", ContentFile(pdf_render(title=template.title, values=values, body=body)),
                           save=False)
    document.docx_file.save(
        f"{stem}.docx",
        ContentFile(docx_render(template_file=template.docx_file, title=template.title, values=values, body=body)),
        save=False)
    document.save(force_insert=True)
    if case is not None:
        case_event_record(case=case, actor=by, action=CaseEvent.Action.DOCUMENT, internal=True,
                          note=Note(gettext_noop("签发%(title)s，文号%(number)s。"),
                                    title=template.title, number=number),
                          data={"document": document.pk, "kind": kind.code, "number": number})
    return document
