"""Pausing a case's clocks for testing or appraisal (检验检测鉴定) with the center's approval: who may,
the history, and the sweep leaving a paused clock alone. The clock arithmetic is in
tests/deadlines/test_clock_pause.py."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from complaints.models import CaseEvent
from complaints.services.pauses import case_clocks_pause, case_clocks_resume
from core.errors import ApplicationError
from deadlines.models import CaseClock
from supervision.models import Escalation
from supervision.sweep import deadlines_sweep
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


def test_resume_through_the_service_records_the_new_deadline(org):
    case = to_handling(org)
    case_clocks_pause(case=case, by=org.supervisor, reason="检验")
    case_clocks_resume(case=case, by=org.supervisor)
    event = CaseEvent.objects.get(case=case, action=CaseEvent.Action.RESUME)
    assert event.data["handling"] == running(case).due_date.isoformat()
