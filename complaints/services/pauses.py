"""Pausing a case's clocks while testing, inspection or appraisal runs (检验检测鉴定), with the
center's approval; the time does not count and the clocks resume with what they had left.

This is the case's side (who may, the reason, the history entry); which clocks stop and how the
time they lost is given back is the deadline layer's (deadlines.services.clocks_pause/resume)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from deadlines.models import CaseClock
from deadlines.services import clocks_pause, clocks_resume

from ..access import require_pause_clocks
from ..inputs import typed_text_check
from ..models import Case, CaseEvent
from .history import case_event_record


@transaction.atomic
def case_clocks_pause(*, case: Case, by, reason: str) -> Case:
    require_pause_clocks(case, by)
    if not reason.strip():
        raise ApplicationError(_("请写明暂停计时的原因（如检验、检测、鉴定）。"), field="reason")
    try:
        typed_text_check(reason, model=CaseClock, field_name="pause_reason")
    except ValidationError as error:
        raise ApplicationError(_("暂停原因") + error.messages[0], field="reason") from None
    at = timezone.now()
    paused = clocks_pause(case=case, at=at, reason=reason)
    if not paused:
        raise ApplicationError(_("该工单没有可以暂停的计时。"))
    case_event_record(case=case, actor=by, action=CaseEvent.Action.PAUSE, note=reason, at=at,
                      data={"clocks": [clock.clock for clock in paused]})
    return case


@transaction.atomic
def case_clocks_resume(*, case: Case, by, note: str = "") -> Case:
    require_pause_clocks(case, by)
    at = timezone.now()
    resumed = clocks_resume(case=case, at=at)
    if not resumed:
        raise ApplicationError(_("该工单没有暂停中的计时。"))
    case_event_record(case=case, actor=by, action=CaseEvent.Action.RESUME, note=note, at=at,
                      data={c.clock: c.due_date.isoformat() if c.due_date else None for c in resumed})
    return case
