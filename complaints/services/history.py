from ..models import Case, CaseEvent


def case_event_record(
    *, case: Case, actor, action: str, source: str = "", target: str = "", note: str = "",
    data: dict | None = None, internal: bool = False, at=None,
) -> CaseEvent:
    """Append one history row. Called by every service in the same transaction as its change."""
    fields = {"at": at} if at is not None else {}
    return CaseEvent.objects.create(
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
