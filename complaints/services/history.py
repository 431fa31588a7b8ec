from core.notes import KEY as NOTE_KEY
from core.notes import Note

from ..models import Case, CaseEvent
from .webhooks import webhook_enqueue


def case_event_record(
    *, case: Case, actor, action: str, source: str = "", target: str = "", note: "str | Note" = "",
    data: dict | None = None, internal: bool = False, at=None,
) -> CaseEvent:
    """Append one history row. Called by every service in the same transaction as its change;
    the webhook owed to the originating system is written here too, in that transaction."""
    event = case_event_build(case=case, actor=actor, action=action, source=source, target=target, note=note,
                             data=data, internal=internal, at=at)
    event.save(force_insert=True)
    webhook_enqueue(event=event)
    return event


def case_event_build(
    *, case: Case, actor, action: str, source: str = "", target: str = "", note: "str | Note" = "",
    data: dict | None = None, internal: bool = False, at=None,
) -> CaseEvent:
    """A history row not yet written, for intake to write with the case itself. Only for actions
    that owe no webhook (the case has just arrived, so there is nobody to call back yet)."""
    fields = {"at": at} if at is not None else {}
    if isinstance(note, Note):
        data = {**(data or {}), NOTE_KEY: note.stored()}
        note = note.in_default_language()
    return CaseEvent(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_unit=getattr(actor, "unit", None),
        action=action,
        source_state=source,
        target_state=target or case.state,
        note=note,
        data=data or {},
        internal=internal,
        **fields,
    )
