"""Starting and stopping a case's clocks from the policy table and the official calendar."""
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from supervision.deadlines import deadline_compute, time_limit_for
from supervision.workdays import CalendarYearMissing, end_of_day, load_calendar, local_date

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


def _schedule(clock: CaseClock, calendar=None) -> None:
    """Compute the clock's due date from its start, its limit and its approved extensions."""
    calendar = calendar or load_calendar()
    try:
        deadline = deadline_compute(
            clock=clock.clock, case_kind=clock.case.kind, grade=clock.case.grade,
            received_on=local_date(clock.case.received_at), start_at=clock.started_at,
            amount=clock.limit_amount, unit=clock.limit_unit, calendar=calendar,
        )
        due_date, due_at = deadline.due_date, deadline.due_at
        if clock.extended_days:
            due_date = calendar.add_working_days(due_date, clock.extended_days)
            due_at = end_of_day(due_date)
    except CalendarYearMissing as missing:
        clock.due_date = clock.due_at = None
        clock.pending_reason = str(missing)
    else:
        clock.due_date, clock.due_at, clock.pending_reason = due_date, due_at, ""


def clocks_stop(*, case: Case, clocks: list[str], at) -> int:
    return CaseClock.objects.filter(case=case, clock__in=clocks, stopped_at__isnull=True).update(stopped_at=at)


def clock_extend(*, clock: CaseClock, days: int) -> CaseClock:
    clock.extended_days += days
    _schedule(clock)
    clock.save(update_fields=["extended_days", "due_date", "due_at", "pending_reason"])
    return clock


def clocks_reschedule(*, affected_from: date | None = None, batch_size: int = 2000) -> int:
    """Recount running clocks after the center entered or corrected the calendar: those still
    waiting for a schedule, and (with `affected_from`) those whose due date is on or after the
    changed day. Returns how many due dates changed."""
    waiting = Q(due_at__isnull=True)
    running = CaseClock.objects.filter(stopped_at__isnull=True).filter(
        waiting | Q(due_date__gte=affected_from) if affected_from else waiting
    ).exclude(limit_unit="hours")
    calendar = load_calendar()
    changed = 0
    ids = list(running.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = list(CaseClock.objects.select_related("case").select_for_update(of=("self",))
                         .filter(pk__in=ids[start:start + batch_size], stopped_at__isnull=True))
            updated = []
            for clock in batch:
                before = (clock.due_date, clock.pending_reason)
                _schedule(clock, calendar)
                if (clock.due_date, clock.pending_reason) != before:
                    updated.append(clock)
            CaseClock.objects.bulk_update(updated, ["due_date", "due_at", "pending_reason"])
            changed += len(updated)
    return changed
