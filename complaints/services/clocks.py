"""Starting and stopping a case's clocks from the policy table and the official calendar."""
from django.db import transaction
from django.utils.translation import gettext as _

from supervision.deadlines import deadline_compute, time_limit_for
from supervision.workdays import CalendarYearMissing, local_date

from ..models import Case, CaseClock


def clock_start(*, case: Case, clock: str, at, amount: int | None = None, unit: str | None = None) -> CaseClock | None:
    """Start `clock` for the case, or return None when the policy sets no limit for its kind.

    A case is held to the rules in force when it was received. When the count reaches a year whose
    official holiday schedule is not loaded, the clock is kept without a due date (never guessed from
    weekends alone) and shows a warning until the center enters the schedule.
    """
    if amount and unit:
        basis = _("中心按件设定")
    else:
        limit = time_limit_for(clock=clock, case_kind=case.kind, grade=case.grade,
                               received_on=local_date(case.received_at))
        if limit is None:
            return None
        amount, unit, basis = limit.amount, limit.unit, limit.basis
    CaseClock.objects.filter(case=case, clock=clock, stopped_at__isnull=True).update(stopped_at=at)
    running = CaseClock(case=case, clock=clock, started_at=at, limit_amount=amount, limit_unit=unit, basis=basis)
    _schedule(running)
    running.save()
    return running


def _schedule(clock: CaseClock) -> None:
    try:
        deadline = deadline_compute(
            clock=clock.clock, case_kind=clock.case.kind, grade=clock.case.grade,
            received_on=local_date(clock.case.received_at), start_at=clock.started_at,
            amount=clock.limit_amount, unit=clock.limit_unit,
        )
    except CalendarYearMissing as missing:
        clock.due_date = clock.due_at = None
        clock.pending_reason = str(missing)
    else:
        clock.due_date, clock.due_at, clock.pending_reason = deadline.due_date, deadline.due_at, ""


def clocks_stop(*, case: Case, clocks: list[str], at) -> int:
    return CaseClock.objects.filter(case=case, clock__in=clocks, stopped_at__isnull=True).update(stopped_at=at)


def clock_extend(*, case: Case, clock: str, due_date, due_at) -> CaseClock | None:
    running = CaseClock.objects.filter(case=case, clock=clock, stopped_at__isnull=True).first()
    if running is None:
        return None
    running.due_date, running.due_at = due_date, due_at
    running.save(update_fields=["due_date", "due_at"])
    return running


@transaction.atomic
def clocks_pending_resolve() -> int:
    """Give a due date to the clocks that waited for a year's official schedule. Run after the center
    enters a schedule and by the periodic calendar check; returns how many were scheduled."""
    resolved = 0
    pending = CaseClock.objects.select_related("case").select_for_update(of=("self",)).filter(
        due_at__isnull=True, stopped_at__isnull=True
    )
    for clock in pending:
        _schedule(clock)
        if clock.due_at is not None:
            clock.save(update_fields=["due_date", "due_at", "pending_reason"])
            resolved += 1
    return resolved
