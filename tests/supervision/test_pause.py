"""Pausing clocks for testing or appraisal (检验检测鉴定) with the center's approval."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from complaints.models import CaseClock, CaseEvent
from complaints.services.clocks import clocks_pause, clocks_resume
from complaints.services.pauses import case_clocks_pause, case_clocks_resume
from core.errors import ApplicationError
from supervision.models import Escalation
from supervision.sweep import deadlines_sweep
from supervision.workdays import load_calendar, local_date
from tests.complaints.journeys import to_handling

pytestmark = pytest.mark.django_db


def running(case, kind="handling") -> CaseClock:
    return case.clocks.get(clock=kind, stopped_at__isnull=True)


def test_the_unit_cannot_pause_its_own_clock(org):
    case = to_handling(org)
    with pytest.raises(PermissionDenied):
        case_clocks_pause(case=case, by=org.handler, reason="送检")


def test_pause_needs_a_reason(org):
    with pytest.raises(ApplicationError):
        case_clocks_pause(case=to_handling(org), by=org.supervisor, reason=" ")


def test_a_paused_clock_is_never_overdue(org):
    case = to_handling(org)
    due = running(case).due_at
    case_clocks_pause(case=case, by=org.supervisor, reason="产品送检,检测机构出具报告需20日")
    clock = running(case)
    assert clock.paused_at is not None and clock.status == "paused"

    deadlines_sweep(now=due + timedelta(days=30))
    clock.refresh_from_db()
    assert clock.warning == CaseClock.Warning.NONE
    assert not Escalation.objects.filter(clock=clock).exists()
    assert CaseEvent.objects.filter(case=case, action=CaseEvent.Action.PAUSE).exists()


def test_resume_keeps_the_working_days_that_were_left(org):
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


def test_resume_through_the_service_records_the_new_deadline(org):
    case = to_handling(org)
    case_clocks_pause(case=case, by=org.supervisor, reason="检验")
    case_clocks_resume(case=case, by=org.supervisor)
    event = CaseEvent.objects.get(case=case, action=CaseEvent.Action.RESUME)
    assert event.data["handling"] == running(case).due_date.isoformat()


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
