"""The deadline layer's tables: the calendar the center corrects, the time-limit policy with the
warning lead, and the clock rows of each case. The tables kept the names they had in supervision
and complaints when the models moved here (deadlines/migrations/0001), so no row was copied."""
from .calendar import CalendarDay, HolidaySchedule
from .clock import CaseClock
from .limits import Clock, DeadlineSettings, LimitUnit, TimeLimit

__all__ = ["CalendarDay", "CaseClock", "Clock", "DeadlineSettings", "HolidaySchedule", "LimitUnit", "TimeLimit"]
