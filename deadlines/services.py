"""Writing a case's clock rows: start and stop them from the policy table and the official
calendar, extend them, pause and resume them, and recount them after the center changed the
calendar or the warning lead.

The case workflow calls these inside its own transaction, with the case it holds: they need only
the case's kind, grade and receipt time (`ClockedCase`), so this layer knows nothing of the case
model above it. Who may pause, and the history entry, are the caller's (complaints.services.pauses).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CaseClock, DeadlineSettings
from .policy import deadline_compute, time_limit_for, warn_at_compute
from .workdays import CalendarYearMissing, end_of_day, load_calendar, local_date


class ClockedCase(Protocol):
    """What scheduling reads of a case (complaints.Case has it)."""

    pk: int
    kind: str
    grade: str
    received_at: datetime
    enterprise_related: bool  # 涉企: the policy may set it a shorter limit


def clocks_start(*, case: ClockedCase, clocks: list[str], stop: list[str] = (), at) -> list[CaseClock]:
    """Stop the clocks in `stop` and start `clocks` (policy limits) in one UPDATE and one INSERT:
    what registration does, with the round trips of one clock rather than of each."""
    return clocks_start_many(cases=[case], clocks=clocks, stop=stop, at=at)


def clocks_start_many(*, cases: list[ClockedCase], clocks: list[str], stop: list[str] = (), at) -> list[CaseClock]:
    """clocks_start for many cases in one UPDATE and one INSERT (the worker registers a batch)."""
    started = [running for case in cases for running in clocks_build(case=case, clocks=clocks, at=at)]
    stopping = [*stop, *{running.clock for running in started}]
    if stopping:
        CaseClock.objects.filter(case_id__in=[case.pk for case in cases], clock__in=stopping,
                                 stopped_at__isnull=True).update(stopped_at=at)
    return CaseClock.objects.bulk_create(started)


def clocks_build(*, case: ClockedCase, clocks: list[str], at) -> list[CaseClock]:
    """The clocks of `clocks` that the policy sets a limit for, scheduled but not written."""
    started = []
    for clock in clocks:
        limit = time_limit_for(clock=clock, case_kind=case.kind, grade=case.grade,
                               received_on=local_date(case.received_at),
                               enterprise_related=getattr(case, "enterprise_related", False))
        if limit is not None:
            started.append(CaseClock(case=case, clock=clock, started_at=at, limit_amount=limit.amount,
                                     limit_unit=limit.unit, basis=limit.basis))
    calendar = load_calendar() if started else None
    for running in started:
        _schedule(running, calendar)
    return started


def clock_start(*, case: ClockedCase, clock: str, at, amount: int | None = None,
                unit: str | None = None) -> CaseClock | None:
    """Start `clock` for the case, or return None when the policy sets no limit for its kind.

    A case is held to the rules in force when it was received. When the count reaches a year whose
    official holiday schedule is not loaded, the clock is kept without a due date (never guessed from
    weekends alone) and shows a warning until the center enters the schedule.
    """
    if amount and unit:
        basis = _("中心按件设定")
    else:
        limit = time_limit_for(clock=clock, case_kind=case.kind, grade=case.grade,
                               received_on=local_date(case.received_at),
                               enterprise_related=getattr(case, "enterprise_related", False))
        if limit is None:
            return None
        amount, unit, basis = limit.amount, limit.unit, limit.basis
    CaseClock.objects.filter(case=case, clock=clock, stopped_at__isnull=True).update(stopped_at=at)
    running = CaseClock(case=case, clock=clock, started_at=at, limit_amount=amount, limit_unit=unit, basis=basis)
    _schedule(running)
    running.save()
    return running


def clock_build_fixed(*, case: ClockedCase, clock: str, at, due_at: datetime, basis: str) -> CaseClock:
    """A clock whose deadline someone else set (a platform's due time), scheduled but not written.
    Kept as an hours limit, which calendar corrections never recount, so its due time stays the
    one given; its warning follows the center's lead like every clock's."""
    hours = max(1, -(-int((due_at - at).total_seconds()) // 3600))
    running = CaseClock(case=case, clock=clock, started_at=at, limit_amount=hours, limit_unit="hours",
                        basis=basis[:200], due_at=due_at, due_date=local_date(due_at))
    try:
        running.warn_at = warn_at_compute(due_at=due_at, calendar=load_calendar(), started_at=at)
    except CalendarYearMissing:
        running.warn_at = None
    return running


def _schedule(clock: CaseClock, calendar=None, policy: DeadlineSettings | None = None) -> None:
    """Compute the clock's due date from its start, its limit, its approved extensions and pauses."""
    calendar = calendar or load_calendar()
    try:
        deadline = deadline_compute(
            clock=clock.clock, case_kind=clock.case.kind, grade=clock.case.grade,
            received_on=local_date(clock.case.received_at), start_at=clock.started_at,
            amount=clock.limit_amount, unit=clock.limit_unit, calendar=calendar,
        )
        due_date, due_at = deadline.due_date, deadline.due_at
        added = clock.extended_days + clock.paused_working_days
        if added:
            due_date = calendar.add_working_days(due_date, added)
            due_at = end_of_day(due_date)
        warn_at = warn_at_compute(due_at=due_at, calendar=calendar, policy=policy, started_at=clock.started_at)
    except CalendarYearMissing as missing:
        clock.due_date = clock.due_at = clock.warn_at = None
        clock.pending_reason = str(missing)
    else:
        clock.due_date, clock.due_at, clock.warn_at, clock.pending_reason = due_date, due_at, warn_at, ""


def clocks_stop(*, case: ClockedCase, clocks: list[str], at) -> int:
    return CaseClock.objects.filter(case=case, clock__in=clocks, stopped_at__isnull=True).update(stopped_at=at)


def clock_extend(*, clock: CaseClock, days: int, at=None) -> CaseClock:
    if clock.original_due_at is None:
        clock.original_due_at = clock.due_at
    clock.extended_days += days
    _schedule(clock)
    _rewarn(clock, at=at)
    clock.save(update_fields=["extended_days", "due_date", "due_at", "warn_at", "pending_reason",
                              "original_due_at", "warning"])
    return clock


def _rewarn(clock: CaseClock, *, at=None) -> None:
    """After a deadline moved, drop the colour the sweep set; the next sweep colours it afresh."""
    at = at or timezone.now()
    if clock.due_at is None or clock.due_at > at:
        clock.warning = CaseClock.Warning.NONE


# The clocks testing, inspection or appraisal stops (检验检测鉴定); the others keep running.
PAUSABLE_CLOCKS = ["handling", "redo", "statutory_mediation", "statutory_report_decision"]


@transaction.atomic  # the rows are locked until the caller's transaction (or this one) ends
def clocks_pause(*, case: ClockedCase, at, reason: str) -> list[CaseClock]:
    """Stop the count of the case's pausable clocks (检验检测鉴定 time does not count)."""
    clocks = list(CaseClock.objects.select_for_update().filter(
        case=case, clock__in=PAUSABLE_CLOCKS, stopped_at__isnull=True, paused_at__isnull=True))
    for clock in clocks:
        clock.paused_at, clock.pause_reason = at, reason
        clock.save(update_fields=["paused_at", "pause_reason"])
    return clocks


@transaction.atomic
def clocks_resume(*, case: ClockedCase, at) -> list[CaseClock]:
    """Resume paused clocks with the time they had left: the working days (or, for hour limits, the
    hours) that passed while paused are added to the deadline."""
    calendar = load_calendar()
    clocks = list(CaseClock.objects.select_for_update().select_related("case").filter(
        case=case, stopped_at__isnull=True, paused_at__isnull=False))
    for clock in clocks:
        if clock.limit_unit == "hours":
            clock.started_at += at - clock.paused_at  # an exact limit moves by the exact pause
        else:
            clock.paused_working_days += _working_days_between(calendar, local_date(clock.paused_at), local_date(at))
        clock.paused_at, clock.pause_reason = None, ""
        _schedule(clock, calendar)
        _rewarn(clock, at=at)
        clock.save()
    return clocks


def _working_days_between(calendar, first: date, last: date) -> int:
    """Working days in (first, last]: the days the pause took from the count."""
    try:
        return calendar.working_days_between(first, last)
    except CalendarYearMissing:
        # Only for measuring a pause that already happened, never for a deadline: Monday to Friday.
        return sum((first + timedelta(days=n)).weekday() < 5 for n in range(1, (last - first).days + 1))


def clocks_reschedule(*, affected_from: date | None = None, batch_size: int = 2000) -> int:
    """Recount running clocks after the center entered or corrected the calendar: those still
    waiting for a schedule, and (with `affected_from`) those whose due date is on or after the
    changed day. Returns how many due dates changed."""
    waiting = Q(due_at__isnull=True)
    running = CaseClock.objects.filter(stopped_at__isnull=True).filter(
        waiting | Q(due_date__gte=affected_from) if affected_from else waiting
    ).exclude(limit_unit="hours")
    calendar, policy = load_calendar(), DeadlineSettings.current()
    changed = 0
    ids = list(running.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = list(CaseClock.objects.select_related("case").select_for_update(of=("self",))
                         .filter(pk__in=ids[start:start + batch_size], stopped_at__isnull=True))
            updated = []
            for clock in batch:
                before = (clock.due_date, clock.pending_reason)
                _schedule(clock, calendar, policy)
                if (clock.due_date, clock.pending_reason) != before:
                    updated.append(clock)
            CaseClock.objects.bulk_update(updated, ["due_date", "due_at", "warn_at", "pending_reason"])
            changed += len(updated)
    return changed


def clocks_rewarn(*, batch_size: int = 5000) -> int:
    """Recompute `warn_at` of every running clock after the center changed the warning lead time;
    a clock whose warning moved later loses a yellow it no longer deserves."""
    calendar, policy = load_calendar(), DeadlineSettings.current()
    ids = list(CaseClock.objects.filter(stopped_at__isnull=True, due_at__isnull=False).values_list("pk", flat=True))
    now, changed = timezone.now(), 0
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = list(CaseClock.objects.select_for_update().filter(pk__in=ids[start:start + batch_size],
                                                                      stopped_at__isnull=True))
            for clock in batch:
                try:
                    clock.warn_at = warn_at_compute(due_at=clock.due_at, calendar=calendar, policy=policy,
                                                    started_at=clock.started_at)
                except CalendarYearMissing:
                    continue
                if clock.warning == CaseClock.Warning.YELLOW and clock.warn_at > now:
                    clock.warning = CaseClock.Warning.NONE
            CaseClock.objects.bulk_update(batch, ["warn_at", "warning"])
            changed += len(batch)
    return changed
