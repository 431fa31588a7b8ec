"""Returns (退回) per handling unit, for the center and the district centers: how often each unit sent
cases back as not its own in a period, its most frequent reasons, and the returns behind each figure.

Counted from the history (a case returned twice counts twice), by the unit that returned it. A
district center counts the returns of the units below it even when the case has since left its
district (a station sends a case the center dispatched back to the center's queue): the return is
its unit's act. The list of returns links only the cases the viewer may open."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber, Trim

from complaints.models import Case, CaseEvent
from complaints.routing_selectors import return_events
from complaints.selectors import case_visibility_filter
from routing.models import Category, Unit

from .selectors import Period

TOP_REASONS = 3


def unit_returns(
    *, visible_to, period: Period, unit: Unit | None = None, category: Category | None = None
) -> QuerySet[CaseEvent]:
    """The returns in the period by the units the viewer oversees (a district center: its own subtree,
    the rule of the dashboard's unit choice), narrowed to a unit's subtree and a category. Each row
    carries `reason`, the note as typed without surrounding blanks, so that reasons group."""
    events = return_events(since=period.start_at, until=period.end_at)
    if not (visible_to.is_superuser or getattr(visible_to, "is_center_staff", False)):
        if visible_to.unit is None:
            return events.none()
        events = events.filter(actor_unit__path__startswith=visible_to.unit.path)
    if unit is not None:
        events = events.filter(actor_unit__path__startswith=unit.path)
    if category is not None:
        events = events.filter(Q(case__category=category) | Q(case__category__parent=category))
    return events.annotate(reason=Trim("note"))


def returns_by_unit(*, events: QuerySet[CaseEvent]) -> list[dict]:
    """Per returning unit, most returns first: returns, distinct cases, and its most frequent reasons
    (at most TOP_REASONS, each with its count). Two grouped queries whatever the number of units."""
    rows = list(
        events.values("actor_unit_id", "actor_unit__name")
        .annotate(returns=Count("pk"), cases=Count("case", distinct=True))
        .order_by("-returns", "actor_unit__name")
    )
    ranked = (
        events.values("actor_unit_id", "reason")
        .annotate(n=Count("pk"))
        .annotate(rank=Window(RowNumber(), partition_by="actor_unit_id", order_by=[Count("pk").desc(), "reason"]))
        .filter(rank__lte=TOP_REASONS)
        .order_by("actor_unit_id", "rank")
    )
    reasons = defaultdict(list)
    for row in ranked:
        reasons[row["actor_unit_id"]].append({"reason": row["reason"], "n": row["n"]})
    for row in rows:
        row["reasons"] = reasons[row["actor_unit_id"]]
    return rows


def return_list(
    *, events: QuerySet[CaseEvent], visible_to, returned_by: int | None = None, reason: str | None = None
) -> QuerySet[CaseEvent]:
    """The returns behind one figure, newest first, each marked `may_open` when the viewer may open
    its case (the case visibility rule): a case that has left a district is listed, not linked."""
    if returned_by is not None:
        events = events.filter(actor_unit_id=returned_by)
    if reason is not None:
        events = events.filter(reason=reason)
    visibility = case_visibility_filter(visible_to)
    may_open = Value(True) if visibility is None else Exists(Case.objects.filter(visibility, pk=OuterRef("case_id")))
    return (
        events.annotate(may_open=may_open)
        .select_related("case", "case__handling_unit", "actor_unit")
        .order_by("-at", "-pk")  # pk breaks ties so that pages neither overlap nor skip
    )
