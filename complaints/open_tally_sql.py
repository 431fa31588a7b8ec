"""The database side of the dashboard's kept counts (complaints/models/open_tally.py, PostgreSQL).

The same trigger family as the inbox's (complaints/inbox_tally_sql.py, whose module docstring says
why triggers): AFTER INSERT/DELETE of a case, or an UPDATE of its state, handling unit, category or
nearest times (kept by that module's BEFORE trigger, so a clock's change reaches here too), the rows
of complaints_opencasetally move by the difference, row locks taken in key order.

Which rows a case counts in is `complaints_open_memberships`, generated from the Case model's states
so that "open" and "the dispatch queue" have one home (reports/metrics.py reads the same constants);
tests/reports/test_dashboard_today.py holds the figures equal to the live count. The rebuild runs
inside complaints_inbox_rebuild(), so every loader that bypasses the triggers and rebuilds the
inbox (core/bulk_copy users, bench seeds) rebuilds these too.
"""
from .models import Case

ENDED = ", ".join(f"'{state}'" for state in Case.ENDED_STATES)
QUEUE = f"'{Case.State.REGISTERED}'"

INSTALL = f"""
CREATE OR REPLACE FUNCTION complaints_open_memberships(c complaints_case)
RETURNS TABLE (unit_id bigint, category_id bigint, tab text, bucket timestamptz) LANGUAGE sql STABLE AS $$
    SELECT coalesce(c.handling_unit_id, 0)::bigint, coalesce(c.category_id, 0)::bigint, m.tab, m.bucket
    FROM (VALUES
        ('open', to_timestamp(0), c.state NOT IN ({ENDED})),
        ('queue', to_timestamp(0), c.state = {QUEUE}),
        ('due', complaints_inbox_hour(c.next_due_at), c.next_due_at IS NOT NULL),
        ('warn', complaints_inbox_hour(c.next_warn_at), c.next_warn_at IS NOT NULL)
    ) AS m (tab, bucket, member)
    WHERE m.member
$$;

CREATE OR REPLACE FUNCTION complaints_case_open_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO complaints_opencasetally (unit_id, category_id, tab, bucket, count)
    SELECT d.unit_id, d.category_id, d.tab, d.bucket, sum(d.delta) FROM (
        SELECT m.unit_id, m.category_id, m.tab, m.bucket, -1 AS delta FROM complaints_open_memberships(OLD) m
        WHERE TG_OP <> 'INSERT'
        UNION ALL
        SELECT m.unit_id, m.category_id, m.tab, m.bucket, 1 FROM complaints_open_memberships(NEW) m
        WHERE TG_OP <> 'DELETE'
    ) d GROUP BY d.unit_id, d.category_id, d.tab, d.bucket HAVING sum(d.delta) <> 0
    ORDER BY d.unit_id, d.category_id, d.tab, d.bucket
    ON CONFLICT (tab, bucket, unit_id, category_id)
    DO UPDATE SET count = complaints_opencasetally.count + EXCLUDED.count;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION complaints_open_tally_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Run after the cases' nearest times are right (complaints_inbox_rebuild does those first).
    LOCK TABLE complaints_opencasetally IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM complaints_opencasetally;
    INSERT INTO complaints_opencasetally (unit_id, category_id, tab, bucket, count)
    SELECT m.unit_id, m.category_id, m.tab, m.bucket, count(*)
    FROM complaints_case c CROSS JOIN LATERAL complaints_open_memberships(c) m
    WHERE c.state NOT IN ({ENDED}) OR c.next_due_at IS NOT NULL OR c.next_warn_at IS NOT NULL
    GROUP BY m.unit_id, m.category_id, m.tab, m.bucket;
END $$;

-- The hours before `before` merged into one row per unit, category and tab at the epoch, and empty
-- rows dropped: the dashboard sums every hour before the current one, so the sum is unchanged for
-- any `now` after `before`, and the rows it reads stay a few per unit and category instead of one
-- per hour with a deadline. A writer moving a case off a merged hour later adds a -1 row for that
-- hour, which the sum counts all the same (and the next run merges).
CREATE OR REPLACE FUNCTION complaints_open_tally_compact(before timestamptz) RETURNS bigint LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM complaints_opencasetally
        WHERE tab IN ('due', 'warn') AND bucket > to_timestamp(0) AND bucket < complaints_inbox_hour(before)
        RETURNING unit_id, category_id, tab, count
    ), merged AS (
        INSERT INTO complaints_opencasetally (unit_id, category_id, tab, bucket, count)
        SELECT unit_id, category_id, tab, to_timestamp(0), sum(count) FROM gone
        GROUP BY unit_id, category_id, tab ORDER BY tab, unit_id, category_id
        ON CONFLICT (tab, bucket, unit_id, category_id)
        DO UPDATE SET count = complaints_opencasetally.count + EXCLUDED.count
        RETURNING 1
    )
    SELECT count(*) FROM gone;
$$;

DROP TRIGGER IF EXISTS complaints_case_open_tally_write ON complaints_case;
CREATE TRIGGER complaints_case_open_tally_write AFTER INSERT OR DELETE ON complaints_case
    FOR EACH ROW EXECUTE FUNCTION complaints_case_open_tally();
DROP TRIGGER IF EXISTS complaints_case_open_tally_move ON complaints_case;
CREATE TRIGGER complaints_case_open_tally_move AFTER UPDATE ON complaints_case FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.handling_unit_id IS DISTINCT FROM NEW.handling_unit_id
          OR OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.next_due_at IS DISTINCT FROM NEW.next_due_at OR OLD.next_warn_at IS DISTINCT FROM NEW.next_warn_at)
    EXECUTE FUNCTION complaints_case_open_tally();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS complaints_case_open_tally_move ON complaints_case;
DROP TRIGGER IF EXISTS complaints_case_open_tally_write ON complaints_case;
DROP FUNCTION IF EXISTS complaints_open_tally_compact(timestamptz);
DROP FUNCTION IF EXISTS complaints_open_tally_rebuild();
DROP FUNCTION IF EXISTS complaints_case_open_tally();
DROP FUNCTION IF EXISTS complaints_open_memberships(complaints_case);
"""
