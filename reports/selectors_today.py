"""The dashboard's "now" row and its per-unit table (metrics.TODAY_METRICS) read from the counts the
database keeps as cases move (complaints/models/open_tally.py), not counted over every case.

Open and the dispatch queue are tally rows. Overdue is the `due` rows of every hour before the
current one plus a live count of the cases due earlier in the current hour (the case_next_due_at
index, at most an hour of due times); due soon is the same for `warn` less overdue, as the inbox
counts them (complaints/selectors_inbox_counts.py). Today's intake is a range of the
case_received_at index (a day of cases). The figures are exact at `now`: a deadline passing needs
no sweep to show, and tests/reports/test_dashboard_today.py holds them equal to the live count.

The tallies know a case's handling unit and category, so they answer the center's dashboard with its
unit-subtree and category filters. A viewer who sees only some cases (a unit's own, registered or
taking part: case_visibility_filter), any other filter, or a database without the triggers (SQLite)
is counted live (reports/selectors.py dashboard_today / dashboard_by_unit, the one definition).
"""
from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from complaints.models import Case, OpenCaseTally
from complaints.selectors_inbox import DeadlineWindow, kept_deadlines
from complaints.selectors_inbox_counts import inbox_hour
from routing.models import Category, Unit

from . import selectors
from .metrics import METRICS, TODAY_METRICS, MetricContext
from .selectors_rollups import Slice

UNIT_FIGURES = ("intake_today", "open", "due_soon", "overdue")
# What each row of _groups' union carries, summed per unit.
_SUMMED = ("open", "queue", "due", "warn", "intake_today")


def kept_answers(dims: Slice | None) -> bool:
    """Whether the kept counts can answer the dashboard's cases (`dims` from dashboard_slice)."""
    return (dims is not None and kept_deadlines() and not dims.channel and dims.area is None
            and not dims.handled)


def dashboard_now(*, cases: QuerySet[Case], dims: Slice | None, window: DeadlineWindow) -> tuple[dict, list[dict]]:
    """selectors.dashboard_today and selectors.dashboard_by_unit for the cases `dims` describes (the
    same cases as `cases`): the same figures, and the same rows in the same order, in one query."""
    if not kept_answers(dims):
        return (selectors.dashboard_today(cases=cases, window=window),
                selectors.dashboard_by_unit(cases=cases, window=window))
    groups = _groups(dims, cases, window)
    today = dict.fromkeys(TODAY_METRICS, 0)
    for figures in groups.values():
        for name in TODAY_METRICS:
            today[name] += figures[name]
    # The groups come in unit-name order (the database's collation, as the live query sorts them),
    # and the sort is stable.
    rows = [{"handling_unit_id": unit, "handling_unit__name": figures["name"],
             **{name: figures[name] for name in UNIT_FIGURES}}
            for unit, figures in groups.items() if unit and (figures["open"] > 0 or figures["intake_today"] > 0)]
    return today, sorted(rows, key=lambda r: (-r["overdue"], -r["due_soon"], -r["open"]))


def _tallies(dims: Slice) -> QuerySet[OpenCaseTally]:
    """The tally rows of the cases of selectors.dashboard_cases' unit subtree and category."""
    rows = OpenCaseTally.objects.all()
    if dims.unit is not None:
        rows = rows.filter(unit_id__in=Unit.objects.filter(path__startswith=dims.unit.path).values("pk"))
    if dims.category is not None:
        rows = rows.filter(category_id__in=Category.objects.filter(
            Q(pk=dims.category.pk) | Q(parent=dims.category)).values("pk"))
    return rows


def _groups(dims: Slice, cases: QuerySet[Case], window: DeadlineWindow) -> dict[int, dict]:
    """The figures per handling unit (0: none), with the unit's name, in name order. One statement:
    the tally rows (an index range: the state rows and the hours before the current one) and, of the
    cases, those due or warned earlier in the current hour and today's intake (three index ranges)."""
    now, hour = window.now, inbox_hour(window.now)
    past = Q(bucket__lt=hour)
    zero = Value(0, output_field=IntegerField())
    name = Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("name")[:1])
    # The name annotated after the sums: looked up once per unit, not once per tally row.
    kept = _tallies(dims).filter(Q(tab__in=("open", "queue")) | Q(tab__in=("due", "warn")) & past).values(
        "unit_id").annotate(
        open=Sum("count", filter=Q(tab="open")), queue=Sum("count", filter=Q(tab="queue")),
        due=Sum("count", filter=Q(tab="due") & past), warn=Sum("count", filter=Q(tab="warn") & past),
        intake_today=zero).annotate(name=name).values(
        "unit_id", "name", "open", "queue", "due", "warn", "intake_today").order_by()
    due, warn = Q(next_due_at__gte=hour, next_due_at__lte=now), Q(next_warn_at__gte=hour, next_warn_at__lte=now)
    received = METRICS["intake_today"].condition(MetricContext(now=now))
    live = cases.filter(due | warn | received).values(unit_id=Coalesce(F("handling_unit_id"), 0)).annotate(
        name=F("handling_unit__name"), open=zero, queue=zero, due=Count("pk", filter=due),
        warn=Count("pk", filter=warn), intake_today=Count("pk", filter=received)).order_by()
    groups: dict[int, dict] = {}
    for row in kept.union(live, all=True).order_by("name"):
        into = groups.setdefault(row["unit_id"], {"name": row["name"], **dict.fromkeys(_SUMMED, 0)})
        for figure in _SUMMED:
            into[figure] += row[figure] or 0
    for figures in groups.values():
        figures["overdue"] = figures["due"]
        figures["due_soon"] = figures["warn"] - figures["due"]
    return groups
