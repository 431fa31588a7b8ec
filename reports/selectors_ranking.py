"""The monthly unit ranking (月度排名): per handling unit, the KPIs of SPEC section 8 for a month
(reports.selectors.kpi_by_unit, the dashboard's definitions grouped by unit, read from the daily
rollups: reports/selectors_rollups.py), a composite score
from the center's weights (reports.RankingWeights) and the change of rank against the month before."""

from __future__ import annotations

from datetime import datetime

from deadlines.workdays import WorkingCalendar
from routing.models import Unit

from .periods import month_name, previous_month
from .scopes import scope_cases
from .selectors import Period
from .selectors_rollups import kpi_by_unit, scope_slice
from .selectors_snapshots import snapshot_published
from .snapshots import ReportSnapshot

RATES = ("completion_rate", "contact_rate", "satisfaction_rate", "resolution_rate")
# The statutory track's figures: shown for each unit, not scored (the center's weights do not name them).
LEGAL_RATES = ("acceptance_rate", "acceptance_on_time_rate", "mediation_success_rate", "report_opening_rate",
               "report_on_time_rate")
# Figures a row carries besides the rates: what each rate is made of, for the page and the export.
COUNTS = ("volume", "contact_due", "contact_on_time", "completion_due", "completion_on_time", "followed_up",
          "satisfied", "resolved", "overdue",
          "acceptance_decided", "accepted", "acceptance_due", "acceptance_on_time", "mediation_ended",
          "mediation_agreed", "amount_recovered", "report_decided", "report_opened", "report_decision_due",
          "report_decision_on_time", "sampled", "sampled_satisfaction_rate", "sampled_resolution_rate")


def _lower_is_better(value: float, values: list[float]) -> float:
    best, worst = min(values), max(values)
    return 100.0 if worst == best else 100 * (worst - value) / (worst - best)


def ranking_score(rows: list[dict], weights: dict[str, int]) -> None:
    """Set each row's composite `score` (0-100, None when it has nothing weighted to score) and
    `rank` (1 = best; equal scores share a rank; unscored rows get none), in place."""
    top_volume = max((row["volume"] for row in rows), default=0)
    days = [row["average_handling_days"] for row in rows if row["average_handling_days"] is not None]
    overdue = [row["overdue"] for row in rows]
    for row in rows:
        scores = {rate: row[rate] for rate in RATES if row[rate] is not None}
        if top_volume:
            scores["volume"] = 100 * row["volume"] / top_volume
        if row["average_handling_days"] is not None:
            scores["average_handling_days"] = _lower_is_better(row["average_handling_days"], days)
        scores["overdue"] = _lower_is_better(row["overdue"], overdue)
        weight = sum(weights.get(name, 0) for name in scores)
        row["score"] = (round(sum(weights.get(name, 0) * score for name, score in scores.items()) / weight, 1)
                        if weight else None)
    rows.sort(key=lambda row: (row["score"] is None, -(row["score"] or 0), -row["volume"], row["unit_name"]))
    previous_score, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row["score"] is None:
            row["rank"] = None
            continue
        if row["score"] != previous_score:
            rank, previous_score = position, row["score"]
        row["rank"] = rank


def unit_ranking(*, scope: Unit, period: Period, now: datetime, weights: dict[str, int],
                 calendar: WorkingCalendar | None = None) -> list[dict]:
    """Ranked rows of the handling units with something to count in the month (four queries)."""
    figures = kpi_by_unit(cases=scope_cases(scope), dims=scope_slice(scope), period=period, now=now,
                          calendar=calendar)
    names = dict(Unit.objects.filter(pk__in=figures).values_list("pk", "name"))
    rows = []
    for unit_id, unit in figures.items():
        row = {"unit_id": unit_id, "unit_name": names.get(unit_id, ""), "volume": unit["dispatched"],
               "overdue": unit["overdue_in_period"], "average_handling_days": unit["average_handling_days"]}
        row.update({name: unit[name] for name in (*RATES, *LEGAL_RATES, *COUNTS) if name not in row})
        rows.append(row)
    ranking_score(rows, weights)
    return rows


def previous_ranks(*, scope: Unit, period: Period, now: datetime, weights: dict[str, int],
                   calendar: WorkingCalendar | None = None) -> dict[int, int]:
    """The ranks of the month before: as published, since that is what units were told; computed
    now with the current weights if it was never published."""
    before = previous_month(period)
    published = snapshot_published(kind=ReportSnapshot.Kind.MONTHLY_RANKING, period_start=before.start, scope=scope)
    rows = published.data["units"] if published else unit_ranking(
        scope=scope, period=before, now=now, weights=weights, calendar=calendar)
    return {row["unit_id"]: row["rank"] for row in rows if row["rank"] is not None}


def monthly_ranking(*, scope: Unit, period: Period, now: datetime, weights: dict[str, int],
                    calendar: WorkingCalendar | None = None) -> dict:
    """The ranking of one month for one scope, as plain data (stored as is when published)."""
    rows = unit_ranking(scope=scope, period=period, now=now, weights=weights, calendar=calendar)
    before = previous_ranks(scope=scope, period=period, now=now, weights=weights, calendar=calendar)
    for row in rows:
        row["previous_rank"] = before.get(row["unit_id"])
        row["rank_change"] = (row["previous_rank"] - row["rank"]
                              if row["rank"] is not None and row["previous_rank"] is not None else None)
    return {
        "month": month_name(period),
        "previous_month": month_name(previous_month(period)),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "as_of": min(period.end_at, now).isoformat(),
        "complete": now >= period.end_at,
        "scope": {"id": scope.pk, "name": scope.name},
        "weights": weights,
        "units": rows,
    }
