"""Report periods: ISO weeks (Monday to Sunday) and calendar months, in Beijing dates, named the way
the week and month pickers of the browser name them ("2026-W20", "2026-05")."""
from __future__ import annotations

from datetime import date, timedelta

from complaints.inputs import typed_date_ok

from .selectors import Period


def week_of(day: date) -> Period:
    start = day - timedelta(days=day.weekday())
    return Period(start=start, end=start + timedelta(days=6))


def week_name(period: Period) -> str:
    year, week, _ = period.start.isocalendar()
    return f"{year}-W{week:02d}"


def week_parse(text: str) -> Period | None:
    """The week named, or None: unreadable, or outside the report range (typed_date_ok)."""
    try:
        year, week = text.split("-W")
        period = week_of(date.fromisocalendar(int(year), int(week), 1))
    except (ValueError, AttributeError, OverflowError):  # 9999-W52 ends in the year 10000
        return None
    return period if typed_date_ok(period.start) and typed_date_ok(period.end) else None


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period(start=start, end=following - timedelta(days=1))


def month_name(period: Period) -> str:
    return f"{period.start:%Y-%m}"


def month_parse(text: str) -> Period | None:
    """The month named, or None: unreadable, or outside the report range (typed_date_ok)."""
    try:
        year, month = (int(part) for part in text.split("-"))
        period = month_of(date(year, month, 1))
    except (ValueError, TypeError, AttributeError, OverflowError):
        return None
    return period if typed_date_ok(period.start) and typed_date_ok(period.end) else None


def previous_week(period: Period) -> Period:
    return week_of(period.start - timedelta(days=7))


def previous_month(period: Period) -> Period:
    return month_of(period.start - timedelta(days=1))
