"""Deadlines set by transitions, from the policy table and the official calendar (Asia/Shanghai)."""
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from complaints import services
from deadlines.models import CalendarDay, HolidaySchedule, TimeLimit
from deadlines.services import clocks_reschedule
from tests.complaints import journeys
from tests.factories import case_fields

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return mock.patch("django.utils.timezone.now", return_value=datetime(*args, tzinfo=SHANGHAI))


def due(case, clock):
    return case.clocks.get(clock=clock).due_date


def test_dispatch_on_the_eve_of_national_day(org):
    with at(2026, 9, 30, 10, 0):
        case = services.case_receive(by=org.clerk, fields=case_fields())[0]
        assert due(case, "dispatch") == date(2026, 9, 30)  # same working day
        services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
    assert due(case, "handling") == date(2026, 10, 20)  # 10 working days, make-up Saturday 10-10 counts
    assert due(case, "contact") == date(2026, 10, 8)  # 2 days end on 10-02, a holiday → next working day
    assert due(case, "statutory_accept") == date(2026, 10, 15)  # 7 working days


def test_registration_on_a_saturday_is_due_for_dispatch_on_monday(org):
    with at(2026, 11, 21, 9, 0):
        case = services.case_receive(by=org.clerk, fields=case_fields())[0]
    assert due(case, "dispatch") == date(2026, 11, 23)


def test_late_evening_utc_is_already_the_next_day_in_shanghai(org, settings):
    settings.TIME_ZONE = "UTC"
    # 2026-09-29 17:00 UTC is 2026-09-30 01:00 in Beijing: the start day is 09-30.
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 9, 29, 17, 0, tzinfo=ZoneInfo("UTC"))):
        case = services.case_receive(by=org.clerk, fields=case_fields())[0]
        services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
    assert due(case, "handling") == date(2026, 10, 20)
    assert case.number.startswith("20260930")


def test_consultation_gets_five_working_days(org):
    with at(2026, 11, 23, 9, 0):
        case = journeys.to_dispatched(org, kind="consultation")
    assert due(case, "handling") == date(2026, 11, 30)
    assert not case.clocks.filter(clock__startswith="statutory").exists()


def test_rule_change_applies_to_cases_received_after_it(org):
    TimeLimit.objects.create(clock="handling", case_kind="complaint", amount=7, unit="working_days",
                             effective_from=date(2026, 11, 24), basis="新规")
    with at(2026, 11, 23, 9, 0):
        before = journeys.to_dispatched(org)
    with at(2026, 11, 24, 9, 0):
        after = journeys.to_dispatched(org)
    assert before.clocks.get(clock="handling").limit_amount == 10
    assert after.clocks.get(clock="handling").limit_amount == 7


def test_count_into_a_year_without_schedule_waits_with_a_warning_until_the_center_enters_it(org, client):
    with at(2026, 12, 21, 9, 0):
        case = journeys.to_registered(org)
        services.case_accept_complaint(case=case, by=org.supervisor)  # mediation runs from acceptance (受理)
    mediation = case.clocks.get(clock="statutory_mediation")
    assert mediation.due_date is None and "2027" in mediation.pending_reason
    client.force_login(org.supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "2027年官方节假日安排尚未录入" in page

    schedule = HolidaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕1号")
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦", schedule=schedule)
    assert clocks_reschedule() == 1
    mediation.refresh_from_db()
    assert mediation.due_date is not None and mediation.pending_reason == ""
