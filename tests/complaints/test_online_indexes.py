"""Indexes added to the big tables after launch are built without stopping intake: on PostgreSQL
CONCURRENTLY (no write lock on complaints_case while it builds)."""
import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]  # CONCURRENTLY refuses transactions

ONLINE = {"complaints": ["0015_return_events_index", "0018_clock_time_indexes_for_reports",
                         "0019_case_received_at_index", "0031_caseevent_chain_head_index", "0032_inbox_and_search_indexes"]}


def test_the_indexes_are_built_concurrently():
    loader = MigrationLoader(connection)
    for app, names in ONLINE.items():
        for name in names:
            sql = loader.collect_sql([(loader.get_migration(app, name), False)])
            creates = [s for s in sql if s.startswith("CREATE INDEX")]
            assert creates and all(s.startswith("CREATE INDEX CONCURRENTLY") for s in creates), (name, sql)


def test_they_exist_and_are_valid():
    names = ["caseevent_return_at", "clock_due_idx", "clock_stopped_idx", "case_received_at", "case_received_keyset",
             "case_inbox_due", "case_inbox_warn", "case_respondent_trgm", "case_complainant_trgm",
             "case_credit_code_trgm", "case_respondent_prefix", "case_complainant_prefix", "case_credit_code_prefix",
             "caseevent_chain_head"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "WHERE c.relname = ANY(%s)", [names])
        found = dict(cursor.fetchall())
    assert found == {name: True for name in names}

