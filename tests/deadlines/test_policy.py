"""The time-limit policy lookup and deadline computation (DB: the seeded policy table)."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory
import pytest
from django.test import override_settings

from deadlines.models import CalendarDay, Clock, HolidaySchedule, LimitUnit, TimeLimit
from deadlines.policy import deadline_compute, time_limit_for
from deadlines.workdays import CalendarYearMissing, WorkingCalendar

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


class TimeLimitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeLimit

    clock = Clock.HANDLING
    amount = 3
    unit = LimitUnit.WORKING_DAYS
    effective_from = date(2000, 1, 1)
    basis = "测试规则"


def at(y, m, d, h=10, minute=0, tz=SH) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=tz)


def compute(clock, kind="complaint", grade="general", start=None, received_on=None, **kw):
    start = start or at(2026, 3, 9)
    return deadline_compute(
        clock=clock, case_kind=kind, grade=grade, received_on=received_on or start.date(), start_at=start,
        **kw,
    )


# --- policy lookup ---------------------------------------------------------------------------
def test_statutory_rule_follows_receipt_date_order_20_then_order_121():
    before = time_limit_for(clock=Clock.STATUTORY_ACCEPT, case_kind="complaint", grade="general",
                            received_on=date(2026, 4, 14))
    after = time_limit_for(clock=Clock.STATUTORY_ACCEPT, case_kind="complaint", grade="general",
                           received_on=date(2026, 4, 15))
    assert "第20号" in before.basis and before.effective_from == date(2020, 1, 1)
    assert "第121号" in after.basis and after.effective_from == date(2026, 4, 15)
    assert (after.amount, after.unit) == (7, LimitUnit.WORKING_DAYS)


def test_seeded_handling_limits_by_kind():
    def limit(kind):
        row = time_limit_for(clock=Clock.HANDLING, case_kind=kind, grade="general",
                             received_on=date(2026, 3, 9))
        return row.amount, row.unit

    assert limit("complaint") == limit("report") == (10, LimitUnit.WORKING_DAYS)
    for kind in ("consultation", "suggestion", "praise", "mayor_mailbox", "weibo"):
        assert limit(kind) == (5, LimitUnit.WORKING_DAYS)


def test_most_specific_row_wins_over_a_newer_general_one():
    TimeLimitFactory(case_kind="", grade="urgent", amount=2, effective_from=date(2026, 1, 1))
    TimeLimitFactory(case_kind="complaint", grade="urgent", amount=1, effective_from=date(2020, 1, 1))
    urgent = time_limit_for(clock=Clock.HANDLING, case_kind="complaint", grade="urgent",
                            received_on=date(2026, 3, 9))
    assert urgent.amount == 1  # kind+grade beats grade, although the grade row is newer
    # An urgent consultation matches its kind row and the urgent-grade row: kind is more specific.
    consult = time_limit_for(clock=Clock.HANDLING, case_kind="consultation", grade="urgent",
                             received_on=date(2026, 3, 9))
    assert consult.amount == 5


def test_inactive_and_future_rows_do_not_apply():
    TimeLimitFactory(case_kind="complaint", amount=20, effective_from=date(2027, 1, 1))
    TimeLimitFactory(case_kind="complaint", amount=30, effective_from=date(2026, 1, 1), is_active=False)
    row = time_limit_for(clock=Clock.HANDLING, case_kind="complaint", grade="", received_on=date(2026, 3, 9))
    assert row.amount == 10


def test_no_rule_means_no_deadline():
    assert compute(Clock.STATUTORY_MEDIATION, kind="consultation") is None


# --- deadline computation, one unit each -------------------------------------------------------
def test_working_days_complaint_handling_over_national_day():
    due = compute(Clock.HANDLING, start=at(2026, 9, 30, 15))
    assert due.due_date == date(2026, 10, 20)
    assert due.due_at == datetime(2026, 10, 21, 0, 0, tzinfo=SH)  # 24:00 of the last day
    assert (due.amount, due.unit, due.basis) == (10, "working_days", "12315工作规范")


def test_calendar_days_contact_ending_on_holiday_moves_on():
    due = compute(Clock.CONTACT, start=at(2026, 9, 29))
    assert due.due_date == date(2026, 10, 8)


def test_dispatch_same_working_day_and_next_working_day_on_holiday():
    assert compute(Clock.DISPATCH, start=at(2026, 3, 9, 16)).due_at == datetime(2026, 3, 10, tzinfo=SH)
    assert compute(Clock.DISPATCH, start=at(2026, 10, 3)).due_date == date(2026, 10, 8)


def test_per_case_hours_are_exact_even_over_a_holiday():
    start = at(2026, 10, 1, 9, 30)
    due = compute(Clock.HANDLING, grade="urgent", start=start, amount=48, unit=LimitUnit.HOURS)
    assert due.due_at == start + timedelta(hours=48)
    assert due.due_date == date(2026, 10, 3)
    assert (due.amount, due.unit, due.basis) == (48, "hours", "中心按件设定")


def test_per_case_working_days_override_policy():
    due = compute(Clock.HANDLING, grade="urgent", amount=3, unit=LimitUnit.WORKING_DAYS)
    assert due.due_date == date(2026, 3, 12)


def test_statutory_mediation_45_working_days():
    # From Wed May 6, 2026: counts make-up Sat May 9, skips Dragon Boat Fri Jun 19 -> Wed Jul 8.
    due = compute(Clock.STATUTORY_MEDIATION, start=at(2026, 5, 6), received_on=date(2026, 5, 6))
    assert (due.amount, due.due_date) == (45, date(2026, 7, 8))
    assert "第121号" in due.basis


@override_settings(TIME_ZONE="UTC")
def test_beijing_date_and_midnight_whatever_the_server_zone():
    # 17:30 UTC on Mon Mar 9 is already Tue Mar 10 in Beijing: counting starts from Tuesday.
    due = compute(Clock.HANDLING, kind="consultation", start=at(2026, 3, 9, 17, 30, tz=UTC))
    assert due.due_date == date(2026, 3, 17)
    assert due.due_at == datetime(2026, 3, 18, tzinfo=SH) == datetime(2026, 3, 17, 16, tzinfo=UTC)


def test_counting_into_unknown_year_is_refused():
    with pytest.raises(CalendarYearMissing):
        compute(Clock.HANDLING, start=at(2026, 12, 25), received_on=date(2026, 12, 25))


def test_naive_start_is_refused():
    with pytest.raises(ValueError):
        compute(Clock.HANDLING, start=datetime(2026, 3, 9, 10))  # noqa: DTZ001


# --- the center's rows take effect ------------------------------------------------------------
def test_center_entered_2027_schedule_is_used_at_once():
    with pytest.raises(CalendarYearMissing):
        compute(Clock.HANDLING, start=at(2026, 12, 30))
    schedule = HolidaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕x号")
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦", schedule=schedule)
    due = compute(Clock.HANDLING, start=at(2026, 12, 30))
    # Dec 31 is day 1, Jan 1 off, then Jan 4.. : the 10th working day is Jan 14.
    assert due.due_date == date(2027, 1, 14)


def test_correction_to_a_library_day_is_used_at_once():
    assert compute(Clock.HANDLING, kind="consultation").due_date == date(2026, 3, 16)
    day = CalendarDay.objects.create(date=date(2026, 3, 10), is_workday=False, name="临时停工")
    assert compute(Clock.HANDLING, kind="consultation").due_date == date(2026, 3, 17)
    day.is_workday = True
    day.save()
    assert compute(Clock.HANDLING, kind="consultation").due_date == date(2026, 3, 16)
    day.delete()
    CalendarDay.objects.create(date=date(2026, 3, 11), is_workday=False)
    assert compute(Clock.HANDLING, kind="consultation").due_date == date(2026, 3, 17)


def test_explicit_calendar_is_used_without_database_rows():
    cal = WorkingCalendar(overrides={date(2026, 3, 10): False})
    due = compute(Clock.HANDLING, kind="consultation", amount=1, unit=LimitUnit.WORKING_DAYS, calendar=cal)
    assert due.due_date == date(2026, 3, 11)


def test_a_deadline_costs_two_cheap_queries_not_one_per_day(django_assert_num_queries):
    compute(Clock.STATUTORY_MEDIATION)  # warm the calendar cache
    with django_assert_num_queries(2):  # the policy row + the calendar's change check
        due = compute(Clock.STATUTORY_MEDIATION, start=at(2026, 5, 6))
    assert due.amount == 45
