"""The inbox's tab counts read from the kept tallies (complaints/models/inbox_tally.py), PostgreSQL.

One statement, so one snapshot: the state tabs are their tally rows; overdue is the `due` rows of
every hour before the current one plus a live count of the cases due earlier in the current hour
(an index range of the case_inbox_due index, at most an hour of due times); due soon is the same for
`warn` (case_inbox_warn) less overdue. The cost depends on the unit's hours with deadlines, not on
its cases, and the figures are exact at `now`: a deadline passing needs no sweep to show.
"""
from __future__ import annotations

import json
from datetime import datetime

from django.db import connection

from .models import Case

STATE_TABS = ("all", "sign", "contact", "handling", "redo", "cohandling")
_OPEN = ", ".join(f"'{state}'" for state in Case.AT_UNIT_STATES)

_SQL = f"""
WITH hour AS (SELECT complaints_inbox_hour(%(now)s) AS start)
SELECT
    (SELECT coalesce(json_object_agg(tab, n), '{{}}') FROM (
        SELECT tab, sum(count) AS n FROM complaints_inboxtally
        WHERE unit_id = %(unit)s AND bucket = to_timestamp(0) GROUP BY tab) s),
    (SELECT coalesce(sum(count), 0) FROM complaints_inboxtally, hour
        WHERE unit_id = %(unit)s AND tab = 'due' AND bucket < hour.start)
    + (SELECT count(*) FROM complaints_case, hour WHERE handling_unit_id = %(unit)s AND state IN ({_OPEN})
        AND next_due_at >= hour.start AND next_due_at <= %(now)s),
    (SELECT coalesce(sum(count), 0) FROM complaints_inboxtally, hour
        WHERE unit_id = %(unit)s AND tab = 'warn' AND bucket < hour.start)
    + (SELECT count(*) FROM complaints_case, hour WHERE handling_unit_id = %(unit)s AND state IN ({_OPEN})
        AND next_warn_at >= hour.start AND next_warn_at <= %(now)s)
"""


def inbox_kept_counts(*, unit_id: int, now: datetime) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(_SQL, {"unit": unit_id, "now": now})
        states, overdue, warned = cursor.fetchone()
    if isinstance(states, str):  # a driver may leave json as text


        states = json.loads(states)
    counts = {tab: int(states.get(tab, 0)) for tab in STATE_TABS}
    counts["overdue"] = int(overdue)
    counts["due_soon"] = int(warned) - int(overdue)
    return counts
