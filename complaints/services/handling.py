"""The handling unit's work: sign for (签收), contact, stage reply, extension, reply."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ApplicationError
from core.notes import Note
from deadlines.models import CaseClock
from deadlines.policy import time_limit_for
from deadlines.services import clock_extend, clocks_stop
from deadlines.workdays import local_date

from ..inputs import typed_moment_check
from ..models import Case, CaseEvent, ExtensionRequest
from ..models.choices import ContactMeans
from .guards import require_transition
from .history import case_event_record
from .routing import reply_filings_send
from .signoff import reply_drafts_settle, reply_text_check


@transaction.atomic
def case_accept(*, case: Case, by) -> Case:
    source = require_transition(case.accept, by)
    at = timezone.now()
    case.accept(handler=by, at=at)
    case.save()
    clocks_stop(case=case, clocks=["redispatch"], at=at)  # a district center that handles it itself
    case_event_record(case=case, actor=by, action=CaseEvent.Action.ACCEPT, source=source, at=at)
    return case


@transaction.atomic
def case_record_contact(*, case: Case, by, means: str, content: str, contacted_at=None) -> Case:
    """Record a contact with the complainant; the first one ends the contact clock."""
    if means not in ContactMeans.values:
        raise ApplicationError(_("请选择联系方式。"), field="means")
    if not content.strip():
        raise ApplicationError(_("请填写联系内容。"), field="content")
    contacted_at = contacted_at or timezone.now()
    try:
        # Before the receipt or in the future would stop the contact clock "on time".
        typed_moment_check(contacted_at, not_before=case.received_at, not_before_label=_("工单接收时间"))
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="contacted_at") from None
    source = require_transition(case.record_contact, by)
    first = case.contacted_at is None
    case.record_contact(at=contacted_at)
    case.save()
    if first:
        clocks_stop(case=case, clocks=["contact"], at=contacted_at)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.CONTACT, source=source, note=content,
                      internal=True, data={"means": means, "contacted_at": contacted_at.isoformat()})
    return case


@transaction.atomic
def case_stage_reply(*, case: Case, by, text: str) -> Case:
    if not text.strip():
        raise ApplicationError(_("请填写阶段性办理情况。"), field="text")
    source = require_transition(case.stage_reply, by)
    case.stage_reply()
    case.save()
    case_event_record(case=case, actor=by, action=CaseEvent.Action.STAGE_REPLY, source=source, note=text)
    return case


@transaction.atomic
def case_request_extension(*, case: Case, by, days: int | None, reason: str,
                           clock: str = "handling") -> ExtensionRequest:
    """Ask the center for more time: on the handling deadline (the days asked), or once on the
    statutory report clock (举报核查, by the policy's extension length, e.g. 15 working days)."""
    if not reason.strip():
        raise ApplicationError(_("请填写延期理由。"), field="reason")
    if clock == "statutory_report_decision":
        days = report_extension_days(case)
    elif clock != "handling":
        raise ApplicationError(_("请选择要延长的时限。"), field="clock")
    elif days is None or not 1 <= days <= 60:
        raise ApplicationError(_("延长天数须在1到60个工作日之间。"), field="days")
    source = require_transition(case.request_extension, by)
    case.request_extension()
    case.save()
    request = ExtensionRequest.objects.create(case=case, reason=reason, requested_by=by, requested_days=days,
                                              clock=clock)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.REQUEST_EXTENSION, source=source,
                      note=reason, internal=True, data={"days": days, "clock": clock})
    return request


@transaction.atomic
def case_decide_extension(*, case: Case, by, approve: bool, note: str = "") -> ExtensionRequest:
    """The center approves (the handling deadline moves by the days asked) or refuses."""
    source = require_transition(case.decide_extension, by)
    request = case.extension_requests.select_for_update().get(decision=ExtensionRequest.Decision.PENDING)
    at = timezone.now()
    case.decide_extension()
    case.save()
    request.decided_by, request.decided_at, request.decision_note = by, at, note
    request.decision = ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REFUSED
    data = {"approved": approve, "clock": request.clock}
    if approve:
        clocks = ["statutory_report_decision"] if request.clock == "statutory_report_decision" else ["handling", "redo"]
        running = CaseClock.objects.filter(case=case, clock__in=clocks, stopped_at__isnull=True)
        for clock in running:
            request.new_due_date = clock_extend(clock=clock, days=request.requested_days, at=at).due_date
        data["new_due_date"] = request.new_due_date.isoformat() if request.new_due_date else None
    request.save()
    note_text = note or (_("同意延期") if approve else _("不同意延期"))
    case_event_record(case=case, actor=by, action=CaseEvent.Action.DECIDE_EXTENSION, source=source,
                      note=note_text, data=data, at=at)
    if approve:
        # The complainant is told of the new deadline (a public history entry, shown in the look-up).
        case_event_record(
            case=case, actor=by, action=CaseEvent.Action.NOTIFY_COMPLAINANT, at=at,
            note=Note(gettext_noop("您的诉求办理时限经批准延长至 %(due)s，承办单位将按期答复并作阶段性回复。"),
                      due=request.new_due_date.isoformat() if request.new_due_date else "—"),
            data={"about": "extension", "new_due_date": data.get("new_due_date")},
        )
    return request


def report_extension_days(case: Case) -> int:
    """The one extension of a report's statutory clock: the policy's length, while the clock runs
    unextended and no decision is recorded."""
    running = CaseClock.objects.filter(case=case, clock="statutory_report_decision", stopped_at__isnull=True).first()
    if case.kind != Case.Kind.REPORT or case.report_decision or running is None:
        raise ApplicationError(_("该工单没有进行中的举报核查时限。"), field="clock")
    if running.extended_days:
        raise ApplicationError(_("举报核查时限已延长过一次。"), field="clock")
    limit = time_limit_for(clock="statutory_report_extension", case_kind=case.kind, grade=case.grade,
                           received_on=local_date(case.received_at))
    if limit is None:
        raise ApplicationError(_("办理时限中没有举报核查延长的规定。"), field="clock")
    return limit.amount


@transaction.atomic
def case_reply(*, case: Case, by, text: str) -> Case:
    """The unit's result in the reply format (答复口径); ends the handling and redo clocks."""
    reply_text_check(text)
    source = require_transition(case.reply, by)
    at = timezone.now()
    case.reply(text=text, at=at)
    case.save()
    reply_drafts_settle(case=case, by=by, at=at)  # the leader's sign-off of the handler's draft
    if case.extension_requests.filter(decision=ExtensionRequest.Decision.PENDING).exists():
        case.extension_requests.filter(decision=ExtensionRequest.Decision.PENDING).update(
            decision=ExtensionRequest.Decision.REFUSED, decided_at=at, decision_note=_("已答复，申请失效")
        )
    # The statutory clocks stop at their own decisions (services/procedure.py), not at the reply.
    clocks_stop(case=case, clocks=["handling", "redo", "platform_due"], at=at)
    # The reply carries the mediation outcome of an accepted complaint (archive requires one).
    data = {"mediation_outcome": case.mediation_outcome} if case.acceptance == "accepted" else {}
    case_event_record(case=case, actor=by, action=CaseEvent.Action.REPLY, source=source, note=text, at=at,
                      data=data)
    reply_filings_send(case=case, by=by, at=at)
    return case
