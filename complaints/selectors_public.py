"""What the public look-up (no login) may read: a case found by number and query code, and the part
of its history a complainant may see."""

import hmac

from django.utils.translation import gettext as _

from .models import Case, CaseEvent, LegalDecision, PublicRating
from .outward import redo_held

# Notes shown to the complainant: what was decided or replied to them, never the units' work notes.
PUBLIC_NOTE_ACTIONS = {
    CaseEvent.Action.DECLINE,
    CaseEvent.Action.ANSWER,
    CaseEvent.Action.STAGE_REPLY,
    CaseEvent.Action.REPLY,
    CaseEvent.Action.PUBLIC_RATING,
    CaseEvent.Action.NOTIFY_COMPLAINANT,  # e.g. the new deadline after an approved extension
    # The statutory decisions and their notices (告知): what the law says the complainant is told.
    CaseEvent.Action.LEGAL_ACCEPT,
    CaseEvent.Action.NOT_ACCEPT,
    CaseEvent.Action.MEDIATION_ENTRUST,
    CaseEvent.Action.MEDIATION_END,
    CaseEvent.Action.REPORT_DECIDE,
    CaseEvent.Action.REPORT_REPEAT,
    CaseEvent.Action.MERGE,
    CaseEvent.Action.DECISION_NOTICE,
}
# A code no real case has, compared when the number is unknown so both answers take the same time.
_DUMMY_CODE = "\x00" * 12


def case_public_lookup(*, number: str, query_code: str) -> Case | None:
    """The case when number and code match, else None (an unknown number and a wrong code look alike)."""
    number, query_code = number.strip(), query_code.strip().upper()
    case = (
        Case.objects.select_related("handling_unit", "category", "decline_reason").filter(number=number).first()
        if number
        else None
    )
    expected = case.query_code.upper() if case is not None else _DUMMY_CODE
    matches = hmac.compare_digest(expected.encode(), query_code.encode())
    return case if case is not None and matches else None


def _replies_not_approved(events: list[CaseEvent]) -> set[int]:
    """The replies the center has not approved: still under review, or sent back for redo (发回重办).
    The complainant sees a reply only as the answer the center approved."""
    pending, hidden = None, set()
    for event in events:
        if event.action == CaseEvent.Action.REPLY:
            if pending is not None:
                hidden.add(pending)
            pending = event.pk
        elif event.action == CaseEvent.Action.APPROVE_REPLY:
            pending = None
        elif event.action == CaseEvent.Action.REDO and pending is not None:
            hidden.add(pending)
            pending = None
    if pending is not None:
        hidden.add(pending)
    return hidden


def case_public_timeline(*, case: Case) -> list[dict]:
    """The non-internal history with no person's name: what happened, when, and which unit; a reply
    only once the center approved it."""
    every = list(CaseEvent.objects.filter(case=case).select_related("actor_unit").order_by("at", "pk"))
    hidden = _replies_not_approved(every)
    held = redo_held(case)  # a sensitive case's redo is of a reply that never went out
    hidden |= {event.pk for event in every if held and event.action == CaseEvent.Action.REDO}
    events = [event for event in every if not event.internal and event.pk not in hidden]
    return [
        {
            "at": event.at,
            "action": event.get_action_display(),
            "action_code": event.action,
            "unit": event.actor_unit.name if event.actor_unit and event.actor_unit.kind != "external" else "",
            "note": event.display_note if event.action in PUBLIC_NOTE_ACTIONS else "",
        }
        for event in events
    ]


def case_public_tracked(*, case_id) -> Case | None:
    """The case this visitor's session has already looked up with the right code."""
    if case_id is None:
        return None
    return Case.objects.select_related("handling_unit", "category", "decline_reason").filter(pk=case_id).first()


def case_public_rating(*, case: Case) -> PublicRating | None:
    return PublicRating.objects.filter(case=case).first()


def case_public_decisions(*, case: Case) -> list[dict]:
    """The statutory decisions in plain words for the complainant or reporter: what was decided and
    the notice they are owed (the ground's text as it was sent), never who decided it."""
    rows = []
    for decision in LegalDecision.objects.filter(case=case).order_by("decided_at", "pk"):
        if decision.outcome == LegalDecision.Outcome.MERGED:
            text = _("与同一违法行为的其他举报合并处理，结果一并告知。")
        elif decision.outcome == LegalDecision.Outcome.REPEAT:
            text = _("与已经处理或正在处理的举报属同一事项，不再重复处理。")
        elif decision.outcome == LegalDecision.Outcome.AGREEMENT:
            text = _("双方达成调解协议，挽回经济损失%(amount)s元。") % {"amount": decision.amount_recovered}
        elif decision.outcome == LegalDecision.Outcome.ENTRUSTED:
            text = _("已委托%(body)s进行调解。") % {"body": decision.entrusted_to}
        elif decision.outcome == LegalDecision.Outcome.ACCEPTED:
            text = _("您的投诉已依法受理，将组织双方调解。")
        elif decision.outcome == LegalDecision.Outcome.CASE_OPENED:
            text = _("经核查，已决定立案调查。")
        else:
            text = decision.notice_text
        rows.append({"at": decision.decided_at, "track": decision.get_track_display(),
                     "outcome": decision.get_outcome_display(), "outcome_code": decision.outcome, "text": text})
    return rows
