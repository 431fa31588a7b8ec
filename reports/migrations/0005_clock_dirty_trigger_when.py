"""The clocks' dirty-day trigger fires on an UPDATE only when a column it reads changed.

The deadline sweep raises thousands of clocks' colour and escalation level at once; each of those
rows queued an after-trigger event and ran reports_clock_dirty() to find nothing to record (55-65 ms
of a 1,000,000-case sweep). The WHEN clause is evaluated as the row is written, so an update of
other columns queues nothing. The function is unchanged (reports/migrations/0003)."""
from django.db import migrations

SPLIT = """
DROP TRIGGER IF EXISTS reports_clock_dirty ON complaints_caseclock;
CREATE TRIGGER reports_clock_dirty AFTER INSERT OR DELETE ON complaints_caseclock
    FOR EACH ROW EXECUTE FUNCTION reports_clock_dirty();
CREATE TRIGGER reports_clock_dirty_move AFTER UPDATE ON complaints_caseclock
    FOR EACH ROW WHEN ((OLD.case_id, OLD.clock, OLD.due_at, OLD.stopped_at)
                       IS DISTINCT FROM (NEW.case_id, NEW.clock, NEW.due_at, NEW.stopped_at))
    EXECUTE FUNCTION reports_clock_dirty();
"""
JOIN = """
DROP TRIGGER IF EXISTS reports_clock_dirty_move ON complaints_caseclock;
DROP TRIGGER IF EXISTS reports_clock_dirty ON complaints_caseclock;
CREATE TRIGGER reports_clock_dirty AFTER INSERT OR UPDATE OR DELETE ON complaints_caseclock
    FOR EACH ROW EXECUTE FUNCTION reports_clock_dirty();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SPLIT, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(JOIN, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_merge_session5")]
    operations = [migrations.RunPython(forwards, backwards)]
