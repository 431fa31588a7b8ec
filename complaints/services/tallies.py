"""Upkeep of the dashboard's kept counts (complaints/models/open_tally.py, PostgreSQL)."""
from datetime import datetime

from django.db import connection, transaction


def open_tallies_compact(*, before: datetime) -> int:
    """Merge the deadline rows of the hours before `before` into one row per unit, category and tab
    (complaints_open_tally_compact in complaints/open_tally_sql.py), so the dashboard reads a few rows
    per unit however long deadlines have been running; the number of hour rows merged. The figures
    are unchanged for any moment after `before`; elsewhere (SQLite) nothing is kept, nothing to do."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT complaints_open_tally_compact(%s)", [before])
        return cursor.fetchone()[0]
