"""On PostgreSQL, every change to a case or a clock that alters the figures of a day already ended
records that day in reports_rollupdirtyday, in the same transaction as the change: the refresh task
(reports/services_rollups.py) rebuilds exactly those days. A trigger, rather than a service call or
an "updated since" timestamp, because it sees the row before the change too (an extension moves a
deadline off a day, a transfer takes a case out of a unit's days) and because no write path can skip
it (queryset.update, the sweep, COPY, raw SQL). Changes dated today record nothing: today is always
counted live. SQLite counts every figure live (reports/selectors_rollups.py), so it needs none."""
from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION reports_mark_days(ts timestamptz[]) RETURNS void AS $$
    INSERT INTO reports_rollupdirtyday (day)
    SELECT DISTINCT (t AT TIME ZONE 'Asia/Shanghai')::date FROM unnest(ts) AS t
    WHERE t IS NOT NULL AND (t AT TIME ZONE 'Asia/Shanghai')::date < (now() AT TIME ZONE 'Asia/Shanghai')::date;
$$ LANGUAGE sql;

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

CREATE TRIGGER reports_case_dirty AFTER INSERT OR UPDATE OR DELETE ON complaints_case
    FOR EACH ROW EXECUTE FUNCTION reports_case_dirty();
CREATE TRIGGER reports_clock_dirty AFTER INSERT OR UPDATE OR DELETE ON complaints_caseclock
    FOR EACH ROW EXECUTE FUNCTION reports_clock_dirty();
"""
DROP = """
DROP TRIGGER IF EXISTS reports_case_dirty ON complaints_case;
DROP TRIGGER IF EXISTS reports_clock_dirty ON complaints_caseclock;
DROP FUNCTION IF EXISTS reports_case_dirty();
DROP FUNCTION IF EXISTS reports_clock_dirty();
DROP FUNCTION IF EXISTS reports_mark_days(timestamptz[]);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_daily_rollups"),
        ("complaints", "0030_after_session4_merges"),
        ("deadlines", "0007_after_session4_merges"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
