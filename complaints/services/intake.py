"""Receiving, registering and amending cases (受理登记)."""
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.workdays import local_date

from ..errors import ApplicationError
from ..models import Attachment, Case, CaseEvent, CaseNumberSequence
from ..models.case import FIVE_ELEMENT_FIELDS
from ..models.choices import CaseKind
from .clocks import clocks_start
from .guards import require_permission, require_transition
from .history import case_event_record
from .repeats import case_claimant_is_professional, case_repeats_check
from .routing import case_routing_refresh, routing_refresh

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread over the phone

# Fields a clerk may supply after receipt; state and workflow fields are never among them.
EDITABLE_FIELDS = {
    "kind", "channel", "external_ref", "grade", "enterprise_related", "sensitive",
    "complainant_type", "complainant_name", "complainant_phone", "complainant_address",
    "complainant_id_number", "anonymous", "respondent_name", "respondent_credit_code",
    "respondent_address", "respondent_area", "respondent_phone", "incident_time", "incident_place",
    "facts", "demand", "category",
}


def case_number_next(*, at) -> str:
    """Next date-based number (e.g. 2026112300123). The row update takes a lock that is held until
    commit, so concurrent registrations can never draw the same number."""
    day = local_date(at)
    updated = CaseNumberSequence.objects.filter(day=day).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(day=day, last=1)
        except IntegrityError:  # another registration created the row first: take the next number
            CaseNumberSequence.objects.filter(day=day).update(last=F("last") + 1)
    last = CaseNumberSequence.objects.get(day=day).last
    return f"{day:%Y%m%d}{last:05d}"


def case_number_draw(*, at) -> str:
    """A number drawn in a transaction of its own, so the day's counter row is locked for one
    statement rather than for a whole intake transaction (which makes concurrent intakes wait in
    line behind each other). If the intake then fails, that number is never used: numbers may skip,
    never repeat."""
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            # No wait for the disk at this commit: a case using the number commits (durably) later,
            # and flushing its commit flushes this one, which precedes it in the log. A crash in
            # between loses both the draw and the case, so a number is still never given twice.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        return case_number_next(at=at)


def _new_case(*, by, fields: dict, at, number: str | None = None) -> Case:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("未知字段:%s") % ", ".join(sorted(unknown)))
    case = Case(
        number=number or case_number_next(at=at),
        query_code="".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8)),
        registering_unit=by.unit,
        received_at=at,
        **fields,
    )
    case.professional_claimant = case_claimant_is_professional(case)
    case.save()
    case_event_record(case=case, actor=by, action=CaseEvent.Action.RECEIVE, target=case.state, at=at,
                      note=_("渠道:%s") % case.get_channel_display())
    if case.kind == CaseKind.COMPLAINT:
        clocks_start(case=case, clocks=["statutory_accept"], at=at, new_case=True)
    elif case.kind == CaseKind.REPORT:
        clocks_start(case=case, clocks=["statutory_report_decision"], at=at, new_case=True)
    return case


@transaction.atomic
def case_receive(
    *, by, fields: dict, register: bool = True, also_report: bool = False, files=(), at=None,
    number: str | None = None,
) -> list[Case]:
    """Take a submission in. A submission that is both a complaint and a report becomes two linked
    cases, because the law handles the two on separate tracks. With `register`, each case whose
    elements are complete is registered at once; the others stay received with what is missing.
    `number` is one drawn beforehand (case_number_draw) for the first case."""
    require_permission(by, "complaints.receive_case")
    at = at or timezone.now()
    cases = [_new_case(by=by, fields=fields, at=at, number=number)]
    if also_report:
        if fields.get("kind") != CaseKind.COMPLAINT:
            raise ApplicationError(_("只有投诉可以同时作为举报登记。"), field="also_report")
        twin = _new_case(by=by, fields={**fields, "kind": CaseKind.REPORT, "external_ref": ""}, at=at)
        _link(cases[0], twin, by=by, at=at)
        cases.append(twin)
    for case in cases:
        for upload in files:
            case_attachment_add(case=case, by=by, file=upload)
        if register and case.elements_complete():
            _register(case=case, by=by, at=at)
    return cases


def _link(first: Case, second: Case, *, by, at) -> None:
    first.linked_case, second.linked_case = second, first
    Case.objects.filter(pk=first.pk).update(linked_case=second)
    Case.objects.filter(pk=second.pk).update(linked_case=first)
    for one, other in ((first, second), (second, first)):
        case_event_record(case=one, actor=by, action=CaseEvent.Action.LINK, at=at,
                          note=_("同一来件分别按投诉、举报登记,关联工单 %s") % other.number)


@transaction.atomic
def case_register(*, case: Case, by, at=None) -> Case:
    """Register (登记) a received case; all five elements are needed for complaints and reports."""
    return _register(case=case, by=by, at=at or timezone.now())


def _register(*, case: Case, by, at) -> Case:
    # The body of case_register, for case_receive to call inside its own transaction without the
    # savepoint a nested atomic block costs (an error rolls the whole intake back anyway).
    missing = case.missing_elements
    if case.state == Case.State.RECEIVED and missing:
        labels = {str(label): name for name, label in FIVE_ELEMENT_FIELDS.items()}
        raise ApplicationError(
            _("五要素不全,暂不能登记,缺少:%s") % "、".join(missing),
            errors={labels[m]: [_("登记需要填写此项")] for m in missing},
        )
    source = require_transition(case.register, by)
    case.register(at=at)
    # Not saved here: case_repeats_check below sets the repeat flags and writes the registered row
    # once (the state check of the optimistic lock happens at that write, in this transaction).
    clocks_start(case=case, stop=["statutory_accept"], at=at,
                 clocks=["dispatch", "statutory_mediation"] if case.kind == CaseKind.COMPLAINT else ["dispatch"])
    case_event_record(case=case, actor=by, action=CaseEvent.Action.REGISTER, source=source, at=at)
    routing_refresh(case=case, by=by, at=at)
    case_repeats_check(case=case, by=by, at=at)
    return case


@transaction.atomic
def case_update_details(*, case: Case, by, fields: dict) -> Case:
    """Supply missing elements or correct details; the history keeps what changed."""
    require_permission(by, "complaints.register_case")
    if case.state not in (Case.State.RECEIVED, Case.State.REGISTERED):
        raise ApplicationError(_("工单已分流,基本信息不能再修改,请补充证据或在履历中说明。"))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("未知字段:%s") % ", ".join(sorted(unknown)))
    changed = {}
    for name, value in fields.items():
        old = getattr(case, name)
        if old != value:
            changed[name] = {"from": str(old) if old is not None else "", "to": str(value) if value is not None else ""}
            setattr(case, name, value)
    if changed:
        case.save()
        case_event_record(case=case, actor=by, action=CaseEvent.Action.UPDATE, data={"changed": changed},
                          note=_("修改字段:%s") % "、".join(str(Case._meta.get_field(n).verbose_name) for n in changed))
        if case.state == Case.State.REGISTERED and changed.keys() & {"respondent_area", "category", "kind"}:
            case_routing_refresh(case=case, by=by)
    return case


@transaction.atomic
def case_attachment_add(*, case: Case, by, file, description: str = "") -> Attachment:
    require_permission(by, "complaints.add_evidence_case")
    if case.state in (Case.State.ARCHIVED, Case.State.DECLINED, Case.State.TRANSFERRED):
        raise ApplicationError(_("工单已结束,不能再补充证据。"), field="file")
    attachment = Attachment.objects.create(case=case, file=file, description=description, uploaded_by=by)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.EVIDENCE,
                      note=f"{attachment} {description}".strip())
    return attachment
