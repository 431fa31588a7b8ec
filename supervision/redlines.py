"""Putting a case on the red-line ledger (三条红线) for what its history records: a repeat complaint
(the link registration writes) and a follow-up found dissatisfied or unresolved. `red_lines_from_history` is a history
listener (registered in SupervisionConfig.ready()): case_event_record calls it in the transaction
of the change, so the item opens exactly when the change commits, and complaints need not know the
ledger. Overdue items are opened by the deadline sweep, set-based."""
from complaints.models import Case, CaseEvent
from complaints.models.choices import Satisfaction
from deadlines.workdays import local_date

from .records import RedLineItem


def red_line_open(*, case: Case, reason: str, at) -> None:
    """Open an item unless one for the same case and reason is still open. The partial unique
    constraint decides (so two registrations at once cannot open two), in the insert itself
    (ON CONFLICT DO NOTHING) rather than with a savepoint to roll back to."""
    _red_lines_open([(case, reason, at)])


def _red_lines_open(items: list[tuple]) -> None:
    RedLineItem.objects.bulk_create(
        [RedLineItem(case=case, reason=reason, opened_at=at, month=local_date(at).replace(day=1))
         for case, reason, at in items],
        ignore_conflicts=True,
    )


def red_lines_from_history(*, event: CaseEvent) -> None:
    red_lines_from_history_many(events=[event])


def red_lines_from_history_many(*, events: list[CaseEvent]) -> None:
    """The red lines history rows open, in one INSERT for rows written together."""
    items = [(event.case, reason, event.at) for event in events
             if (reason := _red_line_reason(event)) is not None]
    if items:
        _red_lines_open(items)


def _red_line_reason(event: CaseEvent) -> str | None:
    if event.action == CaseEvent.Action.LINK and event.data.get("repeat_of"):
        # A repeat *complaint* means the complainant was not satisfied the first time; a repeated
        # report (重复举报, Order 121) is not processed again and is no failing of the unit.
        if event.case.kind == Case.Kind.REPORT:
            return None
        return RedLineItem.Reason.REPEAT
    if event.action == CaseEvent.Action.FOLLOW_UP and (
            event.data.get("satisfaction") == Satisfaction.DISSATISFIED or event.data.get("resolved") is False):
        # "未解决" in any follow-up (the first, or a sampled second one) is a red line as "不满意" is.
        return RedLineItem.Reason.DISSATISFIED
    return None
