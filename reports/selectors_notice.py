"""The weekly overdue notice (每周通报): per handling unit, the cases overdue in an ISO week, worst
unit first, with the list of those cases and a summary paragraph to send out.

A case is overdue in the week when, at the week's end, one of its deadlines had passed unmet (the
rule of the inbox and the dashboard, complaints.selectors.case_overdue, taken at that moment), or
when it met one of its unit's deadlines (contact, handling, redo) late during the week. Each case is
counted once: after an approved extension (counted apart, SPEC section 7), else still open, else
completed late. Figures are as of the week's end, or of now for the week so far; the unit is the
case's handling unit when the figures are computed (a published notice keeps it).

The page of a week not published reads its figures in a few set-based statements (notice_figures)
and its case list a page at a time (notice_cases_page, keyset); the whole list (weekly_notice) is
built only for what keeps or prints it: publishing, the export, the issued document."""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from complaints.keyset import KeysetPage, Order, keyset_page
from deadlines.models import CaseClock
from deadlines.workdays import CalendarYearMissing, WorkingCalendar, load_calendar, local_date
from routing.models import Unit
from supervision.models import RedLineItem
from supervision.selectors import stage_reply_owed

from .metrics import UNIT_CLOCKS
from .periods import week_name
from .scopes import scope_filter
from .selectors import Period, ledger_open_at
from .selectors_notice_kept import (
    EXTENDED,
    LATE,
    OPEN,
    any_row,
    kept_cases_page,
    kept_notice_applies,
    kept_overdue_by_unit,
)

FIGURES = ("overdue", OPEN, LATE, EXTENDED, "stage_replies", "ledger_open")
TOP_UNITS = 3


def _overdue_clocks(*, scope: Unit, period: Period, as_of: datetime) -> QuerySet[CaseClock]:
    """The clocks that make their case overdue in the week: as they stood at as_of, a due date
    passed, neither stopped nor paused by then (at as_of = now exactly the red of the inbox and the
    dashboard), or a unit's deadline met late in the week. Written as three ranges of the clock
    indexes (running and due; stopped after as_of; stopped in the week), so that the rows read are
    the overdue ones, not every clock of every case."""
    not_paused = Q(paused_at__isnull=True) | Q(paused_at__gt=as_of)
    running = Q(stopped_at__isnull=True, due_at__lte=as_of) & not_paused
    stopped_later = Q(stopped_at__gt=as_of, due_at__lte=as_of) & not_paused
    late = Q(clock__in=UNIT_CLOCKS, stopped_at__gte=period.start_at, stopped_at__lt=as_of, stopped_at__gt=F("due_at"))
    return CaseClock.objects.filter(running | stopped_later | late).filter(scope_filter(scope, prefix="case__"))


def _still_open(as_of: datetime) -> Q:
    return Q(stopped_at__isnull=True) | Q(stopped_at__gt=as_of)


def _overdue_case_rows(*, scope: Unit, period: Period, as_of: datetime) -> QuerySet[CaseClock]:
    """The overdue cases, one row each grouped from their overdue clocks: its handling unit, its
    status flags (extended, else open, else late) and its first overdue deadline (`first_due`,
    the order of the page's list)."""
    return (_overdue_clocks(scope=scope, period=period, as_of=as_of)
            .values("case_id", unit=F("case__handling_unit_id"))
            .annotate(extended=any_row(Q(extended_days__gt=0)), still_open=any_row(_still_open(as_of)),
                      first_due=Min("due_at"))
            .order_by())


# The page's list: oldest first overdue deadline first, then by case (rows grouped per case).
NOTICE_ORDER = Order(field="first_due", key="case_id")

STATUS_FILTERS = {EXTENDED: Q(extended=1), OPEN: Q(extended=0, still_open=1), LATE: Q(extended=0, still_open=0)}
# The same, over the grouped rows (notice_figures' outer statement).
STATUS_SQL = {EXTENDED: "extended = 1", OPEN: "extended = 0 AND still_open = 1",
              LATE: "extended = 0 AND still_open = 0"}


def _handler(row: dict) -> str:
    name = f"{row['case__handler__first_name']} {row['case__handler__last_name']}".strip()
    return name or row["case__handler__username"] or ""


def _overdue_cases(*, scope: Unit, period: Period, as_of: datetime, calendar: WorkingCalendar,
                   case_ids: list[int] | None = None) -> dict[int, dict]:
    """One row per overdue case by id (one query), with its overdue deadlines and working days
    overdue; only those of `case_ids` when given (a page of the list)."""
    clocks = _overdue_clocks(scope=scope, period=period, as_of=as_of)
    if case_ids is not None:
        clocks = clocks.filter(case_id__in=case_ids)
    clocks = (
        clocks.values("case_id", "case__number", "case__handling_unit_id", "case__handling_unit__name",
                "case__handler__username", "case__handler__first_name", "case__handler__last_name",
                "clock", "due_date", "stopped_at", "extended_days")
        .order_by("due_at", "pk")
    )
    as_of_day = min(period.end, local_date(as_of))
    counted: dict[tuple[date, date], int | None] = {}  # many deadlines share their days: count each pair once

    def days_over(due: date | None, until: date) -> int | None:
        if due is not None and (due, until) not in counted:
            try:
                counted[due, until] = calendar.working_days_between(due, until)
            except CalendarYearMissing:
                counted[due, until] = None
        return counted.get((due, until))

    cases: dict[int, dict] = {}
    for row in clocks:
        still_open = row["stopped_at"] is None or row["stopped_at"] > as_of
        days = days_over(row["due_date"], as_of_day if still_open else local_date(row["stopped_at"]))
        case = cases.setdefault(row["case_id"], {
            "number": row["case__number"], "unit_id": row["case__handling_unit_id"],
            "unit_name": row["case__handling_unit__name"], "handler": _handler(row), "clocks": [],
            "due_date": row["due_date"].isoformat() if row["due_date"] else None, "days_overdue": days,
            "open": False, "extended": False,
        })
        case["clocks"].append(row["clock"])
        case["open"] |= still_open
        case["extended"] |= row["extended_days"] > 0
        if days is not None and (case["days_overdue"] is None or days > case["days_overdue"]):
            case["days_overdue"] = days
    for case in cases.values():
        extended, still_open = case.pop("extended"), case.pop("open")
        case["status"] = EXTENDED if extended else OPEN if still_open else LATE
    return cases


def _per_unit(rows) -> dict[int, tuple[str, int]]:
    return {row["unit"]: (row["name"], row["n"]) for row in rows}


def _ranked_units(*, scope: Unit, as_of: datetime, overdue: dict[int, dict]) -> list[dict]:
    """The unit rows, worst first: `overdue` holds each unit's name and overdue figures."""
    owed = _per_unit(
        stage_reply_owed(visible_to=None, now=as_of, unit=None if scope.kind == Unit.Kind.CENTER else scope)
        .filter(case__handling_unit__isnull=False)
        .values(unit=F("case__handling_unit_id"), name=F("case__handling_unit__name"))
        .annotate(n=Count("pk")).order_by()
    )
    ledger = _per_unit(
        RedLineItem.objects.filter(ledger_open_at(as_of), scope_filter(scope, prefix="case__"))
        .values(unit=F("case__handling_unit_id"), name=F("case__handling_unit__name"))
        .annotate(n=Count("pk")).order_by()
    )
    units: dict[int, dict] = {}

    def unit_row(unit_id: int, name: str) -> dict:
        return units.setdefault(unit_id, {"unit_id": unit_id, "unit_name": name, **dict.fromkeys(FIGURES, 0)})

    for unit_id, figures in overdue.items():
        unit_row(unit_id, figures["unit_name"]).update({k: v for k, v in figures.items() if k != "unit_name"})
    for figure, counts in (("stage_replies", owed), ("ledger_open", ledger)):
        for unit_id, (name, n) in counts.items():
            unit_row(unit_id, name)[figure] = n
    # Worst first: most overdue cases, then the heavier kinds of them, then what else is owed.
    return sorted(units.values(), key=lambda r: (-r["overdue"], -r[EXTENDED], -r[OPEN], -r["stage_replies"],
                                                 -r["ledger_open"], r["unit_name"]))


def _notice_data(*, scope: Unit, period: Period, as_of: datetime, ranked: list[dict]) -> dict:
    return {
        "week": week_name(period),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "as_of": as_of.isoformat(),
        "complete": as_of >= period.end_at,
        "scope": {"id": scope.pk, "name": scope.name},
        "units": ranked,
        "totals": {figure: sum(row[figure] for row in ranked) for figure in FIGURES},
        "units_overdue": sum(1 for row in ranked if row["overdue"]),
    }


def weekly_notice(*, scope: Unit, period: Period, now: datetime, calendar: WorkingCalendar | None = None) -> dict:
    """The notice of one week for one scope with every overdue case, as plain data (stored as is
    when published; the export and the document). For the running week it is the week so far.
    Four queries whatever the number of cases and units; the cases are built in Python."""
    as_of = min(period.end_at, now)
    calendar = calendar or load_calendar()
    cases = list(_overdue_cases(scope=scope, period=period, as_of=as_of, calendar=calendar).values())
    overdue: dict[int, dict] = {}
    for case in cases:
        row = overdue.setdefault(case["unit_id"], {"unit_name": case["unit_name"], "overdue": 0,
                                                   OPEN: 0, LATE: 0, EXTENDED: 0})
        row["overdue"] += 1
        row[case["status"]] += 1
    ranked = _ranked_units(scope=scope, as_of=as_of, overdue=overdue)
    order = {row["unit_id"]: index for index, row in enumerate(ranked)}
    cases.sort(key=lambda c: (order[c["unit_id"]], -(c["days_overdue"] or 0), c["number"]))
    return {**_notice_data(scope=scope, period=period, as_of=as_of, ranked=ranked), "cases": cases}


def notice_figures(*, scope: Unit, period: Period, now: datetime) -> dict:
    """weekly_notice without its cases, for the page: the overdue figures per unit counted in one
    statement over the overdue clocks (three more for names, stage replies and the ledger)."""
    as_of = min(period.end_at, now)
    if kept_notice_applies(period=period, now=now):
        overdue = kept_overdue_by_unit(scope=scope, period=period, now=now)
    else:
        overdue = notice_overdue_counted(scope=scope, period=period, as_of=as_of)
    names = dict(Unit.objects.filter(pk__in=overdue).values_list("pk", "name"))
    for unit_id, row in overdue.items():
        row["unit_name"] = names.get(unit_id, "")
    ranked = _ranked_units(scope=scope, as_of=as_of, overdue=overdue)
    return _notice_data(scope=scope, period=period, as_of=as_of, ranked=ranked)


def notice_overdue_counted(*, scope: Unit, period: Period, as_of: datetime) -> dict[int, dict]:
    """The overdue figures per unit counted over the overdue clocks (the definition; a week ended)."""
    sql, params = _overdue_case_rows(scope=scope, period=period, as_of=as_of).query.sql_with_params()
    # A count per unit of the per-case rows: the ORM groups once, so the second grouping is SQL.
    counts = ", ".join(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)" for condition in STATUS_SQL.values())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT unit, COUNT(*), {counts} FROM ({sql}) AS per_case GROUP BY unit", params)
        return {unit: {"overdue": n, **dict(zip(STATUS_SQL, figures, strict=True))}
                for unit, n, *figures in cursor.fetchall()}


def notice_case_ids_counted(*, scope: Unit, period: Period, as_of: datetime, unit_id: int | None, status: str,
                            cursor: str | None, size: int) -> KeysetPage:
    """One page of the overdue cases' ids (rows with case_id), from the overdue clocks grouped per case."""
    cases = _overdue_case_rows(scope=scope, period=period, as_of=as_of)
    if unit_id is not None:
        cases = cases.filter(case__handling_unit_id=unit_id)
    if status:
        cases = cases.filter(STATUS_FILTERS[status])
    return keyset_page(cases, order=NOTICE_ORDER, cursor=cursor, size=size)


def notice_cases_page(*, scope: Unit, period: Period, now: datetime, unit_id: int | None = None, status: str = "",
                      cursor: str | None = None, size: int = 50, calendar: WorkingCalendar | None = None) -> KeysetPage:
    """One page of the week's overdue cases (of one unit, of one status), oldest overdue deadline
    first, as weekly_notice's rows: the page's ids by keyset (complaints/keyset.py), then only
    those cases' clocks read and their working days counted."""
    as_of = min(period.end_at, now)
    chosen = {"unit_id": unit_id, "status": status, "cursor": cursor, "size": size}
    if kept_notice_applies(period=period, now=now):
        page = kept_cases_page(scope=scope, period=period, now=now, **chosen)
    else:
        page = notice_case_ids_counted(scope=scope, period=period, as_of=as_of, **chosen)
    ids = [row["case_id"] for row in page.object_list]
    built = _overdue_cases(scope=scope, period=period, as_of=as_of, calendar=calendar or load_calendar(),
                           case_ids=ids)
    page.object_list = [built[pk] for pk in ids if pk in built]
    return page


def notice_list_total(data: dict, *, unit_id: int | None, status: str) -> int:
    """How many cases a list of the notice holds: a figure of the notice, the unit's (or the
    total's) of the status, so the list needs no count of its own."""
    figures = next((row for row in data["units"] if row["unit_id"] == unit_id), {}) if unit_id else data["totals"]
    return figures.get(status or "overdue", 0)


def _day(day) -> str:
    return date_format(day, "MONTH_DAY_FORMAT")


def notice_summary(data: dict) -> str:
    """The notice's paragraph, in the reader's language, from the stored figures."""
    start, end = (datetime.fromisoformat(data["period"][key]).date() for key in ("start", "end"))
    as_of = local_date(datetime.fromisoformat(data["as_of"]))
    if data["complete"]:
        when = _("本周（%(start)s至%(end)s）") % {"start": _day(start), "end": _day(end)}
    else:
        when = _("本周至今（%(start)s至%(end)s）") % {"start": _day(start), "end": _day(as_of)}
    totals = data["totals"]
    parts = []
    if totals["overdue"]:
        parts.append(_("%(when)s共有%(units)d个单位%(total)d件工单超期，其中在办超期%(open)d件、逾期完成%(late)d件、"
                       "延期后仍超期%(extended)d件。") % {
            "when": when, "units": data["units_overdue"], "total": totals["overdue"], "open": totals[OPEN],
            "late": totals[LATE], "extended": totals[EXTENDED]})
        worst = [row for row in data["units"] if row["overdue"]][:TOP_UNITS]
        parts.append(_("超期较多的单位：%(units)s。") % {"units": _("、").join(
            _("%(name)s（%(n)d件）") % {"name": row["unit_name"], "n": row["overdue"]} for row in worst)})
    else:
        parts.append(_("%(when)s各单位均无超期工单。") % {"when": when})
    if totals["stage_replies"] or totals["ledger_open"]:
        parts.append(_("另有%(stage)d件工单延期后未按要求作阶段性回复，红线台账未销号%(ledger)d项。") % {
            "stage": totals["stage_replies"], "ledger": totals["ledger_open"]})
    if totals["overdue"]:
        parts.append(_("请相关单位对照超期清单抓紧办理，按时办结，并将整改情况报12315中心。"))
    return "".join(parts)
