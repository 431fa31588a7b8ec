"""What a history row tells the world outside the system: the originating system's webhook, the
complainant's SMS and the public look-up (/track/). One rule for all three, so they cannot disagree.

A sensitive case's reply (舆情敏感) is not the answer until the center's director approves it (报批):
its reply row tells nobody outside, and the approval is the moment the reply goes out. A reply sent
back (发回重办) before that never went out, so its redo is not news outside either."""
from .models import Case, CaseEvent

# Rows of a sensitive case that wait for (or die with) the director's approval.
_HELD_UNTIL_APPROVAL = {CaseEvent.Action.REPLY, CaseEvent.Action.REDO}


def redo_held(case: Case) -> bool:
    """A redo of this case's reply is not news outside: the reply it sends back never went out."""
    return case.sensitive


def outward_actions(event: CaseEvent) -> list[str]:
    """The actions the outside hears of for this history row (usually its own; none, or the reply
    released with the approval, for a sensitive case)."""
    if not event.case.sensitive:
        return [event.action]
    if event.action in _HELD_UNTIL_APPROVAL:
        return []
    if event.action == CaseEvent.Action.APPROVE_REPLY:
        return [CaseEvent.Action.REPLY, CaseEvent.Action.APPROVE_REPLY]
    return [event.action]


def outward_note(event: CaseEvent, action: str) -> str:
    """The text that goes out with `action`: the reply itself when the approval releases it."""
    if action == CaseEvent.Action.REPLY and event.action == CaseEvent.Action.APPROVE_REPLY:
        return event.case.outcome_text
    return "" if event.internal else event.note


def outward_data(event: CaseEvent, action: str) -> dict:
    """The details that go out with `action`: the reply's own (its mediation outcome) when released."""
    if action == CaseEvent.Action.REPLY and event.action == CaseEvent.Action.APPROVE_REPLY:
        reply = event.case.events.filter(action=CaseEvent.Action.REPLY).order_by("-at", "-pk").first()
        return reply.data if reply is not None and isinstance(reply.data, dict) else {}
    return event.data if isinstance(event.data, dict) else {}


def public_state_label(case: Case) -> str:
    """The state the complainant is shown: a sensitive case's reply not yet approved is still 办理中."""
    if case.sensitive and case.state == Case.State.REPLIED and case.reply_approved_at is None:
        return Case.State.HANDLING.label
    return case.get_state_display()
