"""Pausing and resuming clock rows (检验检测鉴定): the time a pause took is given back."""
from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines.models import CaseClock
from deadlines.services import clocks_pause, clocks_resume
from deadlines.workdays import load_calendar, local_date
from tests.complaints.journeys import to_handling
from tests.factories import holiday_schedule_ahead

pytestmark = pytest.mark.django_db


def running(case, kind="handling") -> CaseClock:
    return case.clocks.get(clock=kind, stopped_at__isnull=True)


def test_resume_keeps_the_working_days_that_were_left(org):
    holiday_schedule_ahead()  # in December the resumed clock runs into next year
    case = to_handling(org)
    clock = running(case)
    calendar = load_calendar()
    paused_at = clock.started_at + timedelta(days=1)
    clocks_pause(case=case, at=paused_at, reason="鉴定")
    resumed_at = paused_at + timedelta(days=14)
    clocks_resume(case=case, at=resumed_at)
    clock.refresh_from_db()

    original_due = calendar.add_working_days(local_date(clock.started_at), clock.limit_amount)
    assert clock.due_date > original_due
    assert _working_days(calendar, local_date(resumed_at), clock.due_date) == \
        _working_days(calendar, local_date(paused_at), original_due)
    assert clock.paused_at is None and clock.paused_working_days > 0


def test_an_hour_limit_moves_by_the_exact_pause(org):
    case = to_handling(org)
    clock = running(case)
    CaseClock.objects.filter(pk=clock.pk).update(limit_unit="hours", limit_amount=48,
                                                 due_at=clock.started_at + timedelta(hours=48))
    now = timezone.now()
    clocks_pause(case=case, at=now, reason="检测")
    clocks_resume(case=case, at=now + timedelta(hours=5))
    clock.refresh_from_db()
    assert clock.due_at == clock.started_at + timedelta(hours=48)
    assert clock.started_at - timedelta(hours=5) <= now


def _working_days(calendar, first, last) -> int:
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        count += calendar.is_workday(day)
    return count
