"""KPIs and dashboard figures (SPEC section 8), each one set-based aggregate query, and the case
lists behind every figure (drill-down). Deadline colours and red lines are computed from the clocks
and case fields here, so they can switch to supervision's stored fields in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from complaints.models import Case
from complaints.models.choices import Satisfaction
from complaints.selectors import case_due_soon, case_overdue, case_visibility_filter
from complaints.selectors_inbox import DeadlineWindow
from deadlines.models import CaseClock
from deadlines.workdays import (
    SHANGHAI,
    CalendarYearMissing,
    WorkingCalendar,
    end_of_day,
    load_calendar,
    local_date,
)
from routing.models import Area, Category, Unit
from supervision.models import RedLineItem

CLOSED_STATES = (Case.State.ARCHIVED, Case.State.DECLINED, Case.State.TRANSFERRED)
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)


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




def _open_filters(window: DeadlineWindow) -> dict[str, Q]:
    return {
        "open": ~Q(state__in=CLOSED_STATES),
        "due_soon": Q(case_due_soon(now=window.now)),
        "overdue": Q(case_overdue(now=window.now)),
    }


def dashboard_today(*, cases: QuerySet[Case], window: DeadlineWindow) -> dict[str, int]:
    """Today's intake, the dispatch queue, open, due soon and overdue: one query."""
    today_start = datetime.combine(local_date(window.now), time.min, tzinfo=SHANGHAI)
    figures = {
        "intake_today": Q(received_at__gte=today_start),
        "queue": Q(state=Case.State.REGISTERED),
        **_open_filters(window),
    }
    return cases.aggregate(**{name: Count("pk", filter=q) for name, q in figures.items()})


def dashboard_by_unit(*, cases: QuerySet[Case], window: DeadlineWindow) -> list[dict]:
    """Per handling unit: today's intake, open, due soon, overdue (one grouped query)."""
    today_start = datetime.combine(local_date(window.now), time.min, tzinfo=SHANGHAI)
    figures = {"intake_today": Q(received_at__gte=today_start), **_open_filters(window)}
    rows = (
        cases.filter(handling_unit__isnull=False)
        .values("handling_unit_id", "handling_unit__name")
        .annotate(**{name: Count("pk", filter=q) for name, q in figures.items()})
        .filter(Q(open__gt=0) | Q(intake_today__gt=0))
        .order_by("-overdue", "-due_soon", "-open", "handling_unit__name")
    )
    return list(rows)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# The deadlines a handling unit answers for: first contact, handling, redo after return.
UNIT_CLOCKS = ("contact", "handling", "redo")


def ledger_open_at(at: datetime) -> Q:
    """Red-line ledger items open at `at` (opened by then, not closed by then); `at` = now is the
    ledger's open items, an earlier moment what a published notice counted."""
    return Q(opened_at__lte=at) & (Q(closed_at__isnull=True) | Q(closed_at__gt=at))


def _clock_figures(*, period: Period, now: datetime) -> dict[str, Count]:
    """The clock-based KPIs as aggregates over CaseClock rows (whole period or grouped per unit)."""
    start, end = period.start_at, period.end_at
    decided = Q(stopped_at__isnull=False) | Q(due_at__lte=now)  # met, late, or already past due
    contact = Q(clock="contact", due_at__gte=start, due_at__lt=end) & decided
    # Handling deadlines that ended in the period (reply) or ran out in it without a reply.
    handling = Q(clock="handling") & (
        Q(stopped_at__gte=start, stopped_at__lt=end)
        | Q(stopped_at__isnull=True, due_at__gte=start, due_at__lt=end, due_at__lte=now)
    )
    on_time = Q(stopped_at__isnull=False, stopped_at__lte=F("due_at"))
    return {
        "contact_due": Count("pk", filter=contact),
        "contact_on_time": Count("pk", filter=contact & on_time),
        "completion_due": Count("pk", filter=handling),
        "completion_on_time": Count("pk", filter=handling & on_time),
        "overdue_in_period": Count(
            "case",
            distinct=True,
            filter=Q(due_at__gte=start, due_at__lt=end, due_at__lte=now) & ~on_time & Q(clock__in=UNIT_CLOCKS),
        ),
    }


def _clocks_in_period(period: Period) -> Q:
    """Every clock a figure of `_clock_figures` may count: due or stopped in the period."""
    start, end = period.start_at, period.end_at
    return Q(due_at__gte=start, due_at__lt=end) | Q(stopped_at__gte=start, stopped_at__lt=end)


def _case_figures(*, period: Period) -> dict[str, Count]:
    """The case-based KPIs as aggregates over Case rows (whole period or grouped per unit)."""
    start, end = period.start_at, period.end_at
    followed = Q(followed_up_at__gte=start, followed_up_at__lt=end) & ~Q(
        satisfaction=Satisfaction.UNREACHABLE
    )
    received = Q(received_at__gte=start, received_at__lt=end)
    return {
        "received": Count("pk", filter=received),
        "dispatched": Count("pk", filter=Q(dispatched_at__gte=start, dispatched_at__lt=end)),
        "followed_up": Count("pk", filter=followed),
        "satisfied": Count("pk", filter=followed & Q(satisfaction__in=SATISFIED)),
        "resolved": Count("pk", filter=followed & Q(resolved=True)),
        "dissatisfied": Count("pk", filter=followed & Q(satisfaction=Satisfaction.DISSATISFIED)),
        "repeat": Count("pk", filter=received & Q(is_repeat=True)),
    }


def _cases_in_period(period: Period) -> Q:
    """Every case a figure of `_case_figures` may count: received, dispatched or followed up in it."""
    start, end = period.start_at, period.end_at
    return (Q(received_at__gte=start, received_at__lt=end) | Q(dispatched_at__gte=start, dispatched_at__lt=end)
            | Q(followed_up_at__gte=start, followed_up_at__lt=end))


def _rates(figures: dict) -> dict:
    return {
        "contact_rate": _percent(figures["contact_on_time"], figures["contact_due"]),
        "completion_rate": _percent(figures["completion_on_time"], figures["completion_due"]),
        "satisfaction_rate": _percent(figures["satisfied"], figures["followed_up"]),
        "resolution_rate": _percent(figures["resolved"], figures["followed_up"]),
    }


def kpi_summary(*, cases: QuerySet[Case], period: Period, now: datetime) -> dict:
    """SPEC section 8 KPIs for a period, in two aggregate queries (clocks, then cases)."""
    # Only clocks due or stopped in the period can count: read from the two time indexes, not
    # every clock of every case the viewer may see.
    c = CaseClock.objects.filter(_clocks_in_period(period), case__in=cases, due_at__isnull=False).aggregate(
        **_clock_figures(period=period, now=now)
    )
    k = cases.aggregate(**_case_figures(period=period))
    figures = {
        **c,
        **k,
        "ledger_open": RedLineItem.objects.filter(ledger_open_at(now), case__in=cases).count(),
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
        CaseClock.objects.filter(_clocks_in_period(period), case__in=cases, due_at__isnull=False,
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


def _handling_days(*, cases: QuerySet[Case], period: Period, calendar: WorkingCalendar | None = None,
                   group: str | None = None) -> dict:
    """`average_handling_working_days` per value of `group` (None: one figure, under the key None).

    Grouped by (dispatch day, reply day) in the database, so Python counts working days once per
    distinct pair of days rather than once per case."""
    fields = ["sent", "done", *([group] if group else [])]
    pairs = (
        cases.filter(replied_at__gte=period.start_at, replied_at__lt=period.end_at, dispatched_at__isnull=False)
        .annotate(sent=TruncDate("dispatched_at", tzinfo=SHANGHAI), done=TruncDate("replied_at", tzinfo=SHANGHAI))
        .values(*fields)
        .annotate(n=Count("pk"))
        .order_by()
    )
    calendar = calendar or load_calendar()
    totals: dict = {}
    try:
        for row in pairs:
            days, n = totals.get(row[group] if group else None, (0, 0))
            totals[row[group] if group else None] = (
                days + row["n"] * calendar.working_days_between(row["sent"], row["done"]), n + row["n"])
    except CalendarYearMissing:
        return {}
    return {key: round(days / n, 1) for key, (days, n) in totals.items() if n}


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
def _clock_cases(**filters) -> Q:
    return Q(Exists(CaseClock.objects.filter(case=OuterRef("pk"), **filters)))


def metric_filter(*, metric: str, period: Period, window: DeadlineWindow, value: str = "") -> Q | None:
    """The filter for one figure, or None when the metric is unknown."""
    start, end, now = period.start_at, period.end_at, window.now
    today_start = datetime.combine(local_date(now), time.min, tzinfo=SHANGHAI)
    received = Q(received_at__gte=start, received_at__lt=end)
    followed = Q(followed_up_at__gte=start, followed_up_at__lt=end) & ~Q(
        satisfaction=Satisfaction.UNREACHABLE
    )
    in_period = {"due_at__gte": start, "due_at__lt": end}
    late = Q(stopped_at__isnull=True, due_at__lte=now) | Q(stopped_at__gt=F("due_at"))
    handling_decided = Q(clock="handling") & (
        Q(stopped_at__gte=start, stopped_at__lt=end)
        | Q(stopped_at__isnull=True, due_at__gte=start, due_at__lt=end, due_at__lte=now)
    )
    contact_decided = Q(clock="contact", **in_period) & (Q(stopped_at__isnull=False) | Q(due_at__lte=now))
    filters = {
        **_open_filters(window),
        "intake_today": Q(received_at__gte=today_start),
        "queue": Q(state=Case.State.REGISTERED),
        "received": received,
        "dispatched": Q(dispatched_at__gte=start, dispatched_at__lt=end),
        "contact_due": Q(Exists(CaseClock.objects.filter(contact_decided, case=OuterRef("pk")))),
        "contact_late": Q(Exists(CaseClock.objects.filter(contact_decided & late, case=OuterRef("pk")))),
        "completion_due": Q(Exists(CaseClock.objects.filter(handling_decided, case=OuterRef("pk")))),
        "completion_late": Q(Exists(CaseClock.objects.filter(handling_decided & late, case=OuterRef("pk")))),
        "overdue_in_period": Q(
            Exists(
                CaseClock.objects.filter(
                    late,
                    case=OuterRef("pk"),
                    clock__in=UNIT_CLOCKS,
                    due_at__lte=now,
                    **in_period,
                )
            )
        ),
        "followed_up": followed,
        "satisfied": followed & Q(satisfaction__in=SATISFIED),
        "dissatisfied": followed & Q(satisfaction=Satisfaction.DISSATISFIED),
        "resolved": followed & Q(resolved=True),
        "unresolved": followed & Q(resolved=False),
        "repeat": received & Q(is_repeat=True),
    }
    if metric in filters:
        return filters[metric]
    if metric == "day" and value:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        return Q(
            received_at__gte=datetime.combine(day, time.min, tzinfo=SHANGHAI), received_at__lt=end_of_day(day)
        )
    if metric == "unit" and value.isdigit():
        return received & Q(handling_unit_id=int(value))
    breakdown = breakdown_filter(metric, value)
    return None if breakdown is None else received & breakdown


# The chart's and the volume and hotspot pages' rows (reports/selectors_volume.py): cases received
# in the period of one kind, channel, category (with its sub-categories, or exactly), respondent or
# respondent's area (with the areas below it, or exactly). "none" is the row of cases where the
# field is empty.
BREAKDOWN_METRICS = ("kind", "channel", "category", "category_exact", "respondent", "area", "area_exact")


def breakdown_filter(metric: str, value: str) -> Q | None:
    if metric not in BREAKDOWN_METRICS or not value:
        return None
    if metric == "kind":
        return Q(kind=value) if value in Case.Kind.values else None
    if metric == "channel":
        return Q(channel=value) if value in Case.Channel.values else None
    if metric == "respondent":
        return Q(respondent_name=value)
    if value == "none":
        return Q(category__isnull=True) if metric.startswith("category") else Q(respondent_area__isnull=True)
    if not value.isdigit():
        return None
    if metric == "category":
        return Q(category_id=int(value)) | Q(category__parent_id=int(value))
    if metric == "category_exact":
        return Q(category_id=int(value))
    if metric == "area_exact":
        return Q(respondent_area_id=int(value))
    path = Area.objects.filter(pk=int(value)).values_list("path", flat=True).first()
    return Q(respondent_area__path__startswith=path) if path else Q(pk__in=[])


def breakdown_label(metric: str, value: str, *, short: bool = False) -> str:
    """What a breakdown row is about, for the titles of its case list and of a consumer warning
    (`short`: a sub-category without its parent's name)."""
    if metric == "kind":
        return str(dict(Case.Kind.choices).get(value, ""))
    if metric == "channel":
        return str(dict(Case.Channel.choices).get(value, ""))
    if metric == "respondent":
        return value
    if not value.isdigit():
        return ""
    if metric in ("category", "category_exact"):
        category = Category.objects.select_related("parent").filter(pk=int(value)).first()
        return "" if category is None else category.name if short else str(category)
    if metric in ("area", "area_exact"):
        return Area.objects.filter(pk=int(value)).values_list("name", flat=True).first() or ""
    return ""


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
