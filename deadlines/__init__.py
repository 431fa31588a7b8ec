"""Deadlines: the layer below the case workflow that knows how long things may take.

It holds the official working-day calendar (`workdays.py`, with the center's HolidaySchedule and
CalendarDay rows), the time-limit policy and the warning lead (`policy.py`, TimeLimit and
DeadlineSettings), the clock rows of a case (CaseClock) and what starts, stops, extends, pauses,
resumes and recounts them (`services.py`), and the one rule that colours a clock (`selectors.py`,
used by every page, the inbox, the API and the template filter in `templatetags/`).

It imports only `core`, Django and libraries: a clock points at its case by the string reference
"complaints.Case", and the case workflow (complaints) and supervision call down into it.
"""
