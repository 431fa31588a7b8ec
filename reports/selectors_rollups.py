"""The dashboard's and the ranking's figures read from the daily rollups (reports/rollups.py): the
closed days from DailyFigures, the rest (today, days not yet closed, a day a late change touched
that the refresh has not rebuilt yet) counted live with the same registry, and the sums added. So
the figures are always those of the live count (tests/reports/test_rollups.py), at a cost that
grows with the days of the period and the units, not with the cases. Ratios are computed from the
added counts (reports.selectors._rates); overdue_in_period, a count of distinct cases, is read from
its own rollup (reports.DailyOverdue, metrics.overdue_first_in_period), and so is the average
handling time, a mean of working days (reports.DailyHandling); the other figures that do not add up
day by day (the sampled follow-ups, the red-line ledger) are counted live."""
from __future__ import annotations

import operator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import reduce

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from complaints.models import Case
from complaints.selectors import case_visibility_filter
from deadlines.models import CaseClock
from deadlines.workdays import WorkingCalendar, end_of_day, local_date
from routing.models import Area, Category, Unit
from supervision.models import RedLineItem, SampledCase

from . import selectors
from .metrics import (
    KPI_CASE_METRICS,
    KPI_CLOCK_METRICS,
    METRICS,
    NOT_ADDITIVE,
    ROLLED_CASE_METRICS,
    ROLLED_CLOCK_METRICS,
    MetricContext,
    metric_counts,
    overdue_first_in_period,
)
from .rollups import DailyFigures, DailyHandling, DailyOverdue, MonthlyFigures, RollupDirtyDay, RollupState
from .selectors import (
    Period,
    _cases_in_period,
    _clocks_in_period,
    _rates,
    handling_averages,
    handling_pairs,
    ledger_open_at,
    of_cases,
)
from .services_rollups import month_after, rollups_supported

ROLLED = (*ROLLED_CASE_METRICS, *ROLLED_CLOCK_METRICS)
LIVE_CASE_METRICS = tuple(name for name in NOT_ADDITIVE if name.startswith("sampled"))


@dataclass(frozen=True)
class Slice:
    """The cases a rolled figure covers, by the rollup's dimensions: the filters of
    selectors.dashboard_cases (for a viewer who sees every case) and of scopes.scope_filter."""

    unit: Unit | None = None  # the handling unit's subtree
    category: Category | None = None  # the category or its sub-categories
    channel: str = ""
    area: Area | None = None  # the respondent's area and the areas below it
    handled: bool = False  # only cases with a handling unit (the reports of a scope)

    def rollup_filter(self) -> Q:
        q = Q()
        if self.handled:
            q &= Q(unit__isnull=False)
        if self.unit is not None:
            q &= Q(unit__path__startswith=self.unit.path)
        if self.category is not None:
            q &= Q(category=self.category) | Q(category__parent=self.category)
        if self.channel:
            q &= Q(channel=self.channel)
        if self.area is not None:
            q &= Q(area__path__startswith=self.area.path)
        return q


def dashboard_slice(*, visible_to, unit: Unit | None = None, category: Category | None = None,
                    channel: str = "", area: Area | None = None) -> Slice | None:
    """The rollup slice of selectors.dashboard_cases, or None when the viewer sees only some cases
    (a unit's own, registered or taking part: not a dimension of the rollups), who is counted live."""
    if case_visibility_filter(visible_to) is not None:
        return None
    return Slice(unit=unit, category=category, channel=channel, area=area)


def scope_slice(scope: Unit) -> Slice:
    """The rollup slice of scopes.scope_cases."""
    return Slice(unit=None if scope.kind == Unit.Kind.CENTER else scope, handled=True)


def split_period(period: Period, now: datetime) -> tuple[Period | None, Period | None]:
    """The part of the period read from the rollups and the part counted live (either may be None)."""
    state = RollupState.objects.filter(pk=1).values_list("closed_through", flat=True).first() \
        if rollups_supported() else None
    last: date | None = None
    if state is not None:
        last = min(period.end, state, local_date(now) - timedelta(days=1))
        # A day touched since it was closed is counted live until it is rebuilt, and so is every
        # day after it in the period (one live range, not a query per day).
        if last >= period.start:
            dirty = RollupDirtyDay.objects.filter(day__gte=period.start, day__lte=last).aggregate(first=Min("day"))
            if dirty["first"] is not None:
                last = dirty["first"] - timedelta(days=1)
    if last is None or last < period.start:
        return None, period
    rolled = Period(start=period.start, end=last)
    return rolled, (Period(start=last + timedelta(days=1), end=period.end) if last < period.end else None)


def _rolled_days(s: Slice, rolled: Period) -> QuerySet[DailyFigures]:
    return DailyFigures.objects.filter(s.rollup_filter(), day__gte=rolled.start, day__lte=rolled.end)


def _rolled_parts(s: Slice, rolled: Period) -> list[QuerySet]:
    """The rolled period's figures as querysets of the same columns, to be summed together: its
    whole calendar months from MonthlyFigures, the days before and after them from DailyFigures
    (or only the days, when no whole month lies inside). Every day of `rolled` is closed and
    clean (split_period), so its months' rows equal their days'."""
    first = rolled.start if rolled.start.day == 1 else month_after(rolled.start)
    months = []
    while month_after(first) - timedelta(days=1) <= rolled.end:
        months.append(first)
        first = month_after(first)
    if not months:
        return [_rolled_days(s, rolled)]
    days = Q(day__gte=rolled.start, day__lt=months[0]) | Q(day__gte=first, day__lte=rolled.end)
    parts = [MonthlyFigures.objects.filter(s.rollup_filter(), month__in=months)]
    if rolled.start < months[0] or first <= rolled.end:
        parts.append(DailyFigures.objects.filter(s.rollup_filter(), days))
    return parts


def _summed(parts: list[QuerySet], key: str) -> dict:
    """The cases received per value of `key` (a dimension; none left out) over the parts."""
    counts: dict = {}
    for rows in parts:
        for value, n in rows.filter(**{f"{key}__isnull": False}).values_list(key).annotate(n=Sum("received")) \
                .order_by():
            counts[value] = counts.get(value, 0) + n
    return counts


def _sums() -> dict:
    return {name: Sum(name) for name in ROLLED}


def _add(into: dict, row: dict) -> None:
    for name, value in row.items():
        into[name] = into.get(name, 0) + (value or 0)


def _live_figures(*, cases: QuerySet[Case], period: Period, now: datetime, case_names, clock_names,
                  group: bool, not_additive: bool = False) -> dict:
    """The named figures counted live over the period, per handling unit (group) or under None;
    `not_additive`: the names are LIVE_CASE_METRICS (and no clock's)."""
    context = MetricContext(period=period, now=now)
    clocks = CaseClock.objects.filter(_clocks_in_period(period, now), of_cases(cases), due_at__isnull=False)
    if not_additive:
        # Only the figures that do not add up, over the whole period: read the few rows they count
        # from their own index (sampled follow-ups), not every case of the period.
        counted = cases.filter(pk__in=SampledCase.objects.filter(
            followed_up_at__gte=period.start_at, followed_up_at__lt=period.end_at).values("case_id"))
    else:
        counted = cases.filter(_cases_in_period(period))  # reads the period's sampled cases first
    if group:
        clocks = clocks.filter(case__handling_unit__isnull=False).values(unit=F("case__handling_unit_id"))
        counted = counted.filter(handling_unit__isnull=False).values(unit=F("handling_unit_id"))
        rows = [*(clocks.annotate(**metric_counts(clock_names, context)).order_by() if clock_names else []),
                *counted.annotate(**metric_counts(case_names, context)).order_by()]
    else:
        rows = [{"unit": None, **_clock_aggregates(clocks, clock_names, context)},
                {"unit": None, **counted.aggregate(**metric_counts(case_names, context))}]
    figures: dict = {}
    for row in rows:
        _add(figures.setdefault(row.pop("unit"), {}), row)
    return figures


def _reads_case(q: Q) -> bool:
    """Whether a clock figure's condition reads a field of the clock's case (or an expression)."""
    return any(_reads_case(child) if isinstance(child, Q) else not isinstance(child, tuple)
               or child[0].startswith("case__") for child in q.children)


def _clock_aggregates(clocks: QuerySet[CaseClock], names, context: MetricContext) -> dict:
    """clocks.aggregate() of the named clock figures in two statements: the figures that read the
    case (the statutory decisions) over only the rows they may count, so that the other rows (a
    day's deadlines, for today) are not each joined to their case."""
    joined = [name for name in names if _reads_case(METRICS[name].condition(context))]
    plain = [name for name in names if name not in joined]
    figures = clocks.aggregate(**metric_counts(plain, context)) if plain else {}
    if joined:
        counted = clocks.filter(reduce(operator.or_, (METRICS[name].condition(context) for name in joined)))
        figures.update(counted.aggregate(**metric_counts(joined, context)))
    return figures


def _overdue_figures(*, cases: QuerySet[Case], dims: Slice, period: Period, rolled: Period, now: datetime,
                     group: bool) -> dict:
    """overdue_in_period, each case counted on its first overdue clock of the period: the rolled
    days' clocks whose case had no overdue clock since the period began (DailyOverdue), and the
    later days' clocks counted live (two queries, neither growing with the cases)."""
    first = Q(previous_day__isnull=True) | Q(previous_day__lt=period.start)
    kept = DailyOverdue.objects.filter(dims.rollup_filter(), first, day__gte=rolled.start, day__lte=rolled.end)
    context = MetricContext(period=period, now=now)
    clocks = CaseClock.objects.filter(overdue_first_in_period(context), of_cases(cases),
                                      due_at__gte=end_of_day(rolled.end))
    if group:
        rows = [*kept.filter(unit__isnull=False).values(u=F("unit_id")).annotate(n=Sum("clocks")).order_by(),
                *clocks.filter(case__handling_unit__isnull=False).values(u=F("case__handling_unit_id"))
                .annotate(n=Count("pk")).order_by()]
    else:
        rows = [{"u": None, **kept.aggregate(n=Sum("clocks"))}, {"u": None, **clocks.aggregate(n=Count("pk"))}]
    figures: dict = {}
    for row in rows:
        _add(figures.setdefault(row["u"], {}), {"overdue_in_period": row["n"]})
    return figures


def _live_parts(*, cases, dims: Slice, period: Period, rolled: Period | None, live: Period | None, now,
                group: bool) -> list:
    """The live counts: of every figure over the period when nothing is rolled (two queries), else of
    the additive ones over the live part, of overdue_in_period from its own rollup and of the
    others over the whole period."""
    if rolled is None:
        return [_live_figures(cases=cases, period=period, now=now, case_names=KPI_CASE_METRICS,
                              clock_names=KPI_CLOCK_METRICS, group=group)]
    parts = [_live_figures(cases=cases, period=period, now=now, case_names=LIVE_CASE_METRICS,
                           clock_names=(), group=group, not_additive=True),
             _overdue_figures(cases=cases, dims=dims, period=period, rolled=rolled, now=now, group=group)]
    if live is not None:
        parts.append(_live_figures(cases=cases, period=live, now=now, case_names=ROLLED_CASE_METRICS,
                                   clock_names=ROLLED_CLOCK_METRICS, group=group))
    return parts


def _handling_averages(*, cases: QuerySet[Case], dims: Slice, period: Period, rolled: Period | None,
                       live: Period | None, calendar: WorkingCalendar | None = None, group: bool = False) -> dict:
    """selectors._handling_days from the rollups: the rolled days' (dispatch day, reply day) pairs
    from DailyHandling, the other days' counted live, averaged together."""
    key = "handling_unit_id" if group else None
    rows: list = []
    if rolled is not None:
        kept = DailyHandling.objects.filter(dims.rollup_filter(), day__gte=rolled.start, day__lte=rolled.end)
        names = {"sent": F("dispatched_day"), "done": F("day"), **({key: F("unit_id")} if group else {})}
        rows += kept.values(**names).annotate(n=Sum("cases")).order_by()
    if rolled is None or live is not None:
        rows += handling_pairs(cases=cases, period=period if rolled is None else live, group=key)
    return handling_averages(rows, calendar=calendar, group=key)


def kpi_summary(*, cases: QuerySet[Case], dims: Slice, period: Period, now: datetime, parts=None) -> dict:
    """selectors.kpi_summary for the cases `dims` describes (the same cases), from the rollups;
    `parts`: split_period's answer, when the caller has it."""
    rolled, live = parts or split_period(period, now)
    figures = dict.fromkeys((*ROLLED, *NOT_ADDITIVE), 0)
    if rolled is not None:
        for rows in _rolled_parts(dims, rolled):
            _add(figures, rows.aggregate(**_sums()))
    for part in _live_parts(cases=cases, dims=dims, period=period, rolled=rolled, live=live, now=now, group=False):
        _add(figures, part.get(None, {}))
    figures["ledger_open"] = RedLineItem.objects.filter(ledger_open_at(now), of_cases(cases)).count()
    figures["average_handling_days"] = _handling_averages(
        cases=cases, dims=dims, period=period, rolled=rolled, live=live).get(None)
    return {**figures, **_rates(figures)}


def kpi_by_unit(*, cases: QuerySet[Case], dims: Slice, period: Period, now: datetime,
                calendar: WorkingCalendar | None = None) -> dict[int, dict]:
    """selectors.kpi_by_unit from the rollups: the same units and figures."""
    rolled, live = split_period(period, now)
    empty = dict.fromkeys((*ROLLED, *NOT_ADDITIVE), 0)
    units: dict[int, dict] = {}

    def add(rows: dict) -> None:
        for unit, row in rows.items():
            _add(units.setdefault(unit, dict(empty)), row)

    if rolled is not None:
        for rows in _rolled_parts(replace(dims, handled=True), rolled):
            add({row.pop("unit_id"): row for row in rows.values("unit_id").annotate(**_sums()).order_by()})
    for part in _live_parts(cases=cases, dims=replace(dims, handled=True), period=period, rolled=rolled, live=live,
                            now=now, group=True):
        add(part)
    averages = _handling_averages(cases=cases, dims=replace(dims, handled=True), period=period, rolled=rolled,
                                  live=live, calendar=calendar, group=True)
    for unit in averages:
        if unit is not None:
            units.setdefault(unit, dict(empty))
    for unit, figures in units.items():
        figures.update(_rates(figures), average_handling_days=averages.get(unit))
    return units


def _merge(rows, key: str, into: dict) -> None:
    for row in rows:
        if row["n"]:
            into.setdefault(row[key], {**row, "n": 0})["n"] += row["n"]


def chart_trend(*, cases: QuerySet[Case], dims: Slice, period: Period, now: datetime, parts=None) -> list[dict]:
    """selectors.chart_trend from the rollups."""
    rolled, live = parts or split_period(period, now)
    days: dict = {}
    if rolled is not None:
        _merge(_rolled_days(dims, rolled).values("day").annotate(n=Sum("received")).order_by(), "day", days)
    if live is not None:
        _merge(selectors.chart_trend(cases=cases, period=live), "day", days)
    return [days[day] for day in sorted(days)]


def chart_by_category(*, cases: QuerySet[Case], dims: Slice, period: Period, now: datetime, parts=None) -> list[dict]:
    """selectors.chart_by_category from the rollups."""
    rolled, live = parts or split_period(period, now)
    tops: dict = {}
    if rolled is not None:
        # Summed per category first, then named: a year's rows are not joined to the categories.
        counts = _summed(_rolled_parts(dims, rolled), "category_id")
        named = Category.objects.filter(pk__in=counts).values(
            "pk", top_id=Coalesce("parent_id", "pk"), top_name=Coalesce("parent__name", "name"))
        _merge(({"top_id": row["top_id"], "top_name": row["top_name"], "n": counts[row["pk"]]} for row in named),
               "top_id", tops)
    if live is not None:
        _merge(selectors.chart_by_category(cases=cases, period=live), "top_id", tops)
    return sorted(tops.values(), key=lambda row: (-row["n"], row["top_name"]))


def chart_by_unit(*, cases: QuerySet[Case], dims: Slice, period: Period, now: datetime, parts=None) -> list[dict]:
    """selectors.chart_by_unit from the rollups."""
    rolled, live = parts or split_period(period, now)
    units: dict = {}
    if rolled is not None:
        counts = _summed(_rolled_parts(dims, rolled), "unit_id")
        _merge(({"handling_unit_id": pk, "handling_unit__name": name, "n": counts[pk]}
                for pk, name in Unit.objects.filter(pk__in=counts).values_list("pk", "name")),
               "handling_unit_id", units)
    if live is not None:
        _merge(selectors.chart_by_unit(cases=cases, period=live), "handling_unit_id", units)
    return sorted(units.values(), key=lambda row: (-row["n"], row["handling_unit__name"]))


def dashboard_figures(*, cases: QuerySet[Case], dims: Slice | None, period: Period, now: datetime) -> dict:
    """The dashboard's period figures and charts: from the rollups for a viewer who sees every case
    (dims), counted live for the others."""
    if dims is None:
        return {"kpi": selectors.kpi_summary(cases=cases, period=period, now=now),
                "trend": selectors.chart_trend(cases=cases, period=period),
                "by_category": selectors.chart_by_category(cases=cases, period=period),
                "by_unit": selectors.chart_by_unit(cases=cases, period=period)}
    parts = split_period(period, now)
    return {name: figure(cases=cases, dims=dims, period=period, now=now, parts=parts) for name, figure in (
        ("kpi", kpi_summary), ("trend", chart_trend), ("by_category", chart_by_category), ("by_unit", chart_by_unit))}
