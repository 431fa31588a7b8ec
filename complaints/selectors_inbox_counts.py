"""The inbox's tab counts read from the kept tallies (complaints/models/inbox_tally.py), PostgreSQL.

One statement, so one snapshot: the state tabs are their tally rows; overdue is the `due` rows of
every hour before the current one plus a live count of the cases due earlier in the current hour
(an index range of the case_inbox_due index, at most an hour of due times); due soon is the same for
`warn` (case_inbox_warn) less overdue. The cost depends on the unit's hours with deadlines, not on
its cases, and the figures are exact at `now`: a deadline passing needs no sweep to show.

The hour's start is a parameter, not complaints_inbox_hour() inside the statement: with a value the
planner cannot see it guessed a third of the unit's cases for the current hour, and at 1 M open
cases that estimate alone pushed the statement over jit_above_cost (100 ms of JIT compiling for a
query that runs in 4 ms). The hour is computed as complaints_inbox_hour computes it (whole hours of
the epoch, so in UTC), which the tallies' buckets are.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime

from django.db import connection

from .inbox_tally_sql import BUCKET_SECONDS
from .models import Case

STATE_TABS = ("all", "sign", "contact", "handling", "redo", "cohandling")
_OPEN = ", ".join(f"'{state}'" for state in Case.AT_UNIT_STATES)

_SQL = f"""
SELECT
    (SELECT coalesce(json_object_agg(tab, n), '{{}}') FROM (
        SELECT tab, sum(count) AS n FROM complaints_inboxtally
        WHERE unit_id = %(unit)s AND bucket = to_timestamp(0) GROUP BY tab) s),
    (SELECT coalesce(sum(count), 0) FROM complaints_inboxtally
        WHERE unit_id = %(unit)s AND tab = 'due' AND bucket < %(hour)s)
    + (SELECT count(*) FROM complaints_case WHERE handling_unit_id = %(unit)s AND state IN ({_OPEN})
        AND next_due_at >= %(hour)s AND next_due_at <= %(now)s),
    (SELECT coalesce(sum(count), 0) FROM complaints_inboxtally
        WHERE unit_id = %(unit)s AND tab = 'warn' AND bucket < %(hour)s)
    + (SELECT count(*) FROM complaints_case WHERE handling_unit_id = %(unit)s AND state IN ({_OPEN})
        AND next_warn_at >= %(hour)s AND next_warn_at <= %(now)s)
"""


def inbox_hour(now: datetime) -> datetime:
    """The start of the tally bucket `now` falls in (complaints_inbox_hour in SQL)."""
    return datetime.fromtimestamp(now.timestamp() // BUCKET_SECONDS * BUCKET_SECONDS, tz=UTC)


def inbox_kept_counts(*, unit_id: int, now: datetime) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(_SQL, {"unit": unit_id, "now": now, "hour": inbox_hour(now)})
        states, overdue, warned = cursor.fetchone()
    if isinstance(states, str):  # a driver may leave json as text
        states = json.loads(states)
    counts = {tab: int(states.get(tab, 0)) for tab in STATE_TABS}
    counts["overdue"] = int(overdue)
    counts["due_soon"] = int(warned) - int(overdue)
    return counts
