"""The inbox's and the case list's indexes, and the search's trigram and prefix indexes, built
CONCURRENTLY on PostgreSQL so that intake keeps writing while they build (complaints_case holds
millions of rows)."""
from django.db import migrations, models

from complaints.migration_operations import AddIndexOnline

OPEN = models.Q(("state__in", ["dispatched", "handling"]))


def search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (development) scans
    from complaints.inbox_tally_sql import SEARCH_INDEXES

    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in SEARCH_INDEXES:
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON complaints_case {definition}")


def search_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from complaints.inbox_tally_sql import SEARCH_INDEXES

    for name, _definition in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0031_inbox_kept_counts"),
    ]

    operations = [
        AddIndexOnline(
            model_name="case",
            index=models.Index(fields=["-received_at", "-id"], name="case_received_keyset"),
        ),
        AddIndexOnline(
            model_name="case",
            index=models.Index(condition=OPEN, fields=["handling_unit", "next_due_at", "id"], name="case_inbox_due"),
        ),
        AddIndexOnline(
            model_name="case",
            index=models.Index(condition=OPEN, fields=["handling_unit", "next_warn_at"], name="case_inbox_warn"),
        ),
        migrations.RunPython(search_indexes, search_indexes_drop),
    ]
