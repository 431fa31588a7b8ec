from collections.abc import Callable

from core.notes import KEY as NOTE_KEY
from core.notes import Note

from ..models import Case, CaseEvent

# What the apps above complaints do with each history row, called by case_event_record in the
# transaction of the change (integration writes the webhook owed to the originating system), so
# whatever they write commits or rolls back with the change. Registered in their AppConfig.ready().
_listeners: list[Callable[..., object]] = []


def history_listener_add(listener: Callable[..., object]) -> None:
    """Have `listener(event=...)` called with every history row written, in its transaction."""
    if listener not in _listeners:
        _listeners.append(listener)


def case_event_record(
    *, case: Case, actor, action: str, source: str = "", target: str = "", note: "str | Note" = "",
    data: dict | None = None, internal: bool = False, at=None,
) -> CaseEvent:
    """Append one history row. Called by every service in the same transaction as its change;
    the history listeners (the webhook owed to the originating system) run here, in that transaction."""
    event = case_event_build(case=case, actor=actor, action=action, source=source, target=target, note=note,
                             data=data, internal=internal, at=at)
    event.save(force_insert=True)
    for listener in _listeners:
        listener(event=event)
    return event


def case_event_build(
    *, case: Case, actor, action: str, source: str = "", target: str = "", note: "str | Note" = "",
    data: dict | None = None, internal: bool = False, at=None,
) -> CaseEvent:
    """A history row not yet written, for intake to write with the case itself. Only for actions
    that no listener needs (the case has just arrived, so there is nobody to call back yet)."""
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
