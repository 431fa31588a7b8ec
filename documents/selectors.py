"""What the case page offers: the documents issued for the case and those it could have now."""
from dataclasses import dataclass

from complaints.access import may_issue_document
from complaints.selectors import case_list

from .kinds import kinds_all
from .models import IssuedDocument


@dataclass(frozen=True)
class OfferedDocument:
    kind: str
    title: str
    subject_key: str
    label: str
    issued: IssuedDocument | None
    may_issue: bool


def case_documents(*, case, user) -> list[OfferedDocument]:
    """Every document of the case: issued ones (whoever may see the case may reprint them) and the
    ones its state calls for, which the issuing unit's staff may issue."""
    issued = {(d.kind, d.subject_key): d for d in IssuedDocument.objects.filter(case=case)}
    offered = []
    for kind in kinds_all():
        if not kind.for_cases:
            continue
        subjects = dict(kind.subjects(case))
        subjects.update({key: "" for (code, key) in issued if code == kind.code and key not in subjects})
        for key, label in subjects.items():
            document = issued.get((kind.code, key))
            offered.append(OfferedDocument(
                kind=kind.code, title=document.title if document else str(kind.title), subject_key=key, label=label,
                issued=document,
                may_issue=document is None and may_issue_document(
                    user=user, issuing_unit=kind.issuer(case=case, subject_key=key)),
            ))
    return offered


def document_for_download(*, user, document_id: int) -> IssuedDocument:
    """The issued document, if `user` may read it: the case's document for whoever may see the case,
    a document of no case for the unit that issued it and those above it. Raises DoesNotExist."""
    document = IssuedDocument.objects.select_related("case", "issuing_unit").get(pk=document_id)
    if document.case_id is not None:
        if not case_list(visible_to=user).filter(pk=document.case_id).exists():
            raise IssuedDocument.DoesNotExist
    elif not may_issue_document(user=user, issuing_unit=document.issuing_unit):
        raise IssuedDocument.DoesNotExist
    return document
