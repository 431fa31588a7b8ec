"""The credit codes' 5-character grams index (complaints.search_grams), built CONCURRENTLY so that
intake keeps writing while it builds. The function's text is frozen here: a later change to the
grams makes a migration of its own. Cases without a code (most of what platforms send) are left out
of the index: a search of five characters cannot be in an empty code."""
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION complaints_text_grams5(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(value, i, 5)), '{}')
    FROM generate_series(1, length(value) - 4) AS i
$$;
"""
INDEX = ("CREATE INDEX CONCURRENTLY IF NOT EXISTS case_credit_code_grams ON complaints_case "
         "USING gin (complaints_text_grams5(respondent_credit_code)) WHERE respondent_credit_code <> ''")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (development) scans
    schema_editor.execute(FUNCTION)
    schema_editor.execute(INDEX)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_credit_code_grams")
    schema_editor.execute("DROP FUNCTION IF EXISTS complaints_text_grams5(text)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("complaints", "0037_clock_touch_skipped_before_a_case_rewrite")]
    operations = [migrations.RunPython(install, uninstall)]
