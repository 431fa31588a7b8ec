"""The weekly notice of the running week from kept figures (issue 17): the figures and the case list
of reports/selectors_notice.py, read at a cost that grows with the week's late and extended
deadlines, not with every case overdue at the moment.

The running week is taken as of now, so a case is overdue in it when (a) it is red now: a running,
unpaused deadline of it has passed, i.e. its nearest deadline (complaints.Case.next_due_at, kept by
the database) is past; or (b) it met one of its unit's deadlines late during the week. The red
cases are counted from the open-case tallies, as the dashboard's overdue figure
(complaints.OpenCaseTally, with a live count of the current hour). The only cases read one by one
are the "marked" ones: those late in the week and those whose overdue deadline was extended (both
few); every other red case is of the status "open" and is listed in the order of its nearest
deadline, the case_next_due_at index.
tests/reports/test_weekly_notice_kept.py holds both equal to the live count.

SQLite keeps no nearest deadlines: there, and for a week already ended, the notice is counted live."""
from __future__ import annotations

from datetime import datetime

from django.db.models import Case as Conditional
from django.db.models import Count, F, IntegerField, Max, Min, Q, QuerySet, Sum, Value, When

from complaints.keyset import KeysetPage, decode_cursor, encode_cursor
from complaints.models import Case, OpenCaseTally
from complaints.selectors_inbox import kept_deadlines
from complaints.selectors_inbox_counts import inbox_hour
from deadlines.models import CaseClock
from routing.models import Unit

from .metrics import UNIT_CLOCKS
from .scopes import scope_filter
from .selectors import Period

EXTENDED, OPEN, LATE = "extended", "open", "late"


def kept_notice_applies(*, period: Period, now: datetime) -> bool:
    return kept_deadlines() and now < period.end_at


def _late_in_week(period: Period, now: datetime) -> Q:
    """A unit deadline met late during the week so far (selectors_notice._overdue_clocks' third range)."""
    return Q(clock__in=UNIT_CLOCKS, stopped_at__gte=period.start_at, stopped_at__lt=now, stopped_at__gt=F("due_at"))


def _extended_red(now: datetime) -> Q:
    """A running deadline, extended by approval, that has passed all the same (clock_extended_red_idx)."""
    return Q(extended_days__gt=0, stopped_at__isnull=True, paused_at__isnull=True, due_at__lte=now)


def any_row(condition: Q) -> Max:
    """1 when a row of the group meets `condition`, else 0 (a flag of rows grouped per case)."""
    return Max(Conditional(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def _marked(*, scope: Unit, period: Period, now: datetime) -> QuerySet[CaseClock]:
    """The marked cases, one row each: unit, red now, extended, and the first overdue deadline."""
    return (CaseClock.objects.filter(_late_in_week(period, now) | _extended_red(now))
            .filter(scope_filter(scope, prefix="case__"))
            .values("case_id", unit=F("case__handling_unit_id"))
            .annotate(red=any_row(Q(case__next_due_at__lte=now)), extended=any_row(Q(extended_days__gt=0)),
                      late_due=Min("due_at", filter=_late_in_week(period, now)),
                      next_due=Min("case__next_due_at", filter=Q(case__next_due_at__lte=now)))
            .order_by())


def _status(row: dict) -> str:
    return EXTENDED if row["extended"] else OPEN if row["red"] else LATE


def _marked_rows(*, scope: Unit, period: Period, now: datetime) -> list[dict]:
    rows = list(_marked(scope=scope, period=period, now=now))
    for row in rows:
        # Its first overdue deadline: a late one of the week, or the nearest running one if red.
        row["first_due"] = min(d for d in (row["late_due"], row["next_due"]) if d is not None)
        row["status"] = _status(row)
    return rows


def _red_cases(scope: Unit, now: datetime) -> QuerySet[Case]:
    return Case.objects.filter(scope_filter(scope), next_due_at__lte=now)


def _red_by_unit(*, scope: Unit, now: datetime) -> dict[int, int]:
    """The cases red now per handling unit: the tallies of the hours before the current one (every
    state: complaints_open_memberships), and the current hour's counted live."""
    hour = inbox_hour(now)
    tallies = OpenCaseTally.objects.filter(tab="due", bucket__lt=hour).exclude(unit_id=0)  # 0: no unit
    if scope.kind != Unit.Kind.CENTER:
        tallies = tallies.filter(unit_id__in=Unit.objects.filter(path__startswith=scope.path).values("pk"))
    live = _red_cases(scope, now).filter(next_due_at__gte=hour)
    rows = [*tallies.values("unit_id").annotate(n=Sum("count")).order_by(),
            *live.values(unit_id=F("handling_unit_id")).annotate(n=Count("pk")).order_by()]
    red: dict[int, int] = {}
    for row in rows:
        red[row["unit_id"]] = red.get(row["unit_id"], 0) + row["n"]
    return {unit: n for unit, n in red.items() if n}


def kept_overdue_by_unit(*, scope: Unit, period: Period, now: datetime) -> dict[int, dict]:
    """Per handling unit, the overdue cases of the week so far and how many are open, late and
    extended (selectors_notice.notice_figures' counts): each case counted once."""
    figures: dict[int, dict] = {}

    def unit(unit_id: int) -> dict:
        return figures.setdefault(unit_id, {"overdue": 0, OPEN: 0, LATE: 0, EXTENDED: 0})

    for unit_id, n in _red_by_unit(scope=scope, now=now).items():
        unit(unit_id).update(overdue=n, **{OPEN: n})
    for row in _marked_rows(scope=scope, period=period, now=now):
        into = unit(row["unit"])
        if not row["red"]:
            into["overdue"] += 1  # the red ones are counted already
        if row["status"] != OPEN:
            into[row["status"]] += 1
            if row["red"]:
                into[OPEN] -= 1
    return figures


def kept_cases_page(*, scope: Unit, period: Period, now: datetime, unit_id: int | None, status: str,
                    cursor: str | None, size: int) -> KeysetPage:
    """The ids (as rows with case_id) of one page of the week's overdue cases, oldest first overdue
    deadline first, then by case: the marked cases sorted here, merged with the other red cases read
    in the order of their nearest deadline (at most size + 1 of them)."""
    position = decode_cursor(cursor) if cursor else None

    def after(first_due, case_id) -> bool:
        return position is None or (first_due, case_id) > position

    marked = [row for row in _marked_rows(scope=scope, period=period, now=now)
              if (unit_id is None or row["unit"] == unit_id) and (not status or row["status"] == status)
              and after(row["first_due"], row["case_id"])]
    rows = [{"case_id": row["case_id"], "first_due": row["first_due"]} for row in marked]
    if status in ("", OPEN):
        red = _red_cases(scope, now).exclude(pk__in=CaseClock.objects.filter(
            _late_in_week(period, now) | _extended_red(now)).values("case_id"))
        if unit_id is not None:
            red = red.filter(handling_unit_id=unit_id)
        if position is not None:
            red = red.filter(Q(next_due_at__gt=position[0]) | Q(next_due_at=position[0], pk__gt=position[1]))
        rows += red.order_by("next_due_at", "pk").values(case_id=F("pk"), first_due=F("next_due_at"))[: size + 1]
    rows.sort(key=lambda row: (row["first_due"], row["case_id"]))
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = encode_cursor([rows[-1]["first_due"], rows[-1]["case_id"]]) if more else None
    return KeysetPage(object_list=rows, next_cursor=next_cursor, is_first=position is None)
