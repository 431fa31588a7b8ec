"""KPIs and dashboard figures (SPEC section 8), each one set-based aggregate query, and the case
lists behind every figure (drill-down). Deadline colours and red lines are computed from the clocks
and case fields here, so they can switch to supervision's stored fields in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from complaints.models import Case
from complaints.selectors import case_visibility_filter
from complaints.selectors_inbox import DeadlineWindow
from deadlines.models import CaseClock
from deadlines.workdays import (
    SHANGHAI,
    CalendarYearMissing,
    WorkingCalendar,
    end_of_day,
    load_calendar,
)
from routing.models import Area, Category, Unit
from supervision.models import RedLineItem, SampledCase

from .metrics import KPI_CASE_METRICS, KPI_CLOCK_METRICS, METRICS, TODAY_METRICS, MetricContext, metric_counts


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=SHANGHAI)

    @property
    def end_at(self) -> datetime:
        return end_of_day(self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one (the comparison of trend figures)."""
        end = self.start - timedelta(days=1)
        return Period(start=end - timedelta(days=self.days - 1), end=end)


def dashboard_cases(
    *, visible_to, unit: Unit | None = None, category: Category | None = None, channel: str = "",
    area: Area | None = None,
) -> QuerySet[Case]:
    """The cases a dashboard viewer may count, narrowed to a unit's subtree, a category, a channel
    and the respondent's area (with the areas below it)."""
    qs = Case.objects.all()
    visibility = case_visibility_filter(visible_to)
    if visibility is not None:
        qs = qs.filter(visibility)
    if unit is not None:
        qs = qs.filter(handling_unit__path__startswith=unit.path)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    if channel:
        qs = qs.filter(channel=channel)
    if area is not None:
        qs = qs.filter(respondent_area__path__startswith=area.path)
    return qs




def dashboard_today(*, cases: QuerySet[Case], window: DeadlineWindow) -> dict[str, int]:
    """Today's intake, the dispatch queue, open, due soon and overdue: one query over every case (the
    live count; the dashboard reads the kept counts, reports/selectors_today.py, where they answer)."""
    return cases.aggregate(**metric_counts(TODAY_METRICS, MetricContext(period=None, now=window.now)))


def dashboard_by_unit(*, cases: QuerySet[Case], window: DeadlineWindow) -> list[dict]:
    """Per handling unit: today's intake, open, due soon, overdue (one grouped query; the live count
    behind reports/selectors_today.py)."""
    figures = metric_counts(("intake_today", "open", "due_soon", "overdue"),
                            MetricContext(period=None, now=window.now))
    rows = (
        cases.filter(handling_unit__isnull=False)
        .values("handling_unit_id", "handling_unit__name")
        .annotate(**figures)
        .filter(Q(open__gt=0) | Q(intake_today__gt=0))
        .order_by("-overdue", "-due_soon", "-open", "handling_unit__name")
    )
    return list(rows)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def ledger_open_at(at: datetime) -> Q:
    """Red-line ledger items open at `at` (opened by then, not closed by then); `at` = now is the
    ledger's open items, an earlier moment what a published notice counted."""
    return Q(opened_at__lte=at) & (Q(closed_at__isnull=True) | Q(closed_at__gt=at))


def _clock_figures(*, period: Period, now: datetime) -> dict[str, Count]:
    """The clock-based KPIs as aggregates over CaseClock rows (whole period or grouped per unit)."""
    return metric_counts(KPI_CLOCK_METRICS, MetricContext(period=period, now=now))


def _clocks_in_period(period: Period, now: datetime | None = None) -> Q:
    """Every clock a figure of `_clock_figures` may count: due or stopped in the period. Of a
    period still running at `now`, a clock due later in it counts only once it has stopped, so
    the running ones (a day's intake of deadlines, for today) are not read."""
    start, end = period.start_at, period.end_at
    stopped = Q(stopped_at__gte=start, stopped_at__lt=end)
    if now is None or now >= end:
        return Q(due_at__gte=start, due_at__lt=end) | stopped
    return (Q(due_at__gte=start, due_at__lte=now) | stopped
            | Q(due_at__gt=now, due_at__lt=end, stopped_at__isnull=False))


def of_cases(cases: QuerySet[Case], field: str = "case") -> Q:
    """Rows (clocks, ledger items) of the given cases; no condition when they are every case,
    which saves a semi-join probe of the case table per row counted."""
    return Q(**{f"{field}__in": cases}) if cases.query.where else Q()


def _case_figures(*, period: Period) -> dict[str, Count]:
    """The case-based KPIs as aggregates over Case rows (whole period or grouped per unit)."""
    return metric_counts(KPI_CASE_METRICS, MetricContext(period=period))


def _cases_in_period(period: Period) -> Q:
    """Every case a figure of `_case_figures` may count: received, dispatched or followed up in it.
    The sampled follow-ups of the period are read first and named by key: an EXISTS inside the OR
    kept PostgreSQL from combining the time indexes, and it read every case (4.3 s at 10 M for
    the dashboard's today, against 6 ms by the indexes)."""
    start, end = period.start_at, period.end_at
    sampled = list(SampledCase.objects.filter(followed_up_at__gte=start, followed_up_at__lt=end)
                   .values_list("case_id", flat=True))
    return (Q(received_at__gte=start, received_at__lt=end) | Q(dispatched_at__gte=start, dispatched_at__lt=end)
            | Q(followed_up_at__gte=start, followed_up_at__lt=end)
            # the statutory decisions of the period
            | Q(acceptance_decided_at__gte=start, acceptance_decided_at__lt=end)
            | Q(mediation_ended_at__gte=start, mediation_ended_at__lt=end)
            | Q(report_decided_at__gte=start, report_decided_at__lt=end)
            | Q(pk__in=sampled))


def _rates(figures: dict) -> dict:
    return {
        "contact_rate": _percent(figures["contact_on_time"], figures["contact_due"]),
        "completion_rate": _percent(figures["completion_on_time"], figures["completion_due"]),
        "satisfaction_rate": _percent(figures["satisfied"], figures["followed_up"]),
        "resolution_rate": _percent(figures["resolved"], figures["followed_up"]),
        # The statutory track: 受理率, decisions on time, 调解成功率, 立案率.
        "acceptance_rate": _percent(figures["accepted"], figures["acceptance_decided"]),
        "acceptance_on_time_rate": _percent(figures["acceptance_on_time"], figures["acceptance_due"]),
        "mediation_success_rate": _percent(figures["mediation_agreed"], figures["mediation_ended"]),
        "report_opening_rate": _percent(figures["report_opened"], figures["report_decided"]),
        "report_on_time_rate": _percent(figures["report_decision_on_time"], figures["report_decision_due"]),
        # A sum of yuan (Decimal, None over no rows) as a plain number: published rankings store JSON.
        "amount_recovered": round(float(figures.get("amount_recovered") or 0), 2),
        # The sampled second follow-up (抽查回访), shown beside the first.
        "sampled_satisfaction_rate": _percent(figures["sampled_satisfied"], figures["sampled"]),
        "sampled_resolution_rate": _percent(figures["sampled_resolved"], figures["sampled"]),
    }


def kpi_summary(*, cases: QuerySet[Case], period: Period, now: datetime) -> dict:
    """SPEC section 8 KPIs for a period, in two aggregate queries (clocks, then cases)."""
    # Only clocks due or stopped in the period can count: read from the two time indexes, not
    # every clock of every case the viewer may see.
    c = CaseClock.objects.filter(_clocks_in_period(period, now), of_cases(cases), due_at__isnull=False).aggregate(
        **_clock_figures(period=period, now=now)
    )
    k = cases.aggregate(**_case_figures(period=period))
    figures = {
        **c,
        **k,
        "ledger_open": RedLineItem.objects.filter(ledger_open_at(now), of_cases(cases)).count(),
        "average_handling_days": average_handling_working_days(cases=cases, period=period),
    }
    return {**figures, **_rates(figures)}


def kpi_by_unit(*, cases: QuerySet[Case], period: Period, now: datetime,
                calendar: WorkingCalendar | None = None) -> dict[int, dict]:
    """The KPIs of `kpi_summary` per handling unit (the case's current one), keyed by unit id: the
    same aggregates grouped, so a whole ranking costs three queries however many units it has.
    Only units with something to count in the period appear."""
    empty = {**{name: 0 for name in _clock_figures(period=period, now=now)},
             **{name: 0 for name in _case_figures(period=period)}}
    units: dict[int, dict] = {}
    clock_rows = (
        CaseClock.objects.filter(_clocks_in_period(period, now), of_cases(cases), due_at__isnull=False,
                                 case__handling_unit__isnull=False)
        .values(unit=F("case__handling_unit_id"))
        .annotate(**_clock_figures(period=period, now=now))
        .order_by()
    )
    case_rows = (
        cases.filter(_cases_in_period(period), handling_unit__isnull=False)
        .values(unit=F("handling_unit_id"))
        .annotate(**_case_figures(period=period))
        .order_by()
    )
    for row in [*clock_rows, *case_rows]:
        unit = row.pop("unit")
        units.setdefault(unit, dict(empty)).update(row)
    averages = _handling_days(cases=cases, period=period, calendar=calendar, group="handling_unit_id")
    for unit, figures in units.items():
        figures.update(_rates(figures), average_handling_days=averages.get(unit))
    for unit, average in averages.items():
        if unit not in units and unit is not None:
            units[unit] = {**empty, **_rates(empty), "average_handling_days": average}
    return units


def average_handling_working_days(*, cases: QuerySet[Case], period: Period,
                                  calendar: WorkingCalendar | None = None) -> float | None:
    """Mean working days from first dispatch to reply, over cases replied in the period."""
    return _handling_days(cases=cases, period=period, calendar=calendar).get(None)


def handled_in_period(period: Period) -> Q:
    """The cases the average handling time counts: dispatched, and replied in the period."""
    return Q(replied_at__gte=period.start_at, replied_at__lt=period.end_at, dispatched_at__isnull=False)


# The (dispatch day, reply day) of a counted case, in Beijing dates: its handling time is the
# working days between them, counted in Python by the one calendar (deadlines.workdays).
HANDLING_DAYS = {"sent": TruncDate("dispatched_at", tzinfo=SHANGHAI), "done": TruncDate("replied_at", tzinfo=SHANGHAI)}


def handling_pairs(*, cases: QuerySet[Case], period: Period, group: str | None = None) -> QuerySet:
    """The counted cases per (sent, done[, group]): rows with n, the cases of the pair."""
    return (cases.filter(handled_in_period(period)).annotate(**HANDLING_DAYS)
            .values("sent", "done", *([group] if group else [])).annotate(n=Count("pk")).order_by())


def handling_averages(rows, *, calendar: WorkingCalendar | None = None, group: str | None = None) -> dict:
    """The mean working days of the rows of handling_pairs (or their rolled equal) per value of
    `group` (None: one figure, under the key None); {} when the calendar lacks a year they span.
    Python counts working days once per row, a pair of days, rather than once per case."""
    calendar = calendar or load_calendar()
    totals: dict = {}
    try:
        for row in rows:
            key = row[group] if group else None
            days, n = totals.get(key, (0, 0))
            totals[key] = (days + row["n"] * calendar.working_days_between(row["sent"], row["done"]), n + row["n"])
    except CalendarYearMissing:
        return {}
    return {key: round(days / n, 1) for key, (days, n) in totals.items() if n}


def _handling_days(*, cases: QuerySet[Case], period: Period, calendar: WorkingCalendar | None = None,
                   group: str | None = None) -> dict:
    """`average_handling_working_days` per value of `group` (None: one figure, under the key None)."""
    return handling_averages(handling_pairs(cases=cases, period=period, group=group), calendar=calendar, group=group)


def chart_trend(*, cases: QuerySet[Case], period: Period) -> list[dict]:
    """Cases received per day (Beijing dates) in the period."""
    return list(
        cases.filter(received_at__gte=period.start_at, received_at__lt=period.end_at)
        .annotate(day=TruncDate("received_at", tzinfo=SHANGHAI))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )


def chart_by_category(*, cases: QuerySet[Case], period: Period) -> list[dict]:
    """Cases received in the period per top-level category."""
    return list(
        cases.filter(received_at__gte=period.start_at, received_at__lt=period.end_at, category__isnull=False)
        .annotate(
            top_id=Coalesce("category__parent_id", "category_id"),
            top_name=Coalesce("category__parent__name", "category__name"),
        )
        .values("top_id", "top_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "top_name")
    )


def chart_by_unit(*, cases: QuerySet[Case], period: Period) -> list[dict]:
    """Cases received in the period per handling unit."""
    return list(
        cases.filter(
            received_at__gte=period.start_at, received_at__lt=period.end_at, handling_unit__isnull=False
        )
        .values("handling_unit_id", "handling_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )


# --- drill-down: the cases behind each figure --------------------------------------------------
def metric_filter(*, metric: str, period: Period, window: DeadlineWindow, value: str = "") -> Q | None:
    """The cases behind one figure (reports/metrics.py), or None when the metric is unknown."""
    entry = METRICS.get(metric)
    return None if entry is None else entry.case_filter(MetricContext(period=period, now=window.now, value=value))


def metric_case_list(
    *, cases: QuerySet[Case], metric: str, period: Period, window: DeadlineWindow, value: str = ""
) -> QuerySet[Case] | None:
    condition = metric_filter(metric=metric, period=period, window=window, value=value)
    if condition is None:
        return None
    return (
        cases.filter(condition)
        .select_related("handling_unit", "registering_unit", "category")
        .order_by("-received_at", "-pk")  # pk breaks ties so that pages neither overlap nor skip
    )
