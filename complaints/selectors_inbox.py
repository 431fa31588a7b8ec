"""Read queries behind the handling unit's task inbox (待办).

Deadline colours are the deadline layer's one rule (deadlines.selectors: yellow once a running
clock's `warn_at` has passed, red once it is past due), in Python for the rows and as a filter for
the tabs, so the inbox shows what the case page shows and never lags the sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from deadlines.models import CaseClock
from deadlines.selectors import NONE, clock_colour
from deadlines.workdays import CalendarYearMissing, WorkingCalendar, local_date
from routing.models import User

from .models import Case, CaseAssignment
from .selectors import case_due_soon, case_overdue, case_search_filter, counting_clocks_of_case

# Tab name → filter on the unit's open cases. Co-handling (协办) joins when routing adds it.
TABS = ("all", "sign", "contact", "handling", "due_soon", "overdue", "redo", "cohandling")


@dataclass(frozen=True)
class DeadlineWindow:
    """The moment the colours are judged at, shared by every row of a page."""

    now: datetime


def deadline_window(*, now: datetime, calendar: WorkingCalendar | None = None) -> DeadlineWindow:
    return DeadlineWindow(now=now)




def _tab_filters(window: DeadlineWindow) -> dict[str, Q]:
    return {
        "all": Q(),
        "sign": Q(state=Case.State.DISPATCHED),
        "contact": Q(state=Case.State.HANDLING, contacted_at__isnull=True),
        "handling": Q(state=Case.State.HANDLING),
        # Yellow and red as deadlines.selectors colours a clock.
        "due_soon": Q(case_due_soon(now=window.now)),
        "overdue": Q(case_overdue(now=window.now)),
        "redo": Q(state=Case.State.HANDLING, redo_count__gt=0),
    }


def _unit_open_cases(*, user) -> QuerySet[Case]:
    if user.unit_id is None:
        return Case.objects.none()
    return Case.objects.filter(handling_unit_id=user.unit_id, state__in=Case.AT_UNIT_STATES)


def _search(qs: QuerySet[Case], search: str, *, user) -> QuerySet[Case]:
    search = search.strip()
    if not search:
        return qs
    return qs.filter(case_search_filter(user=user, search=search))


def _cohandled_open_cases(*, user) -> QuerySet[Case]:
    """Open cases another unit leads in which this unit is a co-handler (协办)."""
    if user.unit_id is None:
        return Case.objects.none()
    taking_part = CaseAssignment.objects.filter(
        case=OuterRef("pk"), unit_id=user.unit_id, role=CaseAssignment.Role.CO_HANDLER
    )
    return Case.objects.filter(Exists(taking_part), state__in=Case.AT_UNIT_STATES)


def inbox_case_list(*, user, tab: str, window: DeadlineWindow, search: str = "") -> QuerySet[Case]:
    """The unit's open cases on one tab, nearest running deadline first (cases without one last)."""
    if tab == "cohandling":
        qs = _search(_cohandled_open_cases(user=user), search, user=user)
    else:
        qs = _search(_unit_open_cases(user=user), search, user=user).filter(_tab_filters(window).get(tab, Q()))
    return (
        qs.select_related("handler", "category", "handling_unit")
        .annotate(next_due=Subquery(counting_clocks_of_case().order_by("due_at").values("due_at")[:1]))
        .prefetch_related(
            Prefetch(
                "clocks",
                queryset=CaseClock.objects.filter(stopped_at__isnull=True).order_by("due_at"),
                to_attr="running_clocks",
            )
        )
        .order_by(F("next_due").asc(nulls_last=True), "pk")
    )


def inbox_unit_staff(*, user) -> list:
    """The people a unit leader may hand a case to: active staff of the leader's unit."""
    return list(User.objects.filter(unit_id=user.unit_id, is_active=True).order_by("username"))


def inbox_tab_counts(*, user, window: DeadlineWindow, search: str = "") -> dict[str, int]:
    """How many cases each tab holds, in one aggregate query."""
    qs = _search(_unit_open_cases(user=user), search, user=user)
    counts = qs.aggregate(**{tab: Count("pk", filter=q) for tab, q in _tab_filters(window).items()})
    counts["cohandling"] = _search(_cohandled_open_cases(user=user), search, user=user).count()
    return counts


@dataclass
class InboxDeadline:
    clock: CaseClock | None
    colour: str  # "none", "yellow" or "red" (deadlines.selectors.clock_colour)
    working_days_left: int | None  # negative when overdue; None when unknown

    @property
    def overdue_days(self) -> int | None:
        return -self.working_days_left if self.working_days_left is not None else None


def working_days_left(calendar: WorkingCalendar, today: date, due: date) -> int | None:
    """Working days from today to the due date (0: due today; negative: working days overdue)."""
    try:
        return calendar.working_days_between(today, due)
    except CalendarYearMissing:
        return None


def inbox_deadline(*, case: Case, window: DeadlineWindow, calendar: WorkingCalendar) -> InboxDeadline:
    """The nearest running deadline of a case (from its prefetched clocks) with its colour."""
    running = getattr(case, "running_clocks", [])
    clocks = [c for c in running if c.due_at is not None]
    if not clocks:
        # A clock waiting for next year's holiday schedule still shows, as "due date pending".
        return InboxDeadline(clock=running[0] if running else None, colour=NONE, working_days_left=None)
    clock = min(clocks, key=lambda c: c.due_at)
    colour = clock_colour(clock, now=window.now)
    left = working_days_left(calendar, local_date(window.now), clock.due_date) if clock.due_date else None
    return InboxDeadline(clock=clock, colour=colour, working_days_left=left)
