"""Who may act: the one module that decides it.

Each action has a pair: `may_<action>(...) -> bool` for pages, templates and the actions a page
offers, and `require_<action>(...)` raising PermissionDenied with the message the user reads.
A pair checks the role (the permission the role's Group grants, editable in the admin) and the
unit together. The case's transitions take the `may_` predicates as django-fsm callable
permissions, so `has_transition_perm` answers for role and unit at once and the actions a page
offers come from the transitions themselves.

Whether the *state* allows an action is the state machine's business (409), not this module's
(403). Whose identity a viewer may see is `complaints.identity`.
"""
from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from routing.models import Unit

ROLE_REFUSED = _("您的角色无权进行此操作。")


# --- who someone is, in the organisation --------------------------------------------------------

def is_center(user) -> bool:
    """The city center's staff (and superusers) see and oversee everything."""
    return bool(user.is_superuser or getattr(user, "is_center_staff", False))


def _unit(user) -> Unit | None:
    return getattr(user, "unit", None) if getattr(user, "is_authenticated", False) else None


def oversees_units(user) -> bool:
    """The center or a district center: dispatch, review and supervision (of their own units)."""
    unit = _unit(user)
    return bool(user.is_superuser) or (unit is not None and unit.oversees)


def oversees_case(case, user) -> bool:
    """The center for every case; a district center for the cases handled within its district."""
    unit = _unit(user)
    if unit is None or not unit.oversees:
        return False
    return unit.is_center or (case.handling_unit is not None and case.handling_unit.is_within(unit))


def handles(case, user) -> bool:
    """The unit a dispatched case was sent to does its work."""
    unit_id = getattr(user, "unit_id", None)
    return unit_id is not None and case.handling_unit_id == unit_id


# --- pairs ----------------------------------------------------------------------------------------

def _pair(permission: str | None, scope: Callable | None, message) -> tuple[Callable, Callable]:
    """`may(case, user)` and `require(case, user)` for an action on a case: the role must hold
    `permission` and `scope(case, user)` must hold. The `may` function also carries its `require`,
    so a service refusing a transition tells the user why."""

    def may(case, user) -> bool:
        if permission and not user.has_perm(permission):
            return False
        return scope is None or bool(scope(case, user))

    def require(case, user) -> None:
        if permission and not user.has_perm(permission):
            raise PermissionDenied(ROLE_REFUSED)
        if scope is not None and not scope(case, user):
            raise PermissionDenied(message)

    may.require = require
    return may, require


HANDLING_UNIT_ONLY = _("只有承办单位可以进行此操作。")
OVERSIGHT_ONLY = _("只有12315中心或该工单所在区县的受理中心可以进行此操作。")
DISPATCHERS_ONLY = _("只有12315中心或区县受理中心可以分流。")


def dispatches(user) -> bool:
    """The center's or a district center's staff send cases on (whether their role may, and to
    which unit, are `may_dispatch` / `may_redispatch` and `require_dispatch_to`)."""
    unit = _unit(user)
    return unit is not None and unit.oversees


# Intake: the roles that receive cases register, decline, answer and transfer them.
may_register, require_register = _pair("complaints.register_case", None, ROLE_REFUSED)
may_decline, require_decline = _pair("complaints.decline_case", None, ROLE_REFUSED)
may_answer, require_answer = _pair("complaints.answer_case", None, ROLE_REFUSED)
may_transfer, require_transfer = _pair("complaints.transfer_case", None, ROLE_REFUSED)
# Correcting a received or registered case's details (补充工单信息) is the registering roles' work.
may_edit_details, require_edit_details = _pair("complaints.register_case", None, ROLE_REFUSED)

# Dispatch by the center or a district center (where to: `require_dispatch_to`).
may_dispatch, require_dispatch = _pair("complaints.dispatch_case", lambda case, user: dispatches(user),
                                      DISPATCHERS_ONLY)

# The handling unit's work.
may_redispatch, require_redispatch = _pair("complaints.redispatch_case", handles, HANDLING_UNIT_ONLY)
may_accept, require_accept = _pair("complaints.accept_case", handles, HANDLING_UNIT_ONLY)
may_return, require_return = _pair("complaints.return_case", handles, HANDLING_UNIT_ONLY)
may_contact, require_contact = _pair("complaints.contact_case", handles, HANDLING_UNIT_ONLY)


def _stage_replies(case, user) -> bool:
    # The handling unit reports progress; the center (or the district center over the unit) may
    # record a stage reply it gave the complainant itself, from its to-do list (中心待办).
    if handles(case, user):
        return user.has_perm("complaints.stage_reply_case")
    return oversees_case(case, user) and user.has_perm("complaints.follow_up_case")


may_stage_reply, require_stage_reply = _pair(
    None, _stage_replies, _("只有承办单位或督办的受理中心可以作阶段性回复。"))
may_request_extension, require_request_extension = _pair(
    "complaints.request_extension_case", handles, HANDLING_UNIT_ONLY)
def _signs_off(user) -> bool:
    return user.has_perm("complaints.sign_off_reply_case")


def _needs_sign_off(case) -> bool:
    return case.handling_unit is not None and case.handling_unit.reply_needs_sign_off


# A unit that requires its leader's sign-off (经办人 → 负责人): its leader sends the reply, its
# handlers submit theirs for sign-off.
may_reply, require_reply = _pair(
    "complaints.reply_case", lambda case, user: handles(case, user) and (not _needs_sign_off(case) or _signs_off(user)),
    _("本单位的答复须经负责人签发：请“提交负责人签发”。"))
may_submit_reply, require_submit_reply = _pair(
    "complaints.reply_case", lambda case, user: handles(case, user) and _needs_sign_off(case) and not _signs_off(user),
    HANDLING_UNIT_ONLY)
may_sign_off_reply, require_sign_off_reply = _pair("complaints.sign_off_reply_case", handles, HANDLING_UNIT_ONLY)
may_reassign, require_reassign = _pair("complaints.reassign_case", handles, HANDLING_UNIT_ONLY)

# The statutory decisions (受理/不予受理, the mediation outcome, 立案/不予立案, repeats and merges)
# are the bureau with jurisdiction's: the handling unit once the case is dispatched to it, the
# center (or district center) while it keeps the case undispatched.
def decides_legal(case, user) -> bool:
    return handles(case, user) or (case.handling_unit_id is None and dispatches(user))


may_decide_legal, require_decide_legal = _pair(
    "complaints.decide_legal_case", decides_legal,
    _("只有有管辖权的承办单位（或尚未分流时的受理中心）可以作出此决定。"))

# Oversight of the case: the center, or the district center above the handling unit.
may_decide_extension, require_decide_extension = _pair(
    "complaints.decide_extension_case", oversees_case, OVERSIGHT_ONLY)
def _approves_sensitive(user) -> bool:
    return user.has_perm("complaints.approve_sensitive_reply_case")


# A sensitive case's reply (舆情敏感) is approved by the center's director only (报批); others refer it.
may_approve_reply, require_approve_reply = _pair(
    "complaints.approve_reply_case",
    lambda case, user: oversees_case(case, user) and (
        not case.sensitive or (_approves_sensitive(user) and is_center(user))),
    _("舆情敏感工单的答复须报中心主任审批（报批）。"))
may_refer_reply, require_refer_reply = _pair(
    "complaints.approve_reply_case",
    lambda case, user: oversees_case(case, user) and not _approves_sensitive(user), OVERSIGHT_ONLY)
may_redo, require_redo = _pair("complaints.redo_case", oversees_case, OVERSIGHT_ONLY)
may_follow_up, require_follow_up = _pair("complaints.follow_up_case", oversees_case, OVERSIGHT_ONLY)
may_archive, require_archive = _pair("complaints.archive_case", oversees_case, OVERSIGHT_ONLY)
may_reopen, require_reopen = _pair("complaints.reopen_case", oversees_case, OVERSIGHT_ONLY)
# Pausing the clocks while testing or appraisal runs is decided by whoever decides extensions.
may_pause_clocks, require_pause_clocks = _pair("complaints.decide_extension_case", oversees_case, OVERSIGHT_ONLY)
may_assign_cohandlers, require_assign_cohandlers = _pair("complaints.dispatch_case", oversees_case, OVERSIGHT_ONLY)
# A ledger item (挂牌) is closed by the center, or by the district center overseeing the case.
may_close_red_line, require_close_red_line = _pair(
    None, lambda case, user: is_center(user) or oversees_case(case, user), OVERSIGHT_ONLY)


def may_issue_document(*, user, issuing_unit: Unit | None) -> bool:
    """A case's document (告知书, 分流单, 答复函 ...) goes out in the name of the unit whose decision
    it records: that unit's staff issue it, and so may the center or the district center above it."""
    unit = _unit(user)
    if user.is_superuser or is_center(user):
        return True
    if unit is None or issuing_unit is None:
        return False
    return unit.pk == issuing_unit.pk or (unit.oversees and issuing_unit.is_within(unit))


def require_dispatch_to(user, target: Unit) -> None:
    """The center dispatches to any internal unit; a district center only to units below it."""
    unit = _unit(user)
    if unit is None or not unit.oversees:
        raise PermissionDenied(DISPATCHERS_ONLY)
    if target.kind == Unit.Kind.EXTERNAL or not target.is_active:
        raise ApplicationError(_("不能分流到外部部门或已停用的单位，外部部门请用“移送”。"), field="unit")
    if not unit.is_center and not target.is_within(unit):
        raise PermissionDenied(_("只能分流到本中心下属单位。"))


def dispatch_scope_unit(user) -> Unit | None:
    """The subtree a user dispatches into: None for the center (every unit), the district center
    itself for a district center. Callers check `oversees_units` first."""
    unit = _unit(user)
    return None if unit is None or unit.is_center else unit


# --- pages ----------------------------------------------------------------------------------------

def _page_pair(predicate: Callable, message) -> tuple[Callable, Callable]:
    def require(user) -> None:
        if not predicate(user):
            raise PermissionDenied(message)

    return predicate, require


may_receive, require_receive = _page_pair(
    lambda user: user.has_perm("complaints.receive_case"), _("只有登记员可以登记工单。"))
may_add_evidence, require_add_evidence = _page_pair(
    lambda user: user.has_perm("complaints.add_evidence_case"), ROLE_REFUSED)
may_open_dispatch_queue, require_open_dispatch_queue = _page_pair(
    lambda user: user.has_perm("complaints.dispatch_case") and dispatches(user),
    _("只有中心可以查看分流队列。"))
may_open_reports, require_open_reports = _page_pair(
    oversees_units, _("只有12315中心和区县受理中心可以查看统计看板。"))
may_open_supervision, require_open_supervision = _page_pair(
    oversees_units, _("只有12315中心和区县受理中心可以查看此页面。"))
may_open_center_pages, require_open_center_pages = _page_pair(is_center, _("只有12315中心可以查看此页面。"))
may_act_for_center, require_act_for_center = _page_pair(is_center, _("只有12315中心可以进行此操作。"))
may_import_routing, require_import_routing = _page_pair(
    lambda user: bool(user.is_superuser) or (is_center(user) and user.has_perm("complaints.dispatch_case")),
    _("只有中心可以导入区域和分流规则。"))
# Who viewed personal data (个人信息查看记录) is read by the center's supervisors and director.
may_read_access_log, require_read_access_log = _page_pair(
    lambda user: bool(user.is_superuser) or (is_center(user) and user.has_perm("complaints.dispatch_case")),
    _("只有12315中心的督办人员可以查看个人信息查看记录。"))
may_open_inbox, require_open_inbox = _page_pair(
    lambda user: getattr(user, "unit_id", None) is not None, _("只有承办单位人员有待办事项。"))


def may_notify_cross_region(notice, user) -> bool:
    """The unit that took a 同城通办 case in tells the respondent's unit; the center (or the district
    center over the case) may file the notice for it from its to-do list (中心待办)."""
    if getattr(user, "unit_id", None) is not None and user.unit_id == notice.receiving_unit_id:
        return True
    return oversees_case(notice.case, user)


def require_notify_cross_region(notice, user) -> None:
    if not may_notify_cross_region(notice, user):
        raise PermissionDenied(_("只有受理单位或督办的受理中心可以记录同城通办告知。"))


def may_add_findings(case, user) -> bool:
    """Co-handling units (协办单位) add their findings; the lead unit replies."""
    unit_id = getattr(user, "unit_id", None)
    # The assignment model through the relation: the case model imports this module.
    return unit_id is not None and case.assignments.filter(
        unit_id=unit_id, role=case.assignments.model.Role.CO_HANDLER).exists()


def require_add_findings(case, user) -> None:
    if not may_add_findings(case, user):
        raise PermissionDenied(_("只有协办单位可以提交协办意见。"))


def report_scope_unit(user) -> Unit | None:
    """The district center whose units a report viewer is limited to, or None for the whole city
    (the center) — only meaningful for a user who `may_open_reports`."""
    return None if is_center(user) else _unit(user)


def may_switch_platform_jurisdiction(case, user) -> bool:
    """Before dispatch whoever registers or dispatches the case; after, the unit it was sent to
    (which hands it back in the same action)."""
    state = case.state
    if state in (case.State.RECEIVED, case.State.REGISTERED):
        return user.has_perm("complaints.receive_case") or may_dispatch(case, user)
    return state == case.State.DISPATCHED and may_return(case, user)


def require_switch_platform_jurisdiction(case, user) -> None:
    if not may_switch_platform_jurisdiction(case, user):
        raise PermissionDenied(_("只有登记员、分流单位或承办单位可以改按平台经营者住所地管辖。"))
