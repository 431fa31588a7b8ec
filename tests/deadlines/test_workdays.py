"""The working-day calendar against the State Council's 2025 and 2026 notices. No database."""
from datetime import date

import pytest

from deadlines.workdays import CalendarYearMissing, WorkingCalendar

D = date


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def off(cal, first: date, last: date) -> bool:
    day = first
    while day <= last:
        if cal.is_workday(day):
            return False
        day = date.fromordinal(day.toordinal() + 1)
    return True


@pytest.mark.parametrize(
    ("holiday", "first", "last", "makeup"),
    [
        ("2025 春节", D(2025, 1, 28), D(2025, 2, 4), [D(2025, 1, 26), D(2025, 2, 8)]),
        ("2026 春节", D(2026, 2, 15), D(2026, 2, 23), [D(2026, 2, 14), D(2026, 2, 28)]),
        ("2025 劳动节", D(2025, 5, 1), D(2025, 5, 5), [D(2025, 4, 27)]),
        ("2026 劳动节", D(2026, 5, 1), D(2026, 5, 5), [D(2026, 5, 9)]),
        ("2025 国庆中秋", D(2025, 10, 1), D(2025, 10, 8), [D(2025, 9, 28), D(2025, 10, 11)]),
        ("2026 国庆", D(2026, 10, 1), D(2026, 10, 7), [D(2026, 9, 20), D(2026, 10, 10)]),
    ],
)
def test_official_holidays_and_makeup_days(cal, holiday, first, last, makeup):
    assert off(cal, first, last), f"{holiday} should be off"
    # The weekend make-up days are working days; the first day after the holiday is too.
    assert all(cal.is_workday(d) and d.weekday() >= 5 for d in makeup)
    assert cal.is_workday(date.fromordinal(last.toordinal() + 1))


def test_ordinary_weekend_is_rest_and_weekday_is_work(cal):
    assert not cal.is_workday(D(2026, 3, 7))  # Saturday
    assert cal.is_workday(D(2026, 3, 9))  # Monday


def test_working_days_skip_national_day_and_count_makeup_saturday(cal):
    # Oct 8 (Thu), 9, 10 (make-up Sat), 12..16, 19, 20: the 10th working day is Oct 20.
    assert cal.add_working_days(D(2026, 9, 30), 10) == D(2026, 10, 20)


def test_working_days_cross_spring_festival_2025(cal):
    # From Fri Jan 24: Jan 26 (make-up Sun) is day 1, Jan 27 day 2, then Feb 5.. after the holiday.
    assert cal.add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)
    assert cal.add_working_days(D(2025, 1, 24), 3) == D(2025, 2, 5)


def test_start_day_is_not_counted(cal):
    assert cal.add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 10)
    assert cal.add_days(D(2026, 3, 9), 2) == D(2026, 3, 11)


def test_calendar_days_ending_on_a_holiday_move_to_next_working_day(cal):
    # 2 days from Sep 29, 2026 ends on Oct 1, a holiday: the period ends on Oct 8.
    assert cal.add_days(D(2026, 9, 29), 2) == D(2026, 10, 8)


def test_calendar_days_ending_on_makeup_saturday_stay_there(cal):
    assert cal.add_days(D(2026, 2, 12), 2) == D(2026, 2, 14)


def test_calendar_days_ending_on_weekend_move_to_monday(cal):
    assert cal.add_days(D(2026, 3, 5), 2) == D(2026, 3, 9)


def test_same_working_day(cal):
    assert cal.same_working_day(D(2026, 3, 9)) == D(2026, 3, 9)
    assert cal.same_working_day(D(2026, 2, 16)) == D(2026, 2, 24)


def test_year_without_data_is_refused_not_guessed(cal):
    assert not cal.year_known(2027)
    with pytest.raises(CalendarYearMissing) as missing:
        cal.add_working_days(D(2026, 12, 25), 10)
    assert missing.value.year == 2027
    assert "2027年" in str(missing.value)
    with pytest.raises(CalendarYearMissing):
        cal.add_days(D(2026, 12, 20), 30)


def test_center_entered_2027_schedule_makes_2027_countable():
    # A schedule as the center would enter it from the 2027 notice (dates illustrative).
    days = {D(2027, 1, 1): False, D(2027, 2, 5): False, D(2027, 2, 8): False, D(2027, 2, 6): True}
    cal = WorkingCalendar(overrides=days, center_years=[2027])
    assert cal.year_known(2027) and cal.year_source(2027) == "center"
    # From Thu Dec 30, 2026: Dec 31 is day 1, Jan 1 is off, Mon Jan 4 is day 2.
    assert cal.add_working_days(D(2026, 12, 30), 2) == D(2027, 1, 4)
    assert cal.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 6)  # make-up Saturday
    holidays, makeup = cal.year_special_days(2027)
    assert (len(holidays), makeup) == (3, [D(2027, 2, 6)])


def test_center_correction_overrides_a_library_day():
    cal = WorkingCalendar(overrides={D(2026, 3, 10): False, D(2026, 3, 14): True})
    assert not cal.is_workday(D(2026, 3, 10))
    assert cal.is_workday(D(2026, 3, 14))
    assert cal.year_source(2026) == "library"
    # Mon Mar 9 + 1 working day skips the closed Tuesday.
    assert cal.add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 11)


def test_calendar_without_library_knows_only_center_years():
    cal = WorkingCalendar(use_library=False, center_years=[2027])
    with pytest.raises(CalendarYearMissing):
        cal.is_workday(D(2026, 3, 9))


def test_working_days_between_counts_after_the_start_up_to_the_end():
    calendar = WorkingCalendar()
    # 09-30 → 10-09: National Day week off, 10-08 and 10-09 are working days.
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 9)) == 2
    assert calendar.working_days_between(date(2026, 10, 9), date(2026, 9, 30)) == -2
    assert calendar.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    # the make-up Saturday 10-10 counts
    assert calendar.working_days_between(date(2026, 10, 9), date(2026, 10, 12)) == 2
