"""Checks every service makes before it acts: the role's permission, the state machine, and the unit."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from ..errors import ApplicationError, TransitionRefused
from ..models import Case
from ..models.case import CONDITION_MESSAGES


def require_permission(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("您的角色无权进行此操作。"))


def require_transition(bound_transition, user) -> str:
    """Refuse (409) a transition the case's state or conditions do not allow, and (403) one the
    user's role may not perform. django-fsm's change_state does not check permissions, so we do."""
    case: Case = bound_transition.__self__
    if not can_proceed(bound_transition, check_conditions=False):
        raise TransitionRefused(
            _("工单当前状态为“%(state)s”,不能执行此操作。") % {"state": case.get_state_display()}
        )
    if not can_proceed(bound_transition):
        conditions = bound_transition._django_fsm.get_transition(case.state).conditions
        failed = next(c for c in conditions if not c(case))
        raise TransitionRefused(CONDITION_MESSAGES.get(failed.__name__, _("工单当前不满足此操作的条件。")))
    if not has_transition_perm(bound_transition, user):
        raise PermissionDenied(_("您的角色无权进行此操作。"))
    return case.state


def require_handling_unit(case: Case, user) -> None:
    """Work on a dispatched case is done by the unit it was dispatched to."""
    if user.unit_id is None or case.handling_unit_id != user.unit_id:
        raise PermissionDenied(_("只有承办单位可以进行此操作。"))


def require_oversight(case: Case, user) -> None:
    """Review, follow-up and archive belong to the center, or to the district center above the unit."""
    unit = user.unit
    if unit is None or not unit.oversees:
        raise PermissionDenied(_("只有12315中心可以进行此操作。"))
    if unit.kind == "district_center" and not (case.handling_unit and case.handling_unit.is_within(unit)):
        raise PermissionDenied(_("该工单不在本中心的管辖范围内。"))


def require_dispatch_scope(case: Case, user, target) -> None:
    """The center dispatches to any internal unit; a district center only to units below it."""
    unit = user.unit
    if unit is None or not unit.oversees:
        raise PermissionDenied(_("只有12315中心或区县受理中心可以分流。"))
    if target.kind == "external" or not target.is_active:
        raise ApplicationError(_("不能分流到外部部门或已停用的单位,外部部门请用“移送”。"), field="unit")
    if unit.kind == "district_center" and not target.is_within(unit):
        raise PermissionDenied(_("只能分流到本中心下属单位。"))
