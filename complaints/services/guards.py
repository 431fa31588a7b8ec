"""The check every service makes before a transition: the state machine (409), then who may act
(403, decided in complaints.access and attached to the transition as its permission)."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from core.errors import TransitionRefused

from ..access import ROLE_REFUSED
from ..models import Case
from ..models.case import CONDITION_MESSAGES


def require_transition(bound_transition, user) -> str:
    """Refuse (409) a transition the case's state or conditions do not allow, and (403) one the
    user may not perform, with the access rule's own message. django-fsm's change_state does not
    check permissions, so we do. Returns the state the case leaves."""
    case: Case = bound_transition.__self__
    if not can_proceed(bound_transition, check_conditions=False):
        raise TransitionRefused(
            _("工单当前状态为“%(state)s”，不能执行此操作。") % {"state": case.get_state_display()}
        )
    if not can_proceed(bound_transition):
        conditions = bound_transition._django_fsm.get_transition(case.state).conditions
        failed = next(c for c in conditions if not c(case))
        raise TransitionRefused(CONDITION_MESSAGES.get(failed.__name__, _("工单当前不满足此操作的条件。")))
    if not has_transition_perm(bound_transition, user):
        permission = bound_transition._django_fsm.get_transition(case.state).permission
        getattr(permission, "require", lambda case, user: None)(case, user)
        raise PermissionDenied(ROLE_REFUSED)
    return case.state
