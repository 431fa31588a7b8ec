from ..models import Case, CaseEvent
from .webhooks import webhook_enqueue


def case_event_record(
    *, case: Case, actor, action: str, source: str = "", target: str = "", note: str = "",
    data: dict | None = None, internal: bool = False, at=None,
) -> CaseEvent:
    """Append one history row. Called by every service in the same transaction as its change;
    the webhook owed to the originating system is written here too, in that transaction."""
    fields = {"at": at} if at is not None else {}
    event = CaseEvent.objects.create(
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
    webhook_enqueue(event=event)
    return event
