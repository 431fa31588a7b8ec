"""Volume analysis (数量分析, SPEC section 8): cases received in a period by kind, channel, category,
respondent's area and respondent, each beside the previous period of the same length.

"Received in the period" is the dashboard's `received` figure (reports/selectors.py), and every row
names the drill-down metric that lists its cases. Each breakdown is one grouped query over the two
periods at once (a conditional count per period); the area breakdown adds one query on the area
table and rolls the respondents' areas up to the chosen level in Python, over distinct areas (the
size of the area table), never over cases."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from complaints.models import Case
from routing.models import Area, Category

from .selectors import Period

TOP_RESPONDENTS = 20
# Names of the rows of cases without the field, and of an area holding only its own cases.
_UNCLASSIFIED = _("未分类")
_NO_AREA = _("未填写区域")
_OWN_LEVEL = _("（本级）")


def change(current: int, previous: int) -> dict:
    """The change against the previous period: absolute, and in percent (None when it was zero)."""
    delta = current - previous
    return {"change": delta, "change_percent": round(100 * delta / previous, 1) if previous else None}


def compared_counts(period: Period) -> dict:
    """The two conditional counts of every breakdown: this period and the previous one."""
    previous = period.previous
    return {
        "current": Count("pk", filter=Q(received_at__gte=period.start_at, received_at__lt=period.end_at)),
        "previous": Count("pk", filter=Q(received_at__gte=previous.start_at, received_at__lt=previous.end_at)),
    }


def compared_window(*, cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    """The cases received in the previous period or this one: one range scan on the receipt time."""
    return cases.filter(received_at__gte=period.previous.start_at, received_at__lt=period.end_at)


def _row(*, metric: str, value, name: str, current: int, previous: int, **extra) -> dict:
    return {"metric": metric, "value": "none" if value is None else str(value), "name": name,
            "current": current, "previous": previous, **change(current, previous), **extra}


def _ordered(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: (-row["current"], -row["previous"], row["name"]))


def volume_total(*, cases: QuerySet[Case], period: Period) -> dict:
    counts = compared_window(cases=cases, period=period).aggregate(**compared_counts(period))
    return {**counts, **change(counts["current"], counts["previous"])}


def _by_choice(*, cases, period, field: str, choices) -> list[dict]:
    # Every choice is listed, those without cases at zero, so that periods compare line by line.
    counts = {
        row[field]: row
        for row in compared_window(cases=cases, period=period).values(field).annotate(**compared_counts(period))
    }
    rows = [
        _row(metric=field, value=code, name=str(label), current=counts.get(code, {}).get("current", 0),
             previous=counts.get(code, {}).get("previous", 0))
        for code, label in choices
    ]
    return _ordered(rows)


def volume_by_kind(*, cases: QuerySet[Case], period: Period) -> list[dict]:
    return _by_choice(cases=cases, period=period, field="kind", choices=Case.Kind.choices)


def volume_by_channel(*, cases: QuerySet[Case], period: Period) -> list[dict]:
    return _by_choice(cases=cases, period=period, field="channel", choices=Case.Channel.choices)


def category_names(ids) -> dict[int, dict]:
    """Names and parents of the given categories (grouping by the id alone, then naming the few
    groups, keeps the join to the category table out of the aggregate over cases)."""
    return {
        row["pk"]: row
        for row in Category.objects.filter(pk__in=ids).values("pk", "name", "parent_id", parent_name=F("parent__name"))
    }


def volume_by_category(*, cases: QuerySet[Case], period: Period) -> list[dict]:
    """Per top-level category (a sub-category counts under its parent, as on the dashboard's chart)."""
    window = compared_window(cases=cases, period=period)
    grouped = list(window.values("category_id").annotate(**compared_counts(period)))
    names = category_names(row["category_id"] for row in grouped if row["category_id"])
    tops: dict = {}
    for row in grouped:
        category = names.get(row["category_id"])
        top = (category["parent_id"] or category["pk"], category["parent_name"] or category["name"]) if category else (
            None, str(_UNCLASSIFIED))
        counts = tops.setdefault(top, {"current": 0, "previous": 0})
        counts["current"] += row["current"]
        counts["previous"] += row["previous"]
    return _ordered([
        _row(metric="category" if top_id else "category_exact", value=top_id, name=name, **counts)
        for (top_id, name), counts in tops.items()
    ])


def volume_top_respondents(
    *, cases: QuerySet[Case], period: Period, limit: int = TOP_RESPONDENTS
) -> list[dict]:
    """The respondents with most cases in the period, by name as registered."""
    grouped = (
        compared_window(cases=cases, period=period)
        .exclude(respondent_name="")
        .values("respondent_name")
        .annotate(**compared_counts(period))
        .filter(current__gt=0)
        .order_by("-current", "-previous", "respondent_name")[:limit]
    )
    return [
        _row(metric="respondent", value=row["respondent_name"], name=row["respondent_name"],
             current=row["current"], previous=row["previous"])
        for row in grouped
    ]


# --- the respondent's area, rolled up to a level of the area tree ---------------------------------
def default_area_level(user) -> str:
    """A city center compares its districts, a district center its streets."""
    district = user.unit is not None and user.unit.kind == "district_center"
    return Area.Level.STREET if district else Area.Level.DISTRICT


def area_buckets(grouped: list[dict], *, level: str) -> list[dict]:
    """Rolls rows counted per respondent's area (`path`, `current`, `previous`) up to the areas of
    `level`. An area with no ancestor at that level (above it, or a zone beside it) stays a row of its
    own holding exactly its own cases (`exact`). One query on the area table."""
    prefixes = set()
    for row in grouped:
        if row["path"]:
            codes = [code for code in row["path"].split("/") if code]
            prefixes.update("".join(f"{code}/" for code in codes[:depth]) for depth in range(1, len(codes) + 1))
    known = Area.objects.filter(path__in=prefixes).values("pk", "name", "level", "path")
    areas = {area["path"]: area for area in known}
    buckets: dict[tuple, dict] = {}
    for row in grouped:
        key, area = _bucket_of(row["path"], areas=areas, level=level)
        bucket = buckets.setdefault(key, {"area": area, "exact": key[1], "current": 0, "previous": 0})
        bucket["current"] += row["current"]
        bucket["previous"] += row["previous"]
    return list(buckets.values())


def _bucket_of(path: str | None, *, areas: dict, level: str) -> tuple[tuple, dict | None]:
    if not path:
        return (None, False), None
    prefix = ""
    for code in [code for code in path.split("/") if code]:
        prefix += f"{code}/"
        area = areas.get(prefix)
        if area is not None and area["level"] == level:
            return (area["pk"], False), area
    own = areas.get(path)
    return (own["pk"] if own else None, True), own


def area_rows(buckets: list[dict]) -> list[dict]:
    rows = []
    for bucket in buckets:
        area = bucket["area"]
        if area is None:
            rows.append(_row(metric="area", value=None, name=str(_NO_AREA), current=bucket["current"],
                             previous=bucket["previous"], exact=False, path=""))
            continue
        name = area["name"] if not bucket["exact"] else f"{area['name']}{_OWN_LEVEL}"
        rows.append(_row(metric="area_exact" if bucket["exact"] else "area", value=area["pk"], name=name,
                         current=bucket["current"], previous=bucket["previous"], exact=bucket["exact"],
                         path=area["path"]))
    return _ordered(rows)


def grouped_by_area(*, cases: QuerySet[Case], period: Period) -> list[dict]:
    """Counts per respondent's area (one row per distinct area, the size of the area table at most)."""
    return [
        {"path": row["respondent_area__path"], "current": row["current"], "previous": row["previous"]}
        for row in compared_window(cases=cases, period=period)
        .values("respondent_area__path")
        .annotate(**compared_counts(period))
    ]


def volume_by_area(*, cases: QuerySet[Case], period: Period, level: str) -> list[dict]:
    return area_rows(area_buckets(grouped_by_area(cases=cases, period=period), level=level))

