"""A paginator that never counts millions of rows: Django admin's change lists and other numbered
pages over tables that grow without bound.

Up to `EXACT_UP_TO` rows it counts exactly (a capped count reads at most that many); past that, on
PostgreSQL, it takes the planner's row estimate for the same query (EXPLAIN, no rows read), so the
page numbers stay roughly right and page one costs what a page costs.
"""
from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_UP_TO = 1000


def planner_estimate(qs) -> int | None:
    """The planner's estimate of how many rows `qs` returns, or None where there is no planner to ask."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        qs = self.object_list
        exact = qs.order_by().values("pk")[: EXACT_UP_TO + 1].count()
        if exact <= EXACT_UP_TO:
            return exact
        estimate = planner_estimate(qs)
        return max(estimate, exact) if estimate is not None else qs.count()
