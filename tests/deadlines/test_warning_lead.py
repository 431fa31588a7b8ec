"""The warning lead (预警规则): when a clock turns yellow, read from the admin's row, recomputed for
running clocks when the center changes it."""
from datetime import timedelta

import pytest

from complaints import services
from deadlines.models import DeadlineSettings
from deadlines.services import clocks_rewarn
from tests.complaints.journeys import to_handling, to_registered

pytestmark = pytest.mark.django_db


def handling_clock(case):
    return case.clocks.get(clock="handling", stopped_at__isnull=True)


def test_lead_time_in_hours_is_read_from_the_admin_settings(org):
    DeadlineSettings.objects.update_or_create(pk=1, defaults={"warning_lead_amount": 5, "warning_lead_unit": "hours"})
    clock = handling_clock(to_handling(org))
    assert clock.due_at - clock.warn_at == timedelta(hours=5)


def test_changing_the_lead_time_recomputes_running_clocks(org):
    clock = handling_clock(to_handling(org))
    DeadlineSettings.objects.update_or_create(pk=1, defaults={"warning_lead_amount": 3, "warning_lead_unit": "hours"})
    clocks_rewarn()
    clock.refresh_from_db()
    assert clock.due_at - clock.warn_at == timedelta(hours=3)


def test_the_admin_queues_the_recount_when_the_lead_time_changes(admin_client, org, django_capture_on_commit_callbacks):
    from unittest import mock

    DeadlineSettings.current()
    with mock.patch("deadlines.tasks.clocks_rewarn_task.delay") as delay, \
            django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/deadlines/deadlinesettings/1/change/", {
            "warning_lead_amount": 4, "warning_lead_unit": "hours",
        })
    assert response.status_code == 302
    delay.assert_called_once()


def test_a_clock_shorter_than_the_warning_lead_turns_yellow_halfway(org):
    case = to_registered(org, grade="urgent")
    services.case_dispatch(case=case, unit=org.station, by=org.supervisor, handling_limit=(4, "hours"))
    clock = case.clocks.get(clock="handling")
    # The default lead (1 working day) is longer than the 4 hours: yellow after 2 hours, not at once.
    assert clock.warn_at - clock.started_at == clock.due_at - clock.warn_at
    assert (clock.due_at - clock.started_at).total_seconds() == 4 * 3600


def test_reading_the_lead_inserts_no_row(db):
    # A registration reads it inside its transaction: an insert there would hold other workers.
    DeadlineSettings.objects.all().delete()
    assert DeadlineSettings.cached().warning_lead_amount == 1
    assert not DeadlineSettings.objects.exists()


@pytest.mark.parametrize("hour", [9, 15, 21, 23])
def test_a_short_clock_turns_yellow_halfway_whatever_the_hour_it_starts(org, hour):
    # Evening dispatch once warned at midnight, minutes before a 4-hour deadline.
    from datetime import datetime
    from unittest import mock
    from zoneinfo import ZoneInfo

    at = datetime(2026, 12, 2, hour, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    with mock.patch("django.utils.timezone.now", return_value=at):
        case = to_registered(org, grade="urgent")
        services.case_dispatch(case=case, unit=org.station, by=org.supervisor, handling_limit=(4, "hours"))
    clock = case.clocks.get(clock="handling")
    assert clock.due_at - clock.warn_at == timedelta(hours=2)
