"""Who in the handling unit works on a case: the unit leader reassigns inside the unit (改派)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from ..models import Case, CaseEvent
from .guards import require_transition
from .history import case_event_record


@transaction.atomic
def case_reassign(*, case: Case, by, handler, note: str = "") -> Case:
    """Hand the case to another person of the same unit; the deadlines keep running."""
    source = require_transition(case.reassign, by)
    if handler is None or not handler.is_active or handler.unit_id != case.handling_unit_id:
        raise ApplicationError(_("只能改派给本单位的在职人员。"), field="handler")
    if handler.pk == case.handler_id:
        raise ApplicationError(_("该工单已由此人承办。"), field="handler")
    previous = case.handler
    case.reassign(handler=handler)
    case.save()
    case_event_record(
        case=case,
        actor=by,
        action=CaseEvent.Action.REASSIGN,
        source=source,
        note=note,
        internal=True,
        data={"from": str(previous) if previous else "", "to": str(handler), "handler_id": handler.pk},
    )
    return case
