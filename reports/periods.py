"""Report periods: ISO weeks (Monday to Sunday) and calendar months, in Beijing dates, named the way
the week and month pickers of the browser name them ("2026-W20", "2026-05")."""
from __future__ import annotations

from datetime import date, timedelta

from .selectors import Period


def week_of(day: date) -> Period:
    start = day - timedelta(days=day.weekday())
    return Period(start=start, end=start + timedelta(days=6))


def week_name(period: Period) -> str:
    year, week, _ = period.start.isocalendar()
    return f"{year}-W{week:02d}"


def week_parse(text: str) -> Period | None:
    try:
        year, week = text.split("-W")
        return week_of(date.fromisocalendar(int(year), int(week), 1))
    except (ValueError, AttributeError):
        return None


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period(start=start, end=following - timedelta(days=1))


def month_name(period: Period) -> str:
    return f"{period.start:%Y-%m}"


def month_parse(text: str) -> Period | None:
    try:
        year, month = (int(part) for part in text.split("-"))
        return month_of(date(year, month, 1))
    except (ValueError, TypeError, AttributeError):
        return None


def previous_week(period: Period) -> Period:
    return week_of(period.start - timedelta(days=7))


def previous_month(period: Period) -> Period:
    return month_of(period.start - timedelta(days=1))
