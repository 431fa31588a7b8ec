"""The dispatch queue's shortcuts: accept the routing proposal in one click, or dispatch a
selection in batch. They call `case_dispatch`, which calls the routing hooks (`routing.py`)."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import ConcurrentTransition

from core.errors import ApplicationError
from core.notes import Note
from routing.models import Unit

from ..models import Case
from .dispatch import case_dispatch


def case_dispatch_proposed(*, case: Case, by, handling_limit: tuple[int, str] | None = None) -> Case:
    """Accept the proposal with one click: dispatch to the unit the rules named."""
    routing = getattr(case, "routing", None)
    if routing is None or routing.proposed_unit is None:
        raise ApplicationError(_("无匹配规则，请人工选择承办单位。"), field="unit")
    return case_dispatch(case=case, unit=routing.proposed_unit, by=by, handling_limit=handling_limit,
                         note=Note(gettext_noop("按分流建议：%(reason)s"),
                                   reason=routing.reason_i18n or routing.reason))


def cases_dispatch_batch(*, cases: list[Case], by, unit: Unit | None = None) -> tuple[list[Case], list[tuple]]:
    """Dispatch a selection from the queue, each to `unit` or else to its proposal. Each case is its
    own transaction: one that cannot go (urgent without a limit, no proposal, changed meanwhile) is
    reported and the others still go. Returns (dispatched, [(case, message)])."""
    done, failed = [], []
    for case in cases:
        if case.grade != Case.Grade.GENERAL:
            # A batch carries no time limit, which these cases must have: only their own page can.
            failed.append((case, _("紧急、重大工单须在工单页指定办理时限后分流。")))
            continue
        try:
            if unit is not None:
                done.append(case_dispatch(case=case, unit=unit, by=by, note=Note(gettext_noop("批量分流"))))
            else:
                done.append(case_dispatch_proposed(case=case, by=by))
        except (ApplicationError, ConcurrentTransition, PermissionDenied) as error:
            failed.append((case, str(error)))
    return done, failed
