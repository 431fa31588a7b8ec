"""Hotspot analysis (热点分析, SPEC section 8): the categories, respondents and respondents' areas whose
cases rose in the period against the previous period of the same length, beyond the center's
thresholds (supervision.SupervisionSettings: minimum count, minimum growth, how many to list), most
growth first; their daily counts over both periods for the trend lines; and the figures a draft
consumer warning (消费警示) is written from.

Categories and respondents are thresholded, ranked and cut in the database (HAVING, ORDER BY,
LIMIT); areas are rolled up first (reports/selectors_volume.py) and thresholded over the rolled-up
rows. The trend lines of each list are one grouped query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.db.models import Count, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, NullIf, Trim, TruncDate

from complaints.models import Case
from deadlines.workdays import SHANGHAI
from supervision.models import SupervisionSettings

from .breakdowns import breakdown_filter
from .selectors import Period
from .selectors_volume import (
    area_buckets,
    area_rows,
    category_names,
    change,
    compared_counts,
    compared_window,
    grouped_by_area,
)

TOP_RELATED = 3


@dataclass(frozen=True)
class Thresholds:
    min_count: int
    min_growth_percent: int
    limit: int

    def admits(self, current: int, previous: int) -> bool:
        return current >= self.min_count and current * 100 >= previous * (100 + self.min_growth_percent)


def hotspot_thresholds() -> Thresholds:
    policy = SupervisionSettings.current()
    return Thresholds(min_count=policy.hotspot_min_count, min_growth_percent=policy.hotspot_min_growth_percent,
                      limit=policy.hotspot_limit)


def _rising(grouped: QuerySet, thresholds: Thresholds) -> QuerySet:
    """Thresholds and ranking in SQL: growth against the previous period, items new in the period
    (nothing before, growth unknown) first, then the larger count."""
    return (
        grouped.alias(scaled=F("current") * 100)
        .filter(current__gte=thresholds.min_count, scaled__gte=F("previous") * (100 + thresholds.min_growth_percent))
        .alias(growth=Cast(F("current") - F("previous"), FloatField()) / NullIf(F("previous"), 0))
        .order_by(F("growth").desc(nulls_first=True), "-current")[: thresholds.limit]
    )


def _ranked(rows: list[dict]) -> list[dict]:
    return [{**row, "rank": rank} for rank, row in enumerate(rows, start=1)]


def _row(*, metric: str, value, name: str, current: int, previous: int) -> dict:
    return {"metric": metric, "value": str(value), "name": name, "current": current, "previous": previous,
            "is_new": previous == 0, **change(current, previous)}


def hotspot_categories(*, cases: QuerySet[Case], period: Period, thresholds: Thresholds) -> list[dict]:
    """Rising categories, each as assigned (a sub-category on its own, not summed into its parent)."""
    grouped = (
        compared_window(cases=cases, period=period)
        .filter(category__isnull=False)
        .values("category_id")
        .annotate(**compared_counts(period))
    )
    rising = list(_rising(grouped, thresholds))
    names = category_names(row["category_id"] for row in rising)
    return _ranked([
        _row(metric="category_exact", value=row["category_id"], current=row["current"], previous=row["previous"],
             name=" / ".join(filter(None, [names[row["category_id"]][key] for key in ("parent_name", "name")])))
        for row in rising
    ])


def hotspot_respondents(*, cases: QuerySet[Case], period: Period, thresholds: Thresholds) -> list[dict]:
    grouped = (
        compared_window(cases=cases, period=period)
        .exclude(respondent_name="")
        .values("respondent_name")
        .annotate(**compared_counts(period))
    )
    return _ranked([
        _row(metric="respondent", value=row["respondent_name"], name=row["respondent_name"],
             current=row["current"], previous=row["previous"])
        for row in _rising(grouped, thresholds)
    ])


def hotspot_areas(*, cases: QuerySet[Case], period: Period, thresholds: Thresholds, level: str) -> list[dict]:
    """Rising respondents' areas at `level`; cases without an area are no hotspot."""
    rows = [
        {**row, "is_new": row["previous"] == 0}
        for row in area_rows(area_buckets(grouped_by_area(cases=cases, period=period), level=level))
        if row["value"] != "none" and thresholds.admits(row["current"], row["previous"])
    ]
    # The order _rising gives in SQL: new first, then growth, then count.
    rows.sort(key=lambda row: (not row["is_new"], -(row["change_percent"] or 0), -row["current"]))
    return _ranked(rows[: thresholds.limit])


# --- trend lines ------------------------------------------------------------------------------------
def _key_of(metric: str, rows: list[dict]):
    """The expression naming each case's row, and the filter keeping the cases of the listed rows."""
    if metric == "respondent":
        names = [row["value"] for row in rows]
        return F("respondent_name"), Q(respondent_name__in=names)
    if metric == "category_exact":
        ids = [int(row["value"]) for row in rows]
        return F("category_id"), Q(category_id__in=ids)
    # Areas: each rolled-up area is a subtree (or exactly one area), told apart in SQL by a CASE.
    whens, keep = [], Q(pk__in=[])
    for row in rows:
        q = Q(respondent_area_id=int(row["value"])) if row["metric"] == "area_exact" else Q(
            respondent_area__path__startswith=row["path"])
        whens.append(When(q, then=Value(int(row["value"]))))
        keep |= q
    return models.Case(*whens, output_field=IntegerField()), keep


def hotspot_trends(*, cases: QuerySet[Case], period: Period, rows: list[dict]) -> dict:
    """Daily counts of each listed row over the previous period and this one (one grouped query):
    `{"days": [...], "series": {value: [n, ...]}}`."""
    start = period.previous.start
    days = [start + timedelta(days=i) for i in range(2 * period.days)]
    series = {row["value"]: [0] * len(days) for row in rows}
    if rows:
        key, keep = _key_of(rows[0]["metric"], rows)
        counts = (
            compared_window(cases=cases, period=period)
            .filter(keep)
            .annotate(key=key, day=TruncDate("received_at", tzinfo=SHANGHAI))
            .values("key", "day")
            .annotate(n=Count("pk"))
        )
        for count in counts:
            line = series.get(str(count["key"]))
            if line is not None:
                line[(count["day"] - start).days] += count["n"]
    return {"days": [day.isoformat() for day in days], "series": series}


# --- figures of a consumer warning ------------------------------------------------------------------
def warning_figures(*, cases: QuerySet[Case], period: Period, metric: str, value: str) -> dict | None:
    """Counts of one item in both periods, the respondents (or, for a respondent, the categories) most
    complained of and the most frequent demands in the period. Three queries; None for an unknown item."""
    condition = breakdown_filter(metric, value)
    if condition is None or metric in ("kind", "channel"):
        return None
    item = compared_window(cases=cases, period=period).filter(condition)
    counts = item.aggregate(**compared_counts(period))
    current = item.filter(received_at__gte=period.start_at)
    if metric == "respondent":
        related = current.filter(category__isnull=False).values(name=F("category__name"))
    else:
        related = current.exclude(respondent_name="").values(name=F("respondent_name"))
    related = related.annotate(n=Count("pk")).order_by("-n", "name")[:TOP_RELATED]
    demands = (
        current.annotate(text=Trim("demand")).exclude(text="").values("text")
        .annotate(n=Count("pk")).order_by("-n", "text")[:TOP_RELATED]
    )
    return {**counts, **change(counts["current"], counts["previous"]),
            "related": list(related), "demands": [row["text"] for row in demands]}
