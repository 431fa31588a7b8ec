"""Leaving intake: dispatch to a unit (分流), decline (不予登记), answer on the spot, transfer out (移送)."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from deadlines.services import clock_start, clocks_stop

from ..access import require_dispatch_to
from ..models import Case, CaseEvent, Notification
from ..models.choices import Grade
from .guards import require_transition
from .history import case_event_record
from .notifications import notification_send
from .routing import case_routing_refresh, dispatch_followups, redispatch_followups

INTAKE_CLOCKS = ["dispatch", "statutory_accept", "statutory_mediation", "statutory_report_decision"]
ALL_CLOCKS = INTAKE_CLOCKS + ["contact", "handling", "redo", "cross_region_notice", "platform_due"]


@transaction.atomic
def case_dispatch(
    *, case: Case, unit, by, handling_limit: tuple[int, str] | None = None, note: str = ""
) -> Case:
    """Send a registered case to the unit that will handle it. Urgent and major cases need the
    handling limit the center sets for them; the others follow the policy table."""
    source = require_transition(case.dispatch, by)
    require_dispatch_to(by, unit)
    if case.grade in (Grade.URGENT, Grade.MAJOR) and handling_limit is None and case.dispatched_at is None:
        raise ApplicationError(_("紧急、重大工单须由中心指定办理时限。"), field="handling_limit_amount")
    at = timezone.now()
    first_dispatch = case.dispatched_at is None
    if handling_limit:
        case.handling_limit_amount, case.handling_limit_unit = handling_limit
    case.dispatch(unit=unit, by_unit=by.unit, at=at)
    case.save()
    clocks_stop(case=case, clocks=["dispatch"], at=at)
    if first_dispatch:
        clock_start(case=case, clock="contact", at=at)
        clock_start(case=case, clock="handling", at=at, amount=case.handling_limit_amount,
                    unit=case.handling_limit_unit or None)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.DISPATCH, source=source, note=note,
                      data={"unit": unit.code, "unit_name": unit.name}, at=at)
    dispatch_followups(case=case, unit=unit, by=by, at=at)
    _tell_unit(case, unit)
    return case


def _tell_unit(case: Case, unit) -> None:
    notification_send(
        kind=Notification.Kind.DISPATCH, case=case, units=[unit],
        title=_("新工单 %(number)s 待签收") % {"number": case.number},
        body=_("%(kind)s：%(respondent)s") % {"kind": case.get_kind_display(), "respondent": case.respondent_name},
    )


@transaction.atomic
def case_redispatch(*, case: Case, unit, by, note: str = "") -> Case:
    """Second-level dispatch (二级分流) by a district center; the clocks keep running."""
    source = require_transition(case.redispatch, by)
    require_dispatch_to(by, unit)
    case.redispatch(unit=unit)
    case.save()
    at = timezone.now()
    redispatch_followups(case=case, at=at)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.REDISPATCH, source=source, note=note,
                      data={"unit": unit.code, "unit_name": unit.name}, at=at)
    _tell_unit(case, unit)
    return case


@transaction.atomic
def case_return(*, case: Case, by, reason: str) -> Case:
    """A unit that is not competent sends the case back (退回) to whoever dispatched it: the district
    center that redispatched it, or else the center's dispatch queue."""
    if not reason.strip():
        raise ApplicationError(_("请填写退回理由。"), field="reason")
    to_district = case.redispatched_by_district_center()
    transition = case.return_to_redispatcher if to_district else case.return_to_dispatcher
    source = require_transition(transition, by)
    returned_by = case.handling_unit
    at = timezone.now()
    if to_district:
        last_dispatch = case.events.filter(action=CaseEvent.Action.DISPATCH).order_by("-at", "-pk").first()
        case.return_to_redispatcher(dispatched_by=last_dispatch.actor_unit if last_dispatch else None)
        case.save()
        clock_start(case=case, clock="redispatch", at=at)
        back_to = case.handling_unit
        notification_send(kind=Notification.Kind.DISPATCH, case=case, units=[back_to],
                          title=_("工单 %(number)s 被%(unit)s退回，请重新分流") % {
                              "number": case.number, "unit": returned_by.name}, body=reason)
    else:
        case.return_to_dispatcher()
        case.save()
        clocks_stop(case=case, clocks=["redispatch"], at=at)
        clock_start(case=case, clock="dispatch", at=at)
        # The queue's proposal must not send it straight back to the unit that just returned it.
        case_routing_refresh(case=case, by=by, at=at, excluding=(returned_by.pk,))
        back_to = None
    case_event_record(case=case, actor=by, action=CaseEvent.Action.RETURN, source=source, note=reason, at=at,
                      data={"unit": returned_by.code, "returned_by_name": returned_by.name,
                            "back_to": back_to.code if back_to else "",
                            # unit_name is what the history line points to: where the case went back
                            "unit_name": back_to.name if back_to else str(_("中心分流队列"))})
    return case


@transaction.atomic
def case_decline(*, case: Case, by, reason, note: str = "") -> Case:
    """Not registrable (不予登记): the complainant is told why with the reason's notice text."""
    if reason is None or not reason.is_active:
        raise ApplicationError(_("请选择不予登记的理由。"), field="reason")
    source = require_transition(case.decline, by)
    case.decline(reason=reason)
    case.save()
    at = timezone.now()
    clocks_stop(case=case, clocks=ALL_CLOCKS, at=at)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.DECLINE, source=source, at=at,
                      note=note or reason.title, data={"reason": reason.code, "notice": reason.notice_text})
    return case


@transaction.atomic
def case_answer(*, case: Case, by, answer: str) -> Case:
    """A consultation answered at once (当场解答) is closed on the spot."""
    if not answer.strip():
        raise ApplicationError(_("请填写解答内容。"), field="answer")
    source = require_transition(case.answer_on_the_spot, by)
    at = timezone.now()
    case.answer_on_the_spot(answer=answer, at=at)
    case.save()
    clocks_stop(case=case, clocks=ALL_CLOCKS, at=at)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.ANSWER, source=source, note=answer, at=at)
    return case


@transaction.atomic
def case_transfer_out(*, case: Case, by, department, note: str) -> Case:
    """Outside market-regulation remit: sent to an external department (移送) with a note."""
    if department is None or department.kind != "external":
        raise ApplicationError(_("请选择接收移送的外部部门。"), field="department")
    if not note.strip():
        raise ApplicationError(_("请填写移送说明。"), field="note")
    source = require_transition(case.transfer_out, by)
    case.transfer_out(department=department)
    case.save()
    at = timezone.now()
    clocks_stop(case=case, clocks=ALL_CLOCKS, at=at)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.TRANSFER, source=source, note=note, at=at,
                      data={"department": department.code, "department_name": department.name,
                            "unit_name": department.name})
    # The transfer notice (移送函) goes to the department's inbox (and its e-mail, where set).
    notification_send(kind=Notification.Kind.NOTICE, case=case, units=[department],
                      title=_("移送函：工单 %(number)s 移送%(department)s处理") % {
                          "number": case.number, "department": department.name}, body=note)
    return case
