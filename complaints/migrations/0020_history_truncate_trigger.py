"""TRUNCATE fires no row trigger, so 0012's guard let a single statement empty the whole history.
A statement-level trigger refuses it too, for whoever runs it, the owner of the table included.
Only a superuser can still get past it (disabling triggers), which is why the application connects
as a role that owns nothing (README, production: `db_roles_grant`). SQLite has no TRUNCATE."""
from django.db import migrations

# Every table under 0012's append-only trigger.
APPEND_ONLY_TABLES = ["complaints_caseevent"]

CREATE = """
CREATE OR REPLACE FUNCTION {table}_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case history is append-only ({table} %)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_no_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
DROP FUNCTION IF EXISTS {table}_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in APPEND_ONLY_TABLES:
            schema_editor.execute(CREATE.format(table=table), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in APPEND_ONLY_TABLES:
            schema_editor.execute(DROP.format(table=table), params=None)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0019_case_received_at_index")]
    operations = [migrations.RunPython(forwards, backwards)]
