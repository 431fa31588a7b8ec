"""Maintaining the daily rollups (reports/rollups.py): close each day once it has ended, and rebuild
the closed days a later change touched (recorded by the triggers of migration 0003). A day is always
rebuilt whole, from the metric registry's own conditions over that one day, so its rows are exactly
what the live count gives for it; the refresh is idempotent and a missed run is caught up by the
next one."""
from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from complaints.models import Case
from deadlines.models import CaseClock
from deadlines.workdays import SHANGHAI, end_of_day, local_date

from .metrics import (
    METRICS,
    ROLLED_CASE_METRICS,
    ROLLED_CLOCK_METRICS,
    MetricContext,
    earlier_overdue_clocks,
    metric_counts,
)
from .rollups import DailyFigures, DailyHandling, DailyOverdue, MonthlyFigures, RollupDirtyDay, RollupState
from .selectors import HANDLING_DAYS, Period, _clocks_in_period, handled_in_period

# A day is closed this long after it ended, so that a transaction still open at midnight (whose
# trigger saw "today") has committed before the day is counted.
CLOSE_MARGIN = timedelta(minutes=15)
# Days closed per run at most, so that the first runs over years of cases stay short transactions.
DAYS_PER_RUN = 62

CASE_DIMENSIONS = {"d_unit": F("handling_unit_id"), "d_category": F("category_id"), "d_channel": F("channel"),
                   "d_area": F("respondent_area_id")}
CLOCK_DIMENSIONS = {"d_unit": F("case__handling_unit_id"), "d_category": F("case__category_id"),
                    "d_channel": F("case__channel"), "d_area": F("case__respondent_area_id")}


def rollups_supported() -> bool:
    """Only PostgreSQL records dirty days (migration 0003); elsewhere every figure is counted live."""
    return connection.vendor == "postgresql"


def rolled_cases_in_period(period: Period) -> Q:
    """Every case a rolled case figure may count: one of its counted events falls in the period."""
    return Q(*(Q(**{f"{field}__gte": period.start_at, f"{field}__lt": period.end_at}) for field in (
        "received_at", "dispatched_at", "followed_up_at", "acceptance_decided_at", "mediation_ended_at",
        "report_decided_at")), _connector=Q.OR)


# The day the ORM compiles the figures for; its moments are then replaced in the SQL by the columns
# of each day rebuilt, so that every day is counted by the registry's own conditions in one statement.
_TEMPLATE_DAY = date(1901, 1, 1)


def _day_queries(day: date) -> list:
    period = Period(start=day, end=day)
    # The day has ended: every deadline of it has passed, whenever the rows are built.
    context = MetricContext(period=period, now=end_of_day(day))
    return [
        Case.objects.filter(rolled_cases_in_period(period)).values(**CASE_DIMENSIONS)
        .annotate(**metric_counts(ROLLED_CASE_METRICS, context)).order_by(),
        CaseClock.objects.filter(_clocks_in_period(period), due_at__isnull=False).values(**CLOCK_DIMENSIONS)
        .annotate(**metric_counts(ROLLED_CLOCK_METRICS, context)).order_by(),
    ]


def _per_day_sql(query) -> tuple[str, list]:
    """The SQL of a query of `_TEMPLATE_DAY` with its start and end moments as columns of `rollup_day`."""
    period = Period(start=_TEMPLATE_DAY, end=_TEMPLATE_DAY)
    moments = {period.start_at: "rollup_day.start_at", period.end_at: "rollup_day.end_at"}
    sql, params = query.query.sql_with_params()
    pieces = sql.split("%s")
    out, kept = [pieces[0]], []
    for param, piece in zip(params, pieces[1:], strict=True):
        if param in moments:
            out.append(moments[param])
        elif hasattr(param, "year") and param.year == _TEMPLATE_DAY.year:
            # A moment derived from the day (not the day's start or end) would be counted for 1901.
            raise ValueError(f"a rolled metric uses a moment the rebuild cannot map: {param}")
        else:
            out.append("%s")
            kept.append(param)
        out.append(piece)
    return "".join(out), kept


def _overdue_day_query(day: date):
    """A day's overdue unit clocks per dimensions and the day of their case's overdue clock before."""
    period = Period(start=day, end=day)
    context = MetricContext(period=period, now=end_of_day(day))
    previous = earlier_overdue_clocks(context.now).order_by("-due_at", "-pk").values("due_at")[:1]
    return (CaseClock.objects.filter(METRICS["overdue_in_period"].condition(context))
            .values(**CLOCK_DIMENSIONS, d_extra=TruncDate(Subquery(previous), tzinfo=SHANGHAI))
            .annotate(n=Count("pk")).order_by())


def _days_replace(*, table: str, days: list[date], insert: str, params: list) -> int:
    """Delete `table`'s rows of `days` and run `insert` (an INSERT … SELECT reading the relation
    rollup_day(day, start_at, end_at) the day queries of _per_day_sql expect); the rows written."""
    periods = [Period(start=day, end=day) for day in days]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE day = ANY(%s::date[])", [days])
        # A day query is planned once for every day, with the day's moments unknown: the planner
        # then guesses a day holds 1% of the clocks and hashes the whole case table to join them,
        # per day (0.4 s a day at 1 M cases). A day's rows are a few thousand: join them by index.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(
            "WITH rollup_day AS (SELECT * FROM unnest(%s::date[], %s::timestamptz[], %s::timestamptz[]) "
            f"AS d(day, start_at, end_at)) {insert}",
            [days, [p.start_at for p in periods], [p.end_at for p in periods], *params])
        written = cursor.rowcount
        cursor.execute("RESET enable_hashjoin")
        cursor.execute("RESET enable_mergejoin")
        return written


def _dimension_rows_replace(*, model, days: list[date], query, extra: str, count: str) -> int:
    """Replace `model`'s rows of the given days in one statement (DailyOverdue, DailyHandling): a
    day query grouped by the dimensions and one more column (d_extra, written to `extra`), its
    rows counted as n (written to `count`); the number of rows written."""
    if not days:
        return 0
    sql, params = _per_day_sql(query)
    table = model._meta.db_table
    extra, count = model._meta.get_field(extra).column, model._meta.get_field(count).column
    with transaction.atomic():
        return _days_replace(
            table=table, days=days, params=params,
            insert=f"INSERT INTO {table} (day, unit_id, category_id, channel, area_id, {extra}, {count}) "
                   "SELECT rollup_day.day, q.d_unit, q.d_category, q.d_channel, q.d_area, q.d_extra, q.n "
                   f"FROM rollup_day CROSS JOIN LATERAL ({sql}) q")


def rollup_overdue_rebuild(*, days: list[date]) -> int:
    """Replace the DailyOverdue rows of the given days in one statement; the number of rows written."""
    return _dimension_rows_replace(model=DailyOverdue, days=days, query=_overdue_day_query(_TEMPLATE_DAY),
                                   extra="previous_day", count="clocks")


def _handling_day_query(day: date):
    """A day's replied cases per dimensions and dispatch day (selectors.handling_pairs, rolled)."""
    return (Case.objects.filter(handled_in_period(Period(start=day, end=day)))
            .values(**CASE_DIMENSIONS, d_extra=HANDLING_DAYS["sent"]).annotate(n=Count("pk")).order_by())


def rollup_handling_rebuild(*, days: list[date]) -> int:
    """Replace the DailyHandling rows of the given days in one statement; the number of rows written."""
    return _dimension_rows_replace(model=DailyHandling, days=days, query=_handling_day_query(_TEMPLATE_DAY),
                                   extra="dispatched_day", count="cases")


def rollup_days_rebuild(*, days: list[date]) -> int:
    """Replace the rows of the given days in one statement (each day's figures from its own day
    query, run per day inside the statement), and their DailyOverdue and DailyHandling rows in
    two more, then their months' MonthlyFigures, in one transaction; the number of DailyFigures
    rows written."""
    if not days:
        return 0
    case_query, clock_query = _day_queries(_TEMPLATE_DAY)
    case_sql, case_params = _per_day_sql(case_query)
    clock_sql, clock_params = _per_day_sql(clock_query)
    dimensions = ", ".join(f"q.{name}" for name in ("d_unit", "d_category", "d_channel", "d_area"))
    case_metrics, clock_metrics = ROLLED_CASE_METRICS, ROLLED_CLOCK_METRICS
    # Each query's rows with zeros for the other's figures, summed per day and dimensions.
    case_rows = ", ".join([*(f'q."{name}"' for name in case_metrics), *(f'0 AS "{name}"' for name in clock_metrics)])
    clock_rows = ", ".join([*(f'0 AS "{name}"' for name in case_metrics), *(f'q."{name}"' for name in clock_metrics)])
    sums = ", ".join(f'coalesce(sum("{name}"), 0)' for name in (*case_metrics, *clock_metrics))
    table = DailyFigures._meta.db_table
    columns = [f'"{name}"' for name in ("day", "unit_id", "category_id", "channel", "area_id", *case_metrics,
                                        *clock_metrics)]
    with transaction.atomic():
        rollup_overdue_rebuild(days=days)
        rollup_handling_rebuild(days=days)
        written = _days_replace(
            table=table, days=days, params=[*case_params, *clock_params],
            insert=f"INSERT INTO {table} ({', '.join(columns)}) "
                   f"SELECT day, d_unit, d_category, d_channel, d_area, {sums} FROM ("
                   f"SELECT rollup_day.day, {dimensions}, {case_rows} "
                   f"FROM rollup_day CROSS JOIN LATERAL ({case_sql}) q "
                   f"UNION ALL SELECT rollup_day.day, {dimensions}, {clock_rows} "
                   f"FROM rollup_day CROSS JOIN LATERAL ({clock_sql}) q) AS figures "
                   "GROUP BY day, d_unit, d_category, d_channel, d_area")
        _months_replace(months=sorted({day.replace(day=1) for day in days}))
        return written


def _months_replace(*, months: list[date]) -> None:
    """Sum the given months' DailyFigures again into MonthlyFigures, in the transaction that
    rewrote their days, so a month's row never differs from its days."""
    table, daily = MonthlyFigures._meta.db_table, DailyFigures._meta.db_table
    dimensions = ("unit_id", "category_id", "channel", "area_id")
    measures = [f'"{name}"' for name in (*ROLLED_CASE_METRICS, *ROLLED_CLOCK_METRICS)]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE month = ANY(%s::date[])", [months])
        cursor.execute(
            f"INSERT INTO {table} (month, {', '.join(dimensions)}, {', '.join(measures)}) "
            f"SELECT date_trunc('month', day)::date, {', '.join(dimensions)}, "
            f"{', '.join(f'sum({name})' for name in measures)} FROM {daily} "
            "WHERE day >= %s AND day < %s AND date_trunc('month', day)::date = ANY(%s::date[]) "
            f"GROUP BY 1, {', '.join(dimensions)}",
            [months[0], month_after(months[-1]), months])


def month_after(month: date) -> date:
    """The first day of the month after the one `month` falls in."""
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def rollup_day_rebuild(*, day: date) -> int:
    """Replace the rows of one day; the number of rows written."""
    return rollup_days_rebuild(days=[day])


def _first_day() -> date | None:
    first = Case.objects.aggregate(first=Min("received_at"))["first"]
    return None if first is None else local_date(first)


def _dirty_days_take(watermark: date) -> set[date]:
    """Delete the dirty rows of the closed days and return their days, before the days are rebuilt:
    a change committed before this statement is seen by the rebuild that follows, one committed
    after it leaves its row for the next run. One statement, however many rows a bulk load left."""
    with connection.cursor() as cursor:
        cursor.execute(f"WITH taken AS (DELETE FROM {RollupDirtyDay._meta.db_table} WHERE day <= %s RETURNING day) "
                       "SELECT DISTINCT day FROM taken", [watermark])
        return {row[0] for row in cursor.fetchall()}


def report_rollups_refresh(*, now=None, days_per_run: int = DAYS_PER_RUN) -> int:
    """Rebuild the dirty closed days and close the days that have ended since the last run (at most
    `days_per_run` of them); the number of days rebuilt. One run at a time (the state row is locked)."""
    if not rollups_supported():
        return 0
    now = now or timezone.now()
    last_ended = local_date(now - CLOSE_MARGIN) - timedelta(days=1)
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        closed = state.closed_through
        start = closed + timedelta(days=1) if closed else _first_day()
        new_days = []
        if start is not None:
            count = max(0, min(days_per_run, (last_ended - start).days + 1))
            new_days = [start + timedelta(days=i) for i in range(count)]
        watermark = new_days[-1] if new_days else closed
        dirty = _dirty_days_take(watermark) if watermark else set()
        days = sorted({day for day in dirty if closed and day <= closed} | set(new_days))
        rollup_days_rebuild(days=days)
        if watermark != closed:
            state.closed_through = watermark
            state.save(update_fields=["closed_through"])
    return len(days)
