"""Saving a year's holiday schedule read from the State Council's notice (see holiday_notice.py)."""
from __future__ import annotations

from datetime import date

from django.db import transaction

from .holiday_notice import NoticeDay
from .models import CalendarDay, HolidaySchedule


@transaction.atomic
def holiday_schedule_import(*, year: int, notice: str, published_on: date | None, days: list[NoticeDay],
                            text: str) -> HolidaySchedule:
    """Make `days` the year's official calendar, replacing what the center had entered for that year.

    The notice is the complete schedule of its year, so the year's earlier rows (an earlier import,
    or single corrections) give way to it rather than mixing with it. The caller recounts the
    running clocks after commit (the admin does, as for any calendar change)."""
    if any(day.date.year != year for day in days):
        raise ValueError("every day of a schedule lies in its year")
    schedule, _ = HolidaySchedule.objects.select_for_update().update_or_create(
        year=year, defaults={"notice": notice, "published_on": published_on, "notice_text": text})
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day.date, is_workday=day.is_workday, schedule=schedule,
                    name=(f"{day.name}调休上班" if day.is_workday else day.name)[:50])
        for day in days
    )
    return schedule
