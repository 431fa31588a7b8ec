"""The center's part after the reply: review (核查), redo, follow-up (回访), archive, reopen."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ApplicationError
from core.notes import Note
from deadlines.services import clock_start, clocks_stop

from ..models import Case, CaseEvent, Notification
from ..models.case import DECISION_NOTICE_CLOCKS
from ..models.choices import Satisfaction
from .guards import require_transition
from .history import case_event_record
from .notifications import notification_send
from .procedure import ALL_CLOCKS, case_merged_close


@transaction.atomic
def case_approve_reply(*, case: Case, by, note: str = "") -> Case:
    source = require_transition(case.approve_reply, by)
    at = timezone.now()
    case.approve_reply(at=at)
    case.save()
    case_event_record(case=case, actor=by, action=CaseEvent.Action.APPROVE_REPLY, source=source,
                      note=note, at=at)
    return case


@transaction.atomic
def case_return_for_redo(*, case: Case, by, reason: str) -> Case:
    """The reply falls short (发回重办): back to the unit on a redo clock."""
    if not reason.strip():
        raise ApplicationError(_("请写明发回重办的理由。"), field="reason")
    source = require_transition(case.return_for_redo, by)
    at = timezone.now()
    case.return_for_redo()
    case.save()
    clock_start(case=case, clock="redo", at=at)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.REDO, source=source, note=reason, at=at)
    _tell_handling_unit(case, _("工单 %(number)s 被发回重办"), reason)
    return case


def _tell_handling_unit(case: Case, title: str, reason: str) -> None:
    # The case is back in the unit's inbox; without a notice nobody there knows why or that it came back.
    if case.handling_unit_id:
        notification_send(kind=Notification.Kind.NOTICE, case=case, units=[case.handling_unit],
                          title=title % {"number": case.number}, body=reason)


@transaction.atomic
def case_follow_up(
    *, case: Case, by, satisfaction: str, resolved: bool | None, note: str = "", new_reasons: str = ""
) -> Case:
    """Record the complainant's answer (回访). Dissatisfied goes on the red-line ledger; dissatisfied
    with new reasons or evidence closes this round and assigns the case again (二次交办)."""
    if satisfaction not in Satisfaction.values:
        raise ApplicationError(_("请选择回访结果。"), field="satisfaction")
    if satisfaction == Satisfaction.UNREACHABLE:
        if not note.strip():
            raise ApplicationError(_("无法回访时须写明原因。"), field="note")
        resolved = None
    elif resolved is None:
        raise ApplicationError(_("请选择问题是否解决。"), field="resolved")
    source = require_transition(case.follow_up, by)
    at = timezone.now()
    case.follow_up(satisfaction=satisfaction, resolved=resolved, at=at)
    case.save()
    case_event_record(case=case, actor=by, action=CaseEvent.Action.FOLLOW_UP, source=source, note=note, at=at,
                      data={"satisfaction": satisfaction, "resolved": resolved, "new_reasons": new_reasons})
    if satisfaction == Satisfaction.DISSATISFIED:
        if new_reasons.strip():
            case_archive(case=case, by=by, note=Note(gettext_noop("回访不满意并提出新的理由，本轮办结")))
            case_reopen(case=case, by=by, reason=new_reasons)
    elif new_reasons.strip():
        raise ApplicationError(_("只有不满意时才能提出新的理由要求二次交办。"), field="new_reasons")
    return case


@transaction.atomic
def case_archive(*, case: Case, by, note: str = "") -> Case:
    source = require_transition(case.archive, by)
    at = timezone.now()
    case.archive(at=at)
    case.save()
    # An ended case has no deadline left but the notices still owed of its decisions.
    clocks_stop(case=case, at=at, clocks=[c for c in ALL_CLOCKS if c not in DECISION_NOTICE_CLOCKS])
    case_event_record(case=case, actor=by, action=CaseEvent.Action.ARCHIVE, source=source, note=note, at=at)
    case_merged_close(case=case, by=by, at=at)  # 并案: the followers close with their lead
    return case


@transaction.atomic
def case_reopen(*, case: Case, by, reason: str) -> Case:
    """Second assignment (二次交办): the same unit handles again on a fresh handling clock."""
    if not reason.strip():
        raise ApplicationError(_("请写明二次交办的理由（新的诉求或证据）。"), field="reason")
    source = require_transition(case.reopen, by)
    at = timezone.now()
    case.reopen()
    case.save()
    clock_start(case=case, clock="handling", at=at, amount=case.handling_limit_amount,
                unit=case.handling_limit_unit or None)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.REOPEN, source=source, note=reason, at=at)
    _tell_handling_unit(case, _("工单 %(number)s 二次交办，请重新办理"), reason)
    return case
