"""The average handling time rolled up (reports.DailyHandling): per reply day, dimensions and
dispatch day, the cases replied, so that a year's average reads a few rows per day instead of every
case replied in the year. The case trigger of 0003 now also marks the reply's day dirty: on insert,
when the case moves to another unit (or category, channel, area), and when its reply or dispatch
moment changes. The closed days' rows are filled here by one grouped statement written out below
(a migration keeps what it did), the same grouping as reports.services_rollups' day query."""
import django.db.models.deletion
from django.db import migrations, models

CASE_DIRTY = r"""
CREATE OR REPLACE FUNCTION reports_case_dirty() RETURNS trigger AS $$
DECLARE
    ts timestamptz[] := '{}';
    kinds text[] := '{}';  -- the case's clocks whose figures read the changed fields
    every_clock boolean := false;
    the_case bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reports_mark_days(ARRAY[NEW.received_at, NEW.dispatched_at, NEW.followed_up_at,
            NEW.acceptance_decided_at, NEW.mediation_ended_at, NEW.report_decided_at, NEW.replied_at]);
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' OR (OLD.handling_unit_id, OLD.category_id, OLD.channel, OLD.respondent_area_id)
            IS DISTINCT FROM (NEW.handling_unit_id, NEW.category_id, NEW.channel, NEW.respondent_area_id) THEN
        -- Where the case is filed changed: every day it counts on, and every day of its clocks.
        ts := ARRAY[OLD.received_at, OLD.dispatched_at, OLD.followed_up_at, OLD.acceptance_decided_at,
                    OLD.mediation_ended_at, OLD.report_decided_at, OLD.replied_at];
        IF TG_OP = 'UPDATE' THEN
            ts := ts || ARRAY[NEW.received_at, NEW.dispatched_at, NEW.followed_up_at, NEW.acceptance_decided_at,
                              NEW.mediation_ended_at, NEW.report_decided_at, NEW.replied_at];
        END IF;
        every_clock := true;
    ELSE
        IF (OLD.received_at, OLD.is_repeat) IS DISTINCT FROM (NEW.received_at, NEW.is_repeat) THEN
            ts := ts || ARRAY[OLD.received_at, NEW.received_at];
        END IF;
        IF OLD.dispatched_at IS DISTINCT FROM NEW.dispatched_at THEN
            ts := ts || ARRAY[OLD.dispatched_at, NEW.dispatched_at];
        END IF;
        -- The handling time is filed on the reply's day and reads the dispatch (DailyHandling).
        IF (OLD.replied_at, OLD.dispatched_at) IS DISTINCT FROM (NEW.replied_at, NEW.dispatched_at) THEN
            ts := ts || ARRAY[OLD.replied_at, NEW.replied_at];
        END IF;
        IF (OLD.followed_up_at, OLD.satisfaction, OLD.resolved)
                IS DISTINCT FROM (NEW.followed_up_at, NEW.satisfaction, NEW.resolved) THEN
            ts := ts || ARRAY[OLD.followed_up_at, NEW.followed_up_at];
        END IF;
        IF (OLD.acceptance, OLD.acceptance_decided_at) IS DISTINCT FROM (NEW.acceptance, NEW.acceptance_decided_at) THEN
            ts := ts || ARRAY[OLD.acceptance_decided_at, NEW.acceptance_decided_at];
            kinds := kinds || 'statutory_accept'::text;
        END IF;
        IF (OLD.mediation_outcome, OLD.mediation_ended_at, OLD.amount_recovered)
                IS DISTINCT FROM (NEW.mediation_outcome, NEW.mediation_ended_at, NEW.amount_recovered) THEN
            ts := ts || ARRAY[OLD.mediation_ended_at, NEW.mediation_ended_at];
        END IF;
        IF (OLD.report_decision, OLD.report_decided_at, OLD.merged_into_id)
                IS DISTINCT FROM (NEW.report_decision, NEW.report_decided_at, NEW.merged_into_id) THEN
            ts := ts || ARRAY[OLD.report_decided_at, NEW.report_decided_at];
            kinds := kinds || 'statutory_report_decision'::text;
        END IF;
    END IF;
    the_case := OLD.id;
    IF every_clock OR cardinality(kinds) > 0 THEN
        ts := ts || ARRAY(SELECT c.due_at FROM complaints_caseclock c
                          WHERE c.case_id = the_case AND (every_clock OR c.clock = ANY(kinds)))
                 || ARRAY(SELECT c.stopped_at FROM complaints_caseclock c
                          WHERE c.case_id = the_case AND (every_clock OR c.clock = ANY(kinds)));
    END IF;
    IF cardinality(ts) > 0 THEN
        PERFORM reports_mark_days(ts);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
# The function as 0003 created it.
CASE_DIRTY_BEFORE = r"""
CREATE OR REPLACE FUNCTION reports_case_dirty() RETURNS trigger AS $$
DECLARE
    ts timestamptz[] := '{}';
    kinds text[] := '{}';  -- the case's clocks whose figures read the changed fields
    every_clock boolean := false;
    the_case bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reports_mark_days(ARRAY[NEW.received_at, NEW.dispatched_at, NEW.followed_up_at,
            NEW.acceptance_decided_at, NEW.mediation_ended_at, NEW.report_decided_at]);
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' OR (OLD.handling_unit_id, OLD.category_id, OLD.channel, OLD.respondent_area_id)
            IS DISTINCT FROM (NEW.handling_unit_id, NEW.category_id, NEW.channel, NEW.respondent_area_id) THEN
        -- Where the case is filed changed: every day it counts on, and every day of its clocks.
        ts := ARRAY[OLD.received_at, OLD.dispatched_at, OLD.followed_up_at, OLD.acceptance_decided_at,
                    OLD.mediation_ended_at, OLD.report_decided_at];
        IF TG_OP = 'UPDATE' THEN
            ts := ts || ARRAY[NEW.received_at, NEW.dispatched_at, NEW.followed_up_at, NEW.acceptance_decided_at,
                              NEW.mediation_ended_at, NEW.report_decided_at];
        END IF;
        every_clock := true;
    ELSE
        IF (OLD.received_at, OLD.is_repeat) IS DISTINCT FROM (NEW.received_at, NEW.is_repeat) THEN
            ts := ts || ARRAY[OLD.received_at, NEW.received_at];
        END IF;
        IF OLD.dispatched_at IS DISTINCT FROM NEW.dispatched_at THEN
            ts := ts || ARRAY[OLD.dispatched_at, NEW.dispatched_at];
        END IF;
        IF (OLD.followed_up_at, OLD.satisfaction, OLD.resolved)
                IS DISTINCT FROM (NEW.followed_up_at, NEW.satisfaction, NEW.resolved) THEN
            ts := ts || ARRAY[OLD.followed_up_at, NEW.followed_up_at];
        END IF;
        IF (OLD.acceptance, OLD.acceptance_decided_at) IS DISTINCT FROM (NEW.acceptance, NEW.acceptance_decided_at) THEN
            ts := ts || ARRAY[OLD.acceptance_decided_at, NEW.acceptance_decided_at];
            kinds := kinds || 'statutory_accept'::text;
        END IF;
        IF (OLD.mediation_outcome, OLD.mediation_ended_at, OLD.amount_recovered)
                IS DISTINCT FROM (NEW.mediation_outcome, NEW.mediation_ended_at, NEW.amount_recovered) THEN
            ts := ts || ARRAY[OLD.mediation_ended_at, NEW.mediation_ended_at];
        END IF;
        IF (OLD.report_decision, OLD.report_decided_at, OLD.merged_into_id)
                IS DISTINCT FROM (NEW.report_decision, NEW.report_decided_at, NEW.merged_into_id) THEN
            ts := ts || ARRAY[OLD.report_decided_at, NEW.report_decided_at];
            kinds := kinds || 'statutory_report_decision'::text;
        END IF;
    END IF;
    the_case := OLD.id;
    IF every_clock OR cardinality(kinds) > 0 THEN
        ts := ts || ARRAY(SELECT c.due_at FROM complaints_caseclock c
                          WHERE c.case_id = the_case AND (every_clock OR c.clock = ANY(kinds)))
                 || ARRAY(SELECT c.stopped_at FROM complaints_caseclock c
                          WHERE c.case_id = the_case AND (every_clock OR c.clock = ANY(kinds)));
    END IF;
    IF cardinality(ts) > 0 THEN
        PERFORM reports_mark_days(ts);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
# Every closed day's replied cases, grouped as reports.selectors.handling_pairs groups them.
BACKFILL = """
INSERT INTO reports_dailyhandling (day, unit_id, category_id, channel, area_id, dispatched_day, cases)
SELECT (c.replied_at AT TIME ZONE 'Asia/Shanghai')::date, c.handling_unit_id, c.category_id, c.channel,
       c.respondent_area_id, (c.dispatched_at AT TIME ZONE 'Asia/Shanghai')::date, COUNT(*)
FROM complaints_case c
WHERE c.replied_at IS NOT NULL AND c.dispatched_at IS NOT NULL
  AND c.replied_at < ((%s::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
GROUP BY 1, 2, 3, 4, 5, 6
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CASE_DIRTY, params=None)
    closed = apps.get_model("reports", "RollupState").objects.filter(pk=1).values_list(
        "closed_through", flat=True).first()
    if closed is not None:
        schema_editor.execute(BACKFILL, params=[closed])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CASE_DIRTY_BEFORE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_daily_overdue_rollup"),
        ("complaints", "0037_clock_touch_skipped_before_a_case_rewrite"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyHandling",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("channel", models.CharField(blank=True, db_default="", max_length=30)),
                ("dispatched_day", models.DateField()),
                ("cases", models.PositiveIntegerField(db_default=0, default=0)),
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
                "indexes": [models.Index(fields=["day"], name="dailyhandling_day"),
                            models.Index(fields=["unit", "day"], name="dailyhandling_unit_day")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
