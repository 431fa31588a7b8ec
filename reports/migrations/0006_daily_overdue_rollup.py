"""overdue_in_period rolled up (reports.DailyOverdue). Each row keeps the day of the case's overdue
unit clock before its clocks, so a change to one clock of a case also changes the rows of its other
unit clocks' days: the clock trigger of 0003 now marks the days of those due after it dirty too (one indexed read of the
case's clocks, only when a unit clock changes; 0005's WHEN keeps other updates away from it). The
closed days are marked dirty here, so that the refresh task fills their rows."""
import django.db.models.deletion
from django.db import migrations, models

# The unit clocks are reports.metrics.UNIT_CLOCKS, written out: a migration keeps what it did.
CLOCK_DIRTY = r"""
CREATE OR REPLACE FUNCTION reports_clock_dirty() RETURNS trigger AS $$
DECLARE
    the_case bigint;
    since timestamptz;  -- the clocks whose overdue clock before may have changed are due from here
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reports_mark_days(ARRAY[NEW.due_at, NEW.stopped_at]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM reports_mark_days(ARRAY[OLD.due_at, OLD.stopped_at]);
    ELSIF (OLD.case_id, OLD.clock, OLD.due_at, OLD.stopped_at)
            IS DISTINCT FROM (NEW.case_id, NEW.clock, NEW.due_at, NEW.stopped_at) THEN
        PERFORM reports_mark_days(ARRAY[OLD.due_at, OLD.stopped_at, NEW.due_at, NEW.stopped_at]);
    ELSE
        RETURN NULL;
    END IF;
    -- A unit clock added, removed or changed: the overdue rows of the case's unit clocks due after
    -- it name the overdue clock before them (reports.DailyOverdue.previous_day).
    since := CASE TG_OP WHEN 'INSERT' THEN NEW.due_at WHEN 'DELETE' THEN OLD.due_at
                        ELSE LEAST(OLD.due_at, NEW.due_at) END;
    IF since IS NULL THEN
        RETURN NULL;
    END IF;
    FOR the_case IN SELECT DISTINCT c FROM unnest(ARRAY[
            CASE WHEN TG_OP <> 'INSERT' AND OLD.clock IN ('contact', 'handling', 'redo') THEN OLD.case_id END,
            CASE WHEN TG_OP <> 'DELETE' AND NEW.clock IN ('contact', 'handling', 'redo') THEN NEW.case_id END]) AS c
            WHERE c IS NOT NULL LOOP
        PERFORM reports_mark_days(ARRAY(SELECT k.due_at FROM complaints_caseclock k
                                        WHERE k.case_id = the_case AND k.clock IN ('contact', 'handling', 'redo')
                                              AND k.due_at >= since));
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
# The function as 0003 created it (0005 left it unchanged).
CLOCK_DIRTY_BEFORE = r"""
CREATE OR REPLACE FUNCTION reports_clock_dirty() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reports_mark_days(ARRAY[NEW.due_at, NEW.stopped_at]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM reports_mark_days(ARRAY[OLD.due_at, OLD.stopped_at]);
    ELSIF (OLD.case_id, OLD.clock, OLD.due_at, OLD.stopped_at)
            IS DISTINCT FROM (NEW.case_id, NEW.clock, NEW.due_at, NEW.stopped_at) THEN
        PERFORM reports_mark_days(ARRAY[OLD.due_at, OLD.stopped_at, NEW.due_at, NEW.stopped_at]);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CLOCK_DIRTY, params=None)
    closed = apps.get_model("reports", "RollupState").objects.filter(pk=1).values_list(
        "closed_through", flat=True).first()
    first = apps.get_model("reports", "DailyFigures").objects.order_by("day").values_list("day", flat=True).first()
    if closed is None or first is None:
        return
    # The closed days marked for the refresh task to rebuild (every rollup of a day at once; they
    # are counted live meanwhile), rather than rebuilt here by today's code, which may expect a
    # schema later than this migration's.
    schema_editor.execute(
        "INSERT INTO reports_rollupdirtyday (day) "
        "SELECT d::date FROM generate_series(%s::date, %s::date, interval '1 day') AS d",
        params=[first, closed])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CLOCK_DIRTY_BEFORE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_clock_dirty_trigger_when"),
        ("routing", "0006_full_width_punctuation"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyOverdue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("channel", models.CharField(blank=True, db_default="", max_length=30)),
                ("previous_day", models.DateField(null=True)),
                ("clocks", models.PositiveIntegerField(db_default=0, default=0)),
                ("area", models.ForeignKey(db_constraint=False, null=True,
                                           on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                           to="routing.area")),
                ("category", models.ForeignKey(db_constraint=False, null=True,
                                               on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                               to="routing.category")),
                ("unit", models.ForeignKey(db_constraint=False, null=True,
                                           on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                           to="routing.unit")),
            ],
            options={
                "indexes": [models.Index(fields=["day"], name="dailyoverdue_day"),
                            models.Index(fields=["unit", "day"], name="dailyoverdue_unit_day")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
