"""The warning the center gets when next year's official holiday schedule has not been entered."""
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import RequestFactory, override_settings

from deadlines.models import HolidaySchedule
from deadlines.workdays import WorkingCalendar, calendar_coverage_warning, local_today
from routing.models import Unit, User
from supervision.context_processors import calendar_warning
from supervision.tasks import calendar_coverage_check

pytestmark = pytest.mark.django_db


def test_warning_names_the_missing_year_ahead():
    cal = WorkingCalendar()
    assert calendar_coverage_warning(ahead_days=60, today=date(2026, 6, 1), calendar=cal) is None
    message = calendar_coverage_warning(ahead_days=60, today=date(2026, 11, 15), calendar=cal)
    assert "2027年" in message and "节假日安排" in message


def test_center_schedule_silences_the_warning():
    HolidaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕x号")
    assert calendar_coverage_warning(ahead_days=60, today=date(2026, 11, 15)) is None


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@override_settings(CALENDAR_WARNING_DAYS=3650)  # ten years ahead: certainly beyond the data
def test_banner_for_those_who_can_enter_the_calendar_only():
    # The banner asks for the schedule to be entered in the admin: shown to whoever can do that,
    # not to a clerk or a station (they see the affected clocks marked instead), nor to the public.
    admin = User.objects.create_superuser("admin", password="x")
    assert "节假日安排" in calendar_warning(_request(admin))["calendar_warning"]
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    assert calendar_warning(_request(clerk))["calendar_warning"] is None
    assert calendar_warning(_request(AnonymousUser()))["calendar_warning"] is None


@override_settings(CALENDAR_WARNING_DAYS=3650)
def test_banner_costs_at_most_one_query_per_page(django_assert_max_num_queries):
    staff = User.objects.create_superuser("admin", password="x")
    calendar_warning(_request(staff))
    with django_assert_max_num_queries(1):
        assert calendar_warning(_request(staff))["calendar_warning"]


@override_settings(CALENDAR_WARNING_DAYS=0)
def test_no_banner_when_covered():
    HolidaySchedule.objects.get_or_create(year=local_today().year, defaults={"notice": "x"})
    staff = User.objects.create_user("clerk", password="x")
    assert calendar_warning(_request(staff))["calendar_warning"] is None


@override_settings(CALENDAR_WARNING_DAYS=3650)
def test_task_mails_center_supervisors_and_director_only():
    center = Unit.objects.create(code="C", name="市12315指挥中心", kind=Unit.Kind.CENTER)
    station = Unit.objects.create(code="S", name="城东所", kind=Unit.Kind.STATION, parent=center)
    User.objects.create_user("sup", email="sup@example.cn", unit=center, role="supervisor")
    User.objects.create_user("dir", email="dir@example.cn", unit=center, role="director")
    User.objects.create_user("noemail", email="", unit=center, role="director")
    User.objects.create_user("clerk", email="clerk@example.cn", unit=center, role="clerk")
    User.objects.create_user("lead", email="lead@example.cn", unit=station, role="supervisor")

    message = calendar_coverage_check()

    assert message and "节假日安排" in message
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["dir@example.cn", "sup@example.cn"]


@override_settings(CALENDAR_WARNING_DAYS=0)
def test_task_is_silent_when_covered():
    for year in {local_today().year, (local_today() + timedelta(days=1)).year}:
        HolidaySchedule.objects.get_or_create(year=year, defaults={"notice": "x"})
    assert calendar_coverage_check() is None
    assert mail.outbox == []
