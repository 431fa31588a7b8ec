"""A paginator that never counts millions of rows: Django admin's change lists and other numbered
pages over tables that grow without bound.

Up to `EXACT_UP_TO` rows it counts exactly (a capped count reads at most that many); past that, on
PostgreSQL, it takes the planner's row estimate for the same query (EXPLAIN, no rows read), so the
page numbers stay roughly right and page one costs what a page costs.
"""
from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
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


def first_keys(qs, n: int) -> list:
    """The first `n` primary keys of `qs` (in no order), planned as if all were read. Under a LIMIT
    the planner may scan the whole table in its physical order, expecting to meet `n` matches
    soon: a guess of how common a substring is (an estimate that moves with each ANALYZE) then
    costs a full scan, 1 s at 10 M cases. A materialized CTE is planned on its own (the filter's
    indexes) and still read only as far as the LIMIT asks. Elsewhere (SQLite) a plain LIMIT."""
    keys = qs.order_by().values_list("pk", flat=True)
    connection = connections[keys.db]
    if connection.vendor != "postgresql":
        return list(keys[:n])
    try:
        sql, params = keys.query.get_compiler(keys.db).as_sql()
    except EmptyResultSet:  # a filter that holds for no row (pk__in=[])
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"WITH matched AS MATERIALIZED ({sql}) SELECT * FROM matched LIMIT %s", [*params, n])
        return [row[0] for row in cursor.fetchall()]


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        qs = self.object_list
        exact = len(first_keys(qs, EXACT_UP_TO + 1))
        if exact <= EXACT_UP_TO:
            return exact
        estimate = planner_estimate(qs)
        return max(estimate, exact) if estimate is not None else qs.count()
