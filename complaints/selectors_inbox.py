"""Read queries behind the handling unit's task inbox (待办).

Deadline colours are the deadline layer's one rule (deadlines.selectors: yellow once a running
clock's `warn_at` has passed, red once it is past due), in Python for the rows and as a filter for
the tabs, so the inbox shows what the case page shows and never lags the sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from core.pagination import first_keys
from deadlines.models import CaseClock
from deadlines.selectors import NONE, clock_colour
from deadlines.workdays import CalendarYearMissing, WorkingCalendar, local_date
from routing.models import User

from .keyset import COUNT_CAP, KeysetPage, Order, keyset_page
from .models import Case, CaseAssignment
from .selectors import case_due_soon, case_overdue, case_search_filter, counting_clocks_of_case
from .selectors_inbox_counts import inbox_kept_counts

# Tab name → filter on the unit's open cases. Co-handling (协办) joins when routing adds it.
TABS = ("all", "sign", "contact", "handling", "due_soon", "overdue", "redo", "cohandling")


@dataclass(frozen=True)
class DeadlineWindow:
    """The moment the colours are judged at, shared by every row of a page."""

    now: datetime


def deadline_window(*, now: datetime, calendar: WorkingCalendar | None = None) -> DeadlineWindow:
    return DeadlineWindow(now=now)




def kept_deadlines() -> bool:
    """Whether the database keeps each case's nearest deadlines and the tab counts
    (complaints/inbox_tally_sql.py: PostgreSQL). Elsewhere (SQLite in development) both are live."""
    return connection.vendor == "postgresql"


def _deadline_filters(now: datetime, *, kept: bool) -> tuple[Q, Q]:
    """Due soon and overdue, on the case. Overdue: a counting clock is red (its nearest due time
    has passed). Due soon: a clock is yellow and none is red, so a case sits on one of the two tabs.
    `kept`: from the case's stored nearest times (indexed); otherwise from its clocks."""
    if kept:
        return Q(next_warn_at__lte=now, next_due_at__gt=now), Q(next_due_at__lte=now)
    overdue = case_overdue(now=now)
    return Q(case_due_soon(now=now)) & ~Q(overdue), Q(overdue)


def _tab_filters(window: DeadlineWindow, *, kept: bool | None = None) -> dict[str, Q]:
    due_soon, overdue = _deadline_filters(window.now, kept=kept_deadlines() if kept is None else kept)
    return {
        "all": Q(),
        "sign": Q(state=Case.State.DISPATCHED),
        "contact": Q(state=Case.State.HANDLING, contacted_at__isnull=True),
        "handling": Q(state=Case.State.HANDLING),
        # Yellow and red as deadlines.selectors colours a clock.
        "due_soon": due_soon,
        "overdue": overdue,
        "redo": Q(state=Case.State.HANDLING, redo_count__gt=0),
    }


def _unit_open_cases(*, user) -> QuerySet[Case]:
    if user.unit_id is None:
        return Case.objects.none()
    return Case.objects.filter(handling_unit_id=user.unit_id, state__in=Case.AT_UNIT_STATES)


# A search matching more cases than this anywhere is judged with the unit's filter: reading its
# keys would cost more than it saves (a common name's thousands of cases).
NARROWED_UP_TO = 200


def _search(qs: QuerySet[Case], search: str, *, user) -> QuerySet[Case]:
    """The inbox's cases that match the search. A search that matches few cases anywhere is
    narrowed to their keys first, found through the search's own indexes (core.pagination.first_keys):
    planned together with the unit's filter, the planner may take a unit's 50,000 open cases for a
    few hundred and judge every one of them (100 ms at 10 M cases, a phone number)."""
    search = search.strip()
    if not search:
        return qs
    found = case_search_filter(user=user, search=search)
    keys = first_keys(Case.objects.filter(found), NARROWED_UP_TO + 1)
    return qs.filter(pk__in=keys) if len(keys) <= NARROWED_UP_TO else qs.filter(found)


def _cohandled_open_cases(*, user) -> QuerySet[Case]:
    """Open cases another unit leads in which this unit is a co-handler (协办)."""
    if user.unit_id is None:
        return Case.objects.none()
    taking_part = CaseAssignment.objects.filter(
        case=OuterRef("pk"), unit_id=user.unit_id, role=CaseAssignment.Role.CO_HANDLER
    )
    return Case.objects.filter(Exists(taking_part), state__in=Case.AT_UNIT_STATES)


# Nearest running deadline first, cases without one last, the id breaking ties (complaints/keyset.py).
INBOX_ORDER = Order(field="inbox_due", nullable=True)


def inbox_case_list(*, user, tab: str, window: DeadlineWindow, search: str = "") -> QuerySet[Case]:
    """The unit's open cases on one tab, to be paged in INBOX_ORDER. On PostgreSQL the order is the
    stored nearest deadline, so a page is the next entries of the case_inbox_due index."""
    if tab == "cohandling":
        qs = _search(_cohandled_open_cases(user=user), search, user=user)
    else:
        qs = _search(_unit_open_cases(user=user), search, user=user).filter(_tab_filters(window).get(tab, Q()))
    if kept_deadlines():
        nearest = F("next_due_at")
    else:
        nearest = Subquery(counting_clocks_of_case().order_by("due_at").values("due_at")[:1])
    return (
        qs.select_related("handler", "category", "handling_unit")
        .annotate(inbox_due=nearest)
        .prefetch_related(
            Prefetch(
                "clocks",
                queryset=CaseClock.objects.filter(stopped_at__isnull=True).order_by("due_at"),
                to_attr="running_clocks",
            )
        )
    )


def inbox_page(*, user, tab: str, window: DeadlineWindow, search: str = "", cursor: str | None,
               size: int) -> KeysetPage:
    cases = inbox_case_list(user=user, tab=tab, window=window, search=search)
    return keyset_page(cases, order=INBOX_ORDER, cursor=cursor, size=size, keys_first=True)


def inbox_unit_staff(*, user) -> list:
    """The people a unit leader may hand a case to: active staff of the leader's unit."""
    return list(User.objects.filter(unit_id=user.unit_id, is_active=True).order_by("username"))


def inbox_tab_counts(*, user, window: DeadlineWindow, search: str = "") -> dict[str, int | str]:
    """How many cases each tab holds. Without a search on PostgreSQL: the kept counts
    (complaints/selectors_inbox_counts.py), a few rows whatever the number of open cases. With a
    search, or elsewhere: counted live, a search's counts capped at COUNT_CAP ("1,000+")."""
    if kept_deadlines() and not search.strip():
        return inbox_kept_counts(unit_id=user.unit_id, now=window.now) if user.unit_id else dict.fromkeys(TABS, 0)
    return inbox_live_counts(user=user, window=window, search=search)


def inbox_live_counts(*, user, window: DeadlineWindow, search: str = "") -> dict[str, int | str]:
    """The tab counts from the cases and their clocks themselves (what the kept counts must equal).
    A search's counts judge deadlines as its rows do (on PostgreSQL from the stored nearest times:
    up to COUNT_CAP cases, and three probes of their clocks each cost ~60 ms at the cap)."""
    qs = _search(_unit_open_cases(user=user), search, user=user)
    cohandled = _search(_cohandled_open_cases(user=user), search, user=user)
    kept = False
    if search.strip():
        # Counted over the first matches themselves (Django wraps a sliced queryset's aggregate
        # in a subquery): one pass, no second lookup of each case by its key.
        kept = kept_deadlines()
        # Without kept deadlines (SQLite) the tab filters are subqueries on the clocks, whose
        # reference to the case does not survive that wrapping: the first matches by key instead.
        qs = qs.order_by()[: COUNT_CAP + 1] if kept else \
            Case.objects.filter(pk__in=qs.order_by().values("pk")[: COUNT_CAP + 1])
        cohandled = Case.objects.filter(pk__in=cohandled.order_by().values("pk")[: COUNT_CAP + 1])
    counts = qs.aggregate(**{tab: Count("pk", filter=q) for tab, q in _tab_filters(window, kept=kept).items()})
    counts["cohandling"] = cohandled.count()
    return {tab: f"{COUNT_CAP:,}+" if n > COUNT_CAP else n for tab, n in counts.items()}


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
