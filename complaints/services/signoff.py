"""Sign-off of a reply inside the unit (经办人 → 负责人) and the referral of a sensitive case's reply
to the center's director (报批). Both are steps beside the review flow, not a second one: the
handler's draft waits as a ReplyDraft until the leader sends it with `case_reply`; the referral
is history and a notice, and `complaints.access.may_approve_reply` leaves the approval of a
sensitive reply to the director."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from routing.models import Unit, User

from ..models import Case, CaseEvent, Notification, ReplyDraft
from .guards import require_transition
from .history import case_event_record
from .notifications import notification_send

MIN_REPLY_LENGTH = 10


def reply_text_check(text: str) -> None:
    """The reply format (答复口径): one rule for the handler's draft and for the reply sent."""
    if len(text.strip()) < MIN_REPLY_LENGTH:
        raise ApplicationError(_("答复内容过短，请写明调查核实情况、处理结果及依据。"), field="text")


def reply_draft_pending(*, case: Case) -> ReplyDraft | None:
    return case.reply_drafts.filter(decision=ReplyDraft.Decision.PENDING).select_related("submitted_by").first()


@transaction.atomic
def case_submit_reply(*, case: Case, by, text: str) -> ReplyDraft:
    """The handler's reply goes to the unit leader for sign-off; the unit's leaders are told."""
    reply_text_check(text)
    source = require_transition(case.submit_reply, by)
    at = timezone.now()
    case.submit_reply()
    case.save()
    draft = ReplyDraft.objects.create(case=case, text=text, submitted_by=by, submitted_at=at)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.SUBMIT_REPLY, source=source, note=text,
                      internal=True, at=at)
    leaders = User.objects.filter(unit_id=case.handling_unit_id, role=User.Role.UNIT_LEADER, is_active=True)
    notification_send(kind=Notification.Kind.NOTICE, case=case, users=list(leaders),
                      title=_("工单 %(number)s 的答复待您签发") % {"number": case.number}, body=text)
    return draft


@transaction.atomic
def case_return_reply_draft(*, case: Case, by, reason: str) -> ReplyDraft:
    """The leader sends the draft back to the handler to revise (退回修改)."""
    if not reason.strip():
        raise ApplicationError(_("请写明退回修改的意见。"), field="reason")
    source = require_transition(case.return_reply_draft, by)
    draft = case.reply_drafts.select_for_update().get(decision=ReplyDraft.Decision.PENDING)
    at = timezone.now()
    case.return_reply_draft()
    case.save()
    draft.decision, draft.decided_by, draft.decided_at, draft.decision_note = (
        ReplyDraft.Decision.RETURNED, by, at, reason)
    draft.save()
    case_event_record(case=case, actor=by, action=CaseEvent.Action.RETURN_REPLY_DRAFT, source=source,
                      note=reason, internal=True, at=at)
    notification_send(kind=Notification.Kind.NOTICE, case=case, users=[draft.submitted_by],
                      title=_("工单 %(number)s 的答复稿被退回修改") % {"number": case.number}, body=reason)
    return draft


def reply_drafts_settle(*, case: Case, by, at) -> None:
    """The reply went out (case_reply): the draft waiting for it is signed off by whoever sent it."""
    case.reply_drafts.filter(decision=ReplyDraft.Decision.PENDING).update(
        decision=ReplyDraft.Decision.SIGNED, decided_by=by, decided_at=at)


@transaction.atomic
def case_refer_reply(*, case: Case, by, note: str = "") -> Case:
    """A sensitive case's reply is referred to the center's director for approval (报批)."""
    source = require_transition(case.refer_reply, by)
    at = timezone.now()
    case.refer_reply()
    case.save()
    case_event_record(case=case, actor=by, action=CaseEvent.Action.REFER_REPLY, source=source, note=note,
                      internal=True, at=at)
    directors = User.objects.filter(unit__kind=Unit.Kind.CENTER, role=User.Role.DIRECTOR, is_active=True)
    notification_send(kind=Notification.Kind.NOTICE, case=case, users=list(directors),
                      title=_("舆情敏感工单 %(number)s 的答复报请审批") % {"number": case.number},
                      body=note or case.outcome_text)
    return case
