"""Deadlines from the time-limit policy and the working-day calendar, and the warning time from
the lead the center sets.

A case is held to the rule in force on the day it was received (`received_on`); the counting
starts from `start_at` (dispatch, registration, return ...), in Beijing time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext

from core.cache import TimedCopy

from .models import DeadlineSettings, LimitUnit, TimeLimit
from .workdays import WorkingCalendar, end_of_day, load_calendar, local_date


@dataclass(frozen=True)
class Deadline:
    due_date: date  # Beijing date the period ends on
    due_at: datetime  # aware; 24:00 of due_date, or start + n hours
    amount: int
    unit: str  # a LimitUnit value
    basis: str  # the rule it comes from, shown on the case


def _active_limits() -> list[TimeLimit]:
    return list(TimeLimit.objects.filter(is_active=True))


_limits = TimedCopy(_active_limits)


def _specificity(limit: TimeLimit) -> int:
    # A 涉企 row is the most specific: such a case is held to it whatever the kind's general limit.
    return 4 * limit.enterprise_related + 2 * bool(limit.case_kind) + bool(limit.grade)


def time_limit_for(
    *, clock: str, case_kind: str | None, grade: str | None, received_on: date, enterprise_related: bool = False
) -> TimeLimit | None:
    """The policy row for a case received on `received_on`: most specific scope first, then newest rule.
    Rows marked 涉企 apply only to enterprise-related cases. Chosen in memory from the (small) table
    of active rows, read at most every few seconds."""
    kinds, grades = {case_kind or "", ""}, {grade or "", ""}
    candidates = [
        limit for limit in _limits.get()
        if limit.clock == clock and limit.effective_from <= received_on
        and limit.case_kind in kinds and limit.grade in grades
        and (enterprise_related or not limit.enterprise_related)
    ]
    return max(candidates, key=lambda limit: (_specificity(limit), limit.effective_from), default=None)


def deadline_compute(
    *,
    clock: str,
    case_kind: str | None,
    grade: str | None,
    received_on: date,
    start_at: datetime,
    amount: int | None = None,
    unit: str | None = None,
    calendar: WorkingCalendar | None = None,
    enterprise_related: bool = False,
) -> Deadline | None:
    """When `clock` runs out, or None when no rule applies to this case.

    `amount` and `unit` given together are the center's own limit for this case (urgent/major
    cases) and replace the policy. Raises CalendarYearMissing when the count reaches a year whose
    official schedule is not loaded: a guessed deadline is worse than none.
    """
    if amount is None or unit is None:
        limit = time_limit_for(clock=clock, case_kind=case_kind, grade=grade, received_on=received_on,
                               enterprise_related=enterprise_related)
        if limit is None:
            if amount is not None or unit is not None:
                raise ValueError("a per-case amount needs a unit (and vice versa) when no policy applies")
            return None
        amount = limit.amount if amount is None else amount
        unit = limit.unit if unit is None else unit
        basis = limit.basis
    else:
        basis = gettext("中心按件设定")

    if unit == LimitUnit.HOURS:
        # An hour limit is exact: no calendar, no rounding to the end of a day.
        due_at = start_at + timedelta(hours=amount)
        return Deadline(local_date(due_at), due_at, amount, str(unit), basis)

    calendar = calendar or load_calendar()
    start = local_date(start_at)
    if unit == LimitUnit.WORKING_DAYS:
        due_date = calendar.add_working_days(start, amount)
    elif unit == LimitUnit.DAYS:
        due_date = calendar.add_days(start, amount)
    elif unit == LimitUnit.SAME_WORKING_DAY:
        due_date = calendar.same_working_day(start)
    else:
        raise ValueError(f"unknown time-limit unit {unit!r}")
    return Deadline(due_date, end_of_day(due_date), amount, str(unit), basis)


def warn_at_compute(*, due_at: datetime, calendar: WorkingCalendar, policy: DeadlineSettings | None = None,
                    started_at: datetime | None = None) -> datetime:
    """When the clock turns yellow: the configured lead before its deadline, stored on the clock so
    the sweep compares a column with now instead of counting working days per case. A clock shorter
    than the lead (an urgent case's 4 hours against a 1-working-day lead) would be yellow from its
    start, which warns of nothing: it turns yellow halfway instead. Raises CalendarYearMissing when
    the lead reaches back into a year without a schedule."""
    policy = policy or DeadlineSettings.cached()
    warn_at = _warn_at_by_lead(due_at=due_at, calendar=calendar, policy=policy)
    if started_at is not None and started_at < due_at and (
            warn_at <= started_at or due_at - started_at < _lead_span(policy)):
        return started_at + (due_at - started_at) / 2
    return warn_at


def _lead_span(policy: DeadlineSettings) -> timedelta:
    # The lead as a length, to tell a clock shorter than it: a 4-hour clock started at 21:00 would
    # otherwise turn yellow at midnight (the end of the working day before its due day), 1 hour
    # before its deadline, as if it had a day of its own.
    if policy.warning_lead_unit == DeadlineSettings.LeadUnit.HOURS:
        return timedelta(hours=policy.warning_lead_amount)
    return timedelta(days=policy.warning_lead_amount)


def _warn_at_by_lead(*, due_at: datetime, calendar: WorkingCalendar, policy: DeadlineSettings) -> datetime:
    if policy.warning_lead_unit == DeadlineSettings.LeadUnit.HOURS:
        return due_at - timedelta(hours=policy.warning_lead_amount)
    # Yellow from the moment only `lead` working days remain: the end of the lead-th working day
    # before the due date.
    # due_at is 24:00 of the last day, i.e. 00:00 of the next: step back into the last day first.
    day, left = local_date(due_at - timedelta(microseconds=1)), policy.warning_lead_amount
    while left:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            left -= 1
    return min(end_of_day(day), due_at)
