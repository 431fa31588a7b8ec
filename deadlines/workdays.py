"""China's official working-day calendar and period arithmetic (Civil Code rules).

`WorkingCalendar` is pure Python: it is built once from the chinese_calendar library plus the
center's own rows, and then answers every question in memory. `load_calendar()` is the only
function here that touches the database, and it does so through one cheap query per call.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils.translation import gettext

from core.cache import TimedCopy

# Deadlines are always Beijing time, whatever TIME_ZONE the server runs with.
SHANGHAI = ZoneInfo("Asia/Shanghai")

SOURCE_LIBRARY = "library"
SOURCE_CENTER = "center"


class CalendarError(Exception):
    """The working-day calendar cannot answer; the center has to enter data."""


class CalendarYearMissing(CalendarError):
    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年官方节假日安排尚未录入，无法计算工作日时限；请中心在管理后台录入国务院办公厅当年的节假日安排。"
            f" (The official holiday schedule for {year} has not been entered; working-day deadlines"
            f" reaching into {year} cannot be computed.)"
        )


def _library_data() -> tuple[set[date], set[date], set[int]]:
    """Holidays, make-up working days and the years the bundled library covers."""
    holidays = set(chinese_calendar.holidays)
    makeup = set(chinese_calendar.workdays)
    # Every covered year has at least New Year's Day, so the holiday dates name the years.
    return holidays, makeup, {d.year for d in holidays}


class WorkingCalendar:
    """Which dates are working days, for the years whose official schedule is known.

    `overrides` (date -> is_workday) are the center's CalendarDay rows and win over the library;
    `center_years` are years for which the center entered the State Council notice.
    """

    def __init__(
        self,
        *,
        overrides: Mapping[date, bool] | None = None,
        center_years: Iterable[int] = (),
        use_library: bool = True,
    ):
        holidays, makeup, library_years = _library_data() if use_library else (set(), set(), set())
        self._holidays = holidays
        self._makeup = makeup
        self._overrides = dict(overrides or {})
        self._sources: dict[int, str] = {y: SOURCE_LIBRARY for y in library_years}
        self._sources.update({y: SOURCE_CENTER for y in center_years})

    # --- what is known ---------------------------------------------------------------------
    def year_known(self, year: int) -> bool:
        return year in self._sources

    def year_source(self, year: int) -> str | None:
        """SOURCE_CENTER if the center entered the notice (even over the library), SOURCE_LIBRARY, or None."""
        return self._sources.get(year)

    def year_special_days(self, year: int) -> tuple[list[date], list[date]]:
        """(holidays, make-up working days) of a year, as the notice lists them."""
        self._require(year)
        day, holidays, makeup = date(year, 1, 1), [], []
        while day.year == year:
            working = self.is_workday(day)
            if not working and (day in self._holidays or self._overrides.get(day) is False):
                holidays.append(day)
            elif working and day.weekday() >= 5:
                makeup.append(day)
            day += timedelta(days=1)
        return holidays, makeup

    def _require(self, year: int) -> None:
        # Never fall back to "weekends only": a missed holiday week would cut a deadline short.
        if year not in self._sources:
            raise CalendarYearMissing(year)

    # --- single days -----------------------------------------------------------------------
    def is_workday(self, day: date) -> bool:
        self._require(day.year)
        if day in self._overrides:
            return self._overrides[day]
        if day in self._makeup:
            return True
        if day in self._holidays:
            return False
        return day.weekday() < 5

    def same_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, otherwise the next working day."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    # --- periods (Civil Code arts. 200-203: the start day is not counted) -------------------
    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day

    def add_days(self, start: date, n: int) -> date:
        """Last day of a period of n calendar days; moved to the next working day if it is a rest day."""
        if n < 0:
            raise ValueError("n must not be negative")
        return self.same_working_day(start + timedelta(days=n))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is earlier.

        0 means the same day (or only rest days between); an inbox's "due in N working days"."""
        first, last, sign = (start, end, 1) if end >= start else (end, start, -1)
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return sign * count

    def missing_years(self, first: date, last: date) -> list[int]:
        return [y for y in range(first.year, last.year + 1) if not self.year_known(y)]


# --- time zone helpers -------------------------------------------------------------------------
def local_date(moment: datetime) -> date:
    """The Beijing date of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: deadlines need an aware datetime")
    return moment.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """24:00 of `day` in Beijing time, i.e. 00:00 of the next day (a period ends at 24:00)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=SHANGHAI)


def local_today() -> date:
    return datetime.now(tz=SHANGHAI).date()


# --- the process-wide calendar built from the database ----------------------------------------
_cache_lock = threading.Lock()
_cache: tuple[tuple, WorkingCalendar] | None = None


def _fingerprint() -> tuple:
    """Row count and last change of both tables, in one query.

    Cross-process (web and worker processes all see an admin edit) without a shared cache.
    Counts catch deletions, updated_at catches edits and additions.
    """
    from django.db import connection

    from deadlines.models import CalendarDay, HolidaySchedule

    q = connection.ops.quote_name
    parts = []
    for model in (CalendarDay, HolidaySchedule):
        table = q(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({q('updated_at')}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def _stamp_load() -> tuple:
    return _fingerprint()


_stamp = TimedCopy(_stamp_load)


def load_calendar() -> WorkingCalendar:
    """The calendar with the center's rows applied; rebuilt only when those rows changed."""
    global _cache
    from deadlines.models import CalendarDay, HolidaySchedule

    # Stamp first, rows second: a change landing in between only causes one extra rebuild later.
    # The stamp itself is re-read at most every few seconds (see core/cache.py).
    stamp = _stamp.get()
    cached = _cache
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _cache_lock:
        calendar = WorkingCalendar(
            overrides=dict(CalendarDay.objects.values_list("date", "is_workday")),
            center_years=HolidaySchedule.objects.values_list("year", flat=True),
        )
        _cache = (stamp, calendar)
    return calendar


def calendar_coverage_warning(
    *, ahead_days: int, today: date | None = None, calendar: WorkingCalendar | None = None
) -> str | None:
    """A message for the center when this year or the year `ahead_days` from now has no schedule."""
    today = today or local_today()
    calendar = calendar or load_calendar()
    missing = calendar.missing_years(today, today + timedelta(days=ahead_days))
    if not missing:
        return None
    years = gettext("、").join(gettext("%(year)s年") % {"year": y} for y in missing)
    return gettext(
        "%(years)s的国务院办公厅节假日安排尚未录入，涉及该年的工作日时限将无法计算。"
        "请在管理后台“时限与工作日 › 节假日安排”中录入当年的放假与调休上班日期。"
    ) % {"years": years}
