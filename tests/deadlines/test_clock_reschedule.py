"""A calendar correction entered in the admin recounts the running deadlines it affects."""
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from complaints import services
from deadlines.models import CalendarDay
from deadlines.services import clocks_reschedule
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def dispatched_on_2026_11_23(org):
    with mock.patch("django.utils.timezone.now",
                    return_value=datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        return journeys.to_handling(org)


def test_an_extra_holiday_moves_running_deadlines_by_a_working_day(org):
    case = dispatched_on_2026_11_23(org)
    handling = case.clocks.get(clock="handling")
    assert handling.due_date == date(2026, 12, 7)

    CalendarDay.objects.create(date=date(2026, 12, 1), is_workday=False, name="临时调整")
    assert clocks_reschedule(affected_from=date(2026, 12, 1)) >= 1

    handling.refresh_from_db()
    assert handling.due_date == date(2026, 12, 8)


def test_recount_keeps_approved_extensions(org):
    case = dispatched_on_2026_11_23(org)
    services.case_request_extension(case=case, by=org.handler, days=2, reason="检测")
    services.case_decide_extension(case=case, by=org.supervisor, approve=True)
    assert case.clocks.get(clock="handling", stopped_at__isnull=True).due_date == date(2026, 12, 9)

    CalendarDay.objects.create(date=date(2026, 12, 1), is_workday=False, name="临时调整")
    clocks_reschedule(affected_from=date(2026, 12, 1))
    assert case.clocks.get(clock="handling", stopped_at__isnull=True).due_date == date(2026, 12, 10)


def test_saving_a_day_in_the_admin_queues_the_recount_after_commit(admin_client, django_capture_on_commit_callbacks):
    with mock.patch("deadlines.tasks.clocks_reschedule_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post("/admin/deadlines/calendarday/add/", {
                "date": "2026-12-01", "is_workday": "", "name": "临时调整", "note": ""})
    assert response.status_code == 302
    delay.assert_called_once_with("2026-12-01")
