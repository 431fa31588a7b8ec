"""Receiving, registering and amending cases (受理登记)."""
import secrets

from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ApplicationError, TransitionRefused
from core.notes import Note
from deadlines.models import CaseClock
from deadlines.services import clocks_build, clocks_start
from deadlines.workdays import local_date

from ..access import require_add_evidence, require_edit_details, require_receive
from ..evidence_rules import evidence_check
from ..identity import IDENTITY_CHOICE_FIELDS, identity_change_data, may_see_identity
from ..intake_rules import case_fields_check
from ..models import Attachment, Case, CaseEvent
from ..models.case import FIVE_ELEMENT_FIELDS
from ..models.choices import CaseKind, Channel
from ..rowwrite import primary_key_draw, rows_insert
from .guards import require_transition
from .history import case_event_build, case_event_record, case_event_seal_first
from .repeats import case_claimant_is_professional, case_repeats_check
from .routing import case_routing_refresh

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread over the phone

# Fields a clerk may supply after receipt; state and workflow fields are never among them.
EDITABLE_FIELDS = {
    "kind", "channel", "external_ref", "grade", "enterprise_related", "sensitive",
    "complainant_type", "complainant_name", "complainant_phone", "complainant_address",
    "complainant_id_number", "anonymous", "sms_opt_out", "respondent_name", "respondent_credit_code",
    "respondent_address", "respondent_area", "respondent_phone", "incident_time", "incident_place",
    "facts", "demand", "category", "respondent_platform", "respondent_shop", "platform_jurisdiction",
}

# The details that decide the unit with jurisdiction: a change recomputes the routing proposal.
ROUTING_FIELDS = {"respondent_area", "category", "kind", "respondent_platform", "platform_jurisdiction"}

# The statutory clock that runs from receipt: whether to accept a complaint (受理), or to decide on
# a report (举报核查处理决定). Its length comes from the policy table like every other clock.
STATUTORY_CLOCK_AT_RECEIPT = {CaseKind.COMPLAINT: "statutory_accept", CaseKind.REPORT: "statutory_report_decision"}


NUMBER_DRAW_SQL = (
    "INSERT INTO complaints_casenumbersequence (day, last) VALUES (%s, 1) "
    "ON CONFLICT (day) DO UPDATE SET last = complaints_casenumbersequence.last + 1 RETURNING last"
)


def case_number_draw(*, at) -> tuple[str, int | None]:
    """Next date-based number (e.g. 2026112300123) and, on PostgreSQL, the new case's primary key.
    The counter row stays locked until the drawing transaction commits, so concurrent intakes never
    draw the same number. Outside a transaction the draw is a transaction of its own, so the row is
    locked for one statement rather than for a whole intake: if that intake then fails, its number
    is never used (numbers may skip, never repeat)."""
    connection = transaction.get_connection()
    day = local_date(at)
    sql = NUMBER_DRAW_SQL
    if connection.vendor == "postgresql":
        sql += f", {primary_key_draw(Case)}"
        if not connection.in_atomic_block:
            # No wait for the disk at this commit: the case using the number commits durably later,
            # and flushing that commit flushes this one, which precedes it in the log. A crash in
            # between loses both the draw and the case, so a number is still never given twice.
            # Set inside the one statement (its transaction's setting, read at its commit): a batch
            # of two statements would answer with the first one's result on psycopg 3.
            sql += ", set_config('synchronous_commit', 'off', true)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [day])
        row = cursor.fetchone()
    return f"{day:%Y%m%d}{row[0]:05d}", (row[1] if len(row) > 1 else None)


def case_build(*, by, fields: dict, at) -> tuple[Case, list]:
    """A new received case and the rows that come with it (its receipt in the history and the
    statutory clock that starts at receipt), all in memory; `rows_insert` writes them together."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("未知字段：%s") % ", ".join(sorted(unknown)))
    fields = case_fields_check(fields=fields)
    number, pk = case_number_draw(at=at)
    case = Case(
        pk=pk,
        number=number,
        query_code="".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8)),
        registering_unit=by.unit,
        received_at=at,
        **fields,
    )
    rows = [case_event_seal_first(case_event_build(
        case=case, actor=by, action=CaseEvent.Action.RECEIVE, target=case.state, at=at,
        note=Note(gettext_noop("渠道：%(channel)s"), channel=_channel_label(case.channel))))]
    statutory = STATUTORY_CLOCK_AT_RECEIPT.get(case.kind)
    if statutory:
        rows += clocks_build(case=case, clocks=[statutory], at=at)
    return case, rows


def _channel_label(channel: str):
    return dict(Channel.choices).get(channel, channel)  # a system's own channel code shows as it is


def _new_case(*, by, fields: dict, at) -> Case:
    case, rows = case_build(by=by, fields=fields, at=at)
    # A clerk sees the flag while the caller is still on the line (registration checks again; API
    # intake, with nobody on the line, leaves the check to registration).
    case.professional_claimant = case_claimant_is_professional(case)
    case_rows_insert(case=case, rows=rows)
    return case


def case_rows_insert(*, case: Case, rows: list, after: tuple = ()) -> None:
    """Write a new case and the rows of `case_build` (then `after`) in one round trip. Its clocks go
    first: the case's insert trigger then takes its nearest deadline from them, where a clock
    written after its case updates the new row again (complaints_clock_touch_case), a second version
    of it in each of the case's indexes (39, three of them trigram GIN). PostgreSQL checks foreign
    keys at commit, so a clock may precede its case there; elsewhere (SQLite, no such trigger)
    Django's save() wants the case first."""
    if transaction.get_connection().vendor != "postgresql":
        rows_insert([case, *rows, *after])
        return
    clocks = [row for row in rows if isinstance(row, CaseClock)]
    rows_insert([*clocks, case, *(row for row in rows if not isinstance(row, CaseClock)), *after])


@transaction.atomic
def case_receive(
    *, by, fields: dict, register: bool = True, also_report: bool = False, files=(), at=None,
) -> list[Case]:
    """Take a submission in. A submission that is both a complaint and a report becomes two linked
    cases, because the law handles the two on separate tracks. With `register`, each case whose
    elements are complete is registered at once; the others stay received with what is missing."""
    require_receive(by)
    at = at or timezone.now()
    cases = [_new_case(by=by, fields=fields, at=at)]
    if also_report:
        if fields.get("kind") != CaseKind.COMPLAINT:
            raise ApplicationError(_("只有投诉可以同时作为举报登记。"), field="also_report")
        twin = _new_case(by=by, fields={**fields, "kind": CaseKind.REPORT, "external_ref": ""}, at=at)
        cases_link(cases[0], twin, by=by, at=at)
        cases.append(twin)
    for case in cases:
        for upload in files:
            case_attachment_add(case=case, by=by, file=upload)
        if register and case.elements_complete():
            case_register(case=case, by=by, at=at)
    return cases


def cases_link(first: Case, second: Case, *, by, at) -> None:
    """One submission taken as a complaint and as a report: each case names the other."""
    first.linked_case, second.linked_case = second, first
    Case.objects.filter(pk=first.pk).update(linked_case=second)
    Case.objects.filter(pk=second.pk).update(linked_case=first)
    for one, other in ((first, second), (second, first)):
        case_event_record(case=one, actor=by, action=CaseEvent.Action.LINK, at=at,
                          note=Note(gettext_noop("同一来件分别按投诉、举报登记，关联工单 %(number)s"),
                                    number=other.number))


@transaction.atomic(savepoint=False)
def case_register(*, case: Case, by, at=None) -> Case:
    """Register (登记) a received case; all five elements are needed for complaints and reports.
    Inside a caller's transaction (case_receive) it takes no savepoint: an error rolls the whole
    intake back anyway. A caller that goes on after a failed registration holds its own savepoint
    (the worker's external_cases_register does)."""
    at = at or timezone.now()
    missing = case.missing_elements
    if case.state == Case.State.RECEIVED and missing:
        labels = {str(label): name for name, label in FIVE_ELEMENT_FIELDS.items()}
        raise ApplicationError(
            _("五要素不全，暂不能登记，缺少：%s") % "、".join(missing),
            errors={labels[m]: [_("登记需要填写此项")] for m in missing},
        )
    source = require_transition(case.register, by)
    case.register(at=at)
    # Not saved here: case_repeats_check below sets the repeat flags and writes the registered row
    # once (the state check of the optimistic lock happens at that write, in this transaction).
    # Registration (登记) is not acceptance (受理): the statutory acceptance clock runs on until the
    # unit with jurisdiction decides (services/procedure.py), and mediation starts from that decision.
    clocks_start(case=case, at=at, clocks=["dispatch"])
    case_event_record(case=case, actor=by, action=CaseEvent.Action.REGISTER, source=source, at=at)
    case_routing_refresh(case=case, by=by, at=at)
    case_repeats_check(case=case, by=by, at=at)
    return case


@transaction.atomic
def case_update_details(*, case: Case, by, fields: dict) -> Case:
    """Supply missing elements or correct details; the history keeps what changed."""
    require_edit_details(case, by)
    if not case.details_editable():
        # Refused like a transition (HTTP 409 with the current state): the state, not the input, is at fault.
        raise TransitionRefused(_("工单已分流，基本信息不能再修改，请补充证据或在履历中说明。"))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("未知字段：%s") % ", ".join(sorted(unknown)))
    fields = case_fields_check(fields=fields, current=case)
    if fields.keys() & set(IDENTITY_CHOICE_FIELDS) and not may_see_identity(case=case, user=by):
        # Whoever may not see an anonymous reporter's identity may not rewrite it either.
        raise PermissionDenied(_("您无权查看或修改匿名举报人的身份信息。"))
    was_anonymous = case.anonymous
    changed = {}
    for name, value in fields.items():
        old = getattr(case, name)
        if old != value:
            changed[name] = {"from": str(old) if old is not None else "", "to": str(value) if value is not None else ""}
            setattr(case, name, value)
    if changed:
        case.save()
        data = identity_change_data(was_anonymous=was_anonymous, is_anonymous=case.anonymous, changed=changed)
        case_event_record(case=case, actor=by, action=CaseEvent.Action.UPDATE, data=data,
                          note=Note(gettext_noop("修改字段：%(fields)s"),
                                    fields=[Case._meta.get_field(name).verbose_name for name in changed]))
        if case.state == Case.State.REGISTERED and changed.keys() & ROUTING_FIELDS:
            case_routing_refresh(case=case, by=by)
    return case


@transaction.atomic
def case_attachment_add(*, case: Case, by, file, description: str = "") -> Attachment:
    require_add_evidence(by)
    if not case.accepts_evidence():
        raise ApplicationError(_("工单已结束，不能再补充证据。"), field="file")
    measured = evidence_check(file)
    try:
        attachment = Attachment.objects.create(case=case, file=file, description=description, uploaded_by=by,
                                               size=measured.size, sha256=measured.sha256)
    except SuspiciousFileOperation:  # raised while naming the file, before anything is written
        # The storage made no safe name of it: nothing usable left, or an extension too long to fit.
        raise ApplicationError(_("文件名无效，请换一个文件名。"), field="file") from None
    case_event_record(case=case, actor=by, action=CaseEvent.Action.EVIDENCE,
                      note=f"{attachment} {description}".strip())
    return attachment
