"""Routing around dispatch: the jurisdiction proposal, file-anywhere (同城通办), direct command
(直接指令), co-handling units (协办) and the filings that go with them.

The dispatch services in `dispatch.py` call the hooks here in their own transaction, so a dispatch,
its notices and its history rows commit or roll back together. Nothing here calls dispatch: the
dispatch queue's one-click and batch dispatch are in `dispatch_queue.py`.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ApplicationError
from core.notes import Note
from deadlines.services import clock_start, clocks_stop
from routing.divisions import area_division, division_bureau, unit_division
from routing.models import Unit
from routing.selectors import RouteProposal, RouteRequest, platform_route_from_home, routes_propose

from ..access import dispatch_scope_unit, require_add_findings, require_assign_cohandlers, require_notify_cross_region
from ..models import Case, CaseAssignment, CaseEvent, CaseRouting, CrossRegionNotice, IntakeSettings, Notification
from ..models.choices import Grade
from .history import case_event_record
from .notifications import notification_send

DIRECT_COMMAND_GRADES = (Grade.URGENT, Grade.MAJOR)


def _center() -> Unit | None:
    return Unit.objects.filter(kind=Unit.Kind.CENTER, is_active=True).order_by("pk").first()


@transaction.atomic(savepoint=False)
def case_routing_refresh(*, case: Case, by, at=None, excluding: tuple[int, ...] = ()) -> CaseRouting:
    """Compute (again) the unit with jurisdiction for a registered case and keep it with the case.
    At registration it also decides whether the case was filed away from the respondent's unit.
    No savepoint inside a caller's transaction (registration, an edit): a failure here undoes the
    caller's change too, so there is nothing to roll back to."""
    at = at or timezone.now()
    proposal = cases_route_propose([case], excluding=excluding)[0]
    found = routing_found(proposal, at=at)
    # One row per case. Callers hold the case (a registration or an edit of it), so no one else
    # writes its routing meanwhile: update, or insert the first time, with no get-then-savepoint.
    if CaseRouting.objects.filter(case=case).update(**found):
        routing = CaseRouting.objects.get(case=case)
    else:
        routing = CaseRouting(case=case, **found)  # also becomes case.routing
        routing.save(force_insert=True)
    if not excluding:  # a new proposal after a return is not a new filing
        _cross_region_check(case=case, by=by, target=proposal.unit, at=at)
    return routing


def by_platform(case: Case) -> bool:
    return bool(case.platform_jurisdiction and case.respondent_platform_id)


def cases_route_propose(cases: list[Case], *, excluding: tuple[int, ...] = (),
                        by_code: dict | None = None) -> list[RouteProposal]:
    """The proposals for the cases (a platform merchant's by the operator's home, Order 121), with
    the rules asked once for all of them: registration of one case and of a batch both come here."""
    requests = [
        RouteRequest(area=case.respondent_platform.operator_area, category=case.category, kind=case.kind)
        if by_platform(case) else
        RouteRequest(area=case.respondent_area, category=case.category, kind=case.kind, excluding=excluding)
        for case in cases
    ]
    asked = [i for i, case in enumerate(cases) if requests[i].area is not None or not by_platform(case)]
    answers = dict(zip(asked, routes_propose([requests[i] for i in asked], by_code=by_code), strict=True))
    return [platform_route_from_home(platform=case.respondent_platform, reason=case.platform_jurisdiction,
                                     home=answers.get(i)) if by_platform(case) else answers[i]
            for i, case in enumerate(cases)]


def routing_found(proposal: RouteProposal, *, at) -> dict:
    """The fields of a case's routing row for `proposal`."""
    return {"proposed_unit": proposal.unit, "rule": proposal.rule,
            "reason": proposal.note.in_default_language()[:300], "reason_i18n": proposal.note.stored(),
            "computed_at": at}


def cross_region_is(*, theirs, ours) -> bool:
    """The rule of 同城通办 once the two divisions are known (see _cross_region_check)."""
    return ours is not None and ours.division is not None and ours.division.pk != theirs.pk


def cross_region_bureau(*, theirs, target: Unit | None) -> Unit | None:
    """The unit a cross-region case's notice goes to: the division's district center, or the
    district center above the proposed unit, or that unit itself."""
    return division_bureau(division=theirs) or _district_center_of(target) or target


def _cross_region_check(*, case: Case, by, target: Unit | None, at) -> None:
    """同城通办 (SPEC §6.4): the receiving unit's county-level division (or the level the center
    sets in 登记规则) is not the respondent's. The receiving unit must tell the respondent's
    county-level bureau (its district center) within the policy's time and file with the center.
    The city center and its departments cover the whole city, and a case whose respondent has no
    area (or lies in no division) is judged by nobody: neither is cross-region.

    Run at registration and again when a correction moves the respondent: the flag, the notice
    record and its clock follow the respondent's area as it now stands."""
    level = IntakeSettings.cached().cross_region_level
    receiving = case.registering_unit
    theirs = area_division(area=case.respondent_area, level=level)
    ours = unit_division(unit=receiving, level=level) if theirs is not None else None
    cross = cross_region_is(theirs=theirs, ours=ours)
    notice = CrossRegionNotice.objects.filter(case=case).select_related("target_unit").first()
    if not cross:
        if notice is not None or case.cross_region:
            _cross_region_withdraw(case=case, notice=notice, by=by, at=at)
        return
    bureau = cross_region_bureau(theirs=theirs, target=target)
    if bureau is None:
        return
    if notice is not None and notice.target_unit_id == bureau.pk and case.cross_region:
        return
    if not case.cross_region:
        case.cross_region = True
        case.save()
    if notice is None:
        clock = clock_start(case=case, clock="cross_region_notice", at=at)
        CrossRegionNotice.objects.create(case=case, receiving_unit=receiving, target_unit=bureau,
                                         due_at=clock.due_at if clock else None)
    else:
        # The respondent turned out to be in another division: that bureau is the one to tell, and
        # a notice already sent went to the wrong one, so it is owed again.
        notice.target_unit, notice.receiving_unit = bureau, receiving
        notice.notified_at, notice.notified_by, notice.note = None, None, ""
        if not case.clocks.filter(clock="cross_region_notice", stopped_at__isnull=True).exists():
            clock = clock_start(case=case, clock="cross_region_notice", at=at)
            notice.due_at = clock.due_at if clock else None
        notice.save()
    case_event_record(case=case, actor=by, at=at,
                      **cross_region_link(theirs=theirs, bureau=bureau, receiving=receiving))


def cross_region_link(*, theirs, bureau: Unit, receiving: Unit) -> dict:
    """The history row (case_event_record's arguments) of a case found cross-region."""
    return {"action": CaseEvent.Action.CROSS_REGION,
            "note": Note(gettext_noop("同城通办：被投诉人在%(division)s，%(receiving)s须告知%(unit)s并报中心备案。"),
                         division=theirs.name, unit=bureau.name, receiving=receiving.name),
            "data": {"unit": bureau.code, "unit_name": bureau.name, "division": theirs.code}}


def _cross_region_withdraw(*, case: Case, notice: CrossRegionNotice | None, by, at) -> None:
    """A correction put the respondent in the receiving unit's own division: no notice is owed.
    A notice already sent stays on record; one still owed is withdrawn with its clock."""
    if case.cross_region:
        case.cross_region = False
        case.save()
    clocks_stop(case=case, clocks=["cross_region_notice"], at=at)
    if notice is not None and notice.notified_at is None:
        notice.delete()
    case_event_record(case=case, actor=by, action=CaseEvent.Action.CROSS_REGION, at=at,
                      note=Note(gettext_noop("被投诉人所在地已更正，不属同城通办，无须告知。")),
                      data={"withdrawn": True})


def _district_center_of(unit: Unit | None) -> Unit | None:
    if unit is None or unit.kind == Unit.Kind.DISTRICT_CENTER:
        return unit
    return _bypassed_district_center(unit)


@transaction.atomic
def case_cross_region_notify(*, case: Case, by, note: str) -> CrossRegionNotice:
    """The receiving unit records that it told the respondent's unit; the notice is sent to that unit
    and filed with the center (报中心备案), and the notice clock stops."""
    notice = CrossRegionNotice.objects.select_for_update().filter(case=case).first()
    if notice is None:
        raise ApplicationError(_("该工单不是同城通办工单。"))
    require_notify_cross_region(notice, by)
    if notice.notified_at is not None:
        raise ApplicationError(_("已记录过告知。"))
    if not note.strip():
        raise ApplicationError(_("请填写告知内容。"), field="note")
    at = timezone.now()
    notice.notified_at, notice.notified_by, notice.note = at, by, note
    notice.save()
    clocks_stop(case=case, clocks=["cross_region_notice"], at=at)
    recipients = [notice.target_unit] + [c for c in [_center()] if c is not None]
    notification_send(kind=Notification.Kind.CROSS_REGION, case=case, units=recipients,
                      title=_("同城通办告知：工单 %(number)s") % {"number": case.number},
                      body=_("%(receiving)s受理的工单，被投诉人属贵单位管辖。%(note)s") % {
                          "receiving": notice.receiving_unit.name, "note": note})
    case_event_record(case=case, actor=by, action=CaseEvent.Action.CROSS_REGION, at=at, note=note,
                      data={"unit": notice.target_unit.code, "unit_name": notice.target_unit.name,
                            "notified": True, "late": notice.status == "late"})
    return notice


def _bypassed_district_center(unit: Unit) -> Unit | None:
    codes = [code for code in unit.path.split("/") if code and code != unit.code]
    return Unit.objects.filter(code__in=codes, kind=Unit.Kind.DISTRICT_CENTER).order_by("-path").first()


def dispatch_followups(*, case: Case, unit: Unit, by, at) -> None:
    """After a dispatch: a district center must dispatch on the same working day. An urgent or major
    case the center sends past a district center is a direct command (直接指令): that center is told
    and the reply is filed with it."""
    clocks_stop(case=case, clocks=["redispatch"], at=at)
    if unit.kind == Unit.Kind.DISTRICT_CENTER:
        clock_start(case=case, clock="redispatch", at=at)
        return
    if by.unit is None or by.unit.kind != Unit.Kind.CENTER or case.grade not in DIRECT_COMMAND_GRADES:
        return
    bypassed = _bypassed_district_center(unit)
    if bypassed is None:
        return
    CaseAssignment.objects.get_or_create(case=case, unit=bypassed, role=CaseAssignment.Role.INFORMED,
                                         defaults={"assigned_by": by, "assigned_at": at})
    notification_send(kind=Notification.Kind.NOTICE, case=case, units=[bypassed],
                      title=_("直接指令知会：工单 %(number)s 已由中心直接交%(unit)s办理") % {
                          "number": case.number, "unit": unit.name},
                      body=_("%(grade)s工单，办理结果将报贵中心备案。") % {"grade": case.get_grade_display()})
    case_event_record(case=case, actor=by, action=CaseEvent.Action.NOTICE, at=at,
                      note=Note(gettext_noop("直接指令：越过%(bypassed)s直接交%(unit)s办理，已知会%(bypassed)s"),
                                bypassed=bypassed.name, unit=unit.name),
                      data={"unit": bypassed.code, "unit_name": bypassed.name, "direct_command": True})


def redispatch_followups(*, case: Case, at) -> None:
    clocks_stop(case=case, clocks=["redispatch"], at=at)


def reply_filings_send(*, case: Case, by, at) -> None:
    """The lead's reply is filed with the units informed of the case (a bypassed district center)."""
    informed = [a.unit for a in case.assignments.select_related("unit").filter(role=CaseAssignment.Role.INFORMED)]
    if not informed:
        return
    notification_send(kind=Notification.Kind.NOTICE, case=case, units=informed,
                      title=_("答复备案：工单 %(number)s 已答复") % {"number": case.number},
                      body=case.outcome_text)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.NOTICE, at=at,
                      note=Note(gettext_noop("答复已报%(units)s备案"), units=[u.name for u in informed]),
                      data={"filed_with": [u.code for u in informed]})


@transaction.atomic
def case_cohandlers_assign(*, case: Case, by, units: list[Unit], note: str = "") -> list[CaseAssignment]:
    """Name co-handling units (协办单位); the handling unit is the lead (牵头单位) and replies."""
    require_assign_cohandlers(case, by)
    if case.state not in Case.AT_UNIT_STATES:
        raise ApplicationError(_("只有已分流或办理中的工单可以指定协办单位。"))
    units = [u for u in units if u.pk != case.handling_unit_id]
    if not units:
        raise ApplicationError(_("请选择牵头单位以外的协办单位。"), field="units")
    for unit in units:
        if unit.kind == Unit.Kind.EXTERNAL or not unit.is_active:
            raise ApplicationError(_("协办单位须为本系统内启用的单位。"), field="units")
        scope = dispatch_scope_unit(by)
        if scope is not None and not unit.is_within(scope):
            raise ApplicationError(_("只能指定本中心下属单位协办。"), field="units")
    at = timezone.now()
    created = []
    for unit in units:
        assignment, made = CaseAssignment.objects.get_or_create(
            case=case, unit=unit, role=CaseAssignment.Role.CO_HANDLER,
            defaults={"assigned_by": by, "assigned_at": at})
        if made:
            created.append(assignment)
    if created:
        notification_send(kind=Notification.Kind.DISPATCH, case=case, units=[a.unit for a in created],
                          title=_("协办工单 %(number)s：牵头单位%(lead)s") % {
                              "number": case.number, "lead": case.handling_unit.name})
        case_event_record(case=case, actor=by, action=CaseEvent.Action.ASSIGN, at=at, note=note,
                          data={"units": [a.unit.code for a in created],
                                "unit_name": "、".join(a.unit.name for a in created)})
    return created


@transaction.atomic
def case_findings_add(*, case: Case, by, text: str) -> CaseEvent:
    """A co-handling unit's findings (协办意见) go into the history and to the lead unit."""
    require_add_findings(case, by)
    if case.state not in Case.AT_UNIT_STATES:
        raise ApplicationError(_("工单已答复或结束，不能再提交协办意见。"))
    if len(text.strip()) < 5:
        raise ApplicationError(_("请写明协办调查核实情况。"), field="text")
    event = case_event_record(case=case, actor=by, action=CaseEvent.Action.FINDINGS, note=text,
                              data={"unit": by.unit.code, "unit_name": by.unit.name})
    notification_send(kind=Notification.Kind.NOTICE, case=case, units=[case.handling_unit],
                      title=_("工单 %(number)s 收到%(unit)s的协办意见") % {
                          "number": case.number, "unit": by.unit.name}, body=text)
    return event
