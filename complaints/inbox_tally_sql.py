"""The database side of the inbox's kept counts and nearest deadlines (PostgreSQL only).

Triggers rather than service code, because cases and clocks are written by many hands (the
workflow's services, set-based registration, the sweep, the calendar recount, the admin, COPY
importers): a trigger keeps the figures right for all of them, in the writer's own transaction.

- BEFORE INSERT/UPDATE of a case: its `next_due_at` / `next_warn_at` are recomputed from its
  counting clocks (one probe of running_clock_case_due_idx), whatever the writer sent.
- AFTER INSERT/DELETE of a clock, or an UPDATE of its times, pause or stop: the case row is
  touched, which runs the trigger above (unless the writer rewrites the case itself afterwards:
  CASE_REWRITE_FOLLOWS).
- AFTER a change of a case's tab memberships, or of a co-handling assignment: the tally rows of
  complaints.InboxTally move by the difference (row locks taken in key order, so two writers never
  deadlock on them).

Which tabs a case is on is `complaints_inbox_memberships`; tests/complaints/test_inbox_counts.py
holds it equal to the selectors' live filters (complaints/selectors_inbox.py).
"""

# The width of a deadline bucket, whole seconds of the epoch (so buckets are UTC hours). The SQL
# function below and selectors_inbox_counts.inbox_hour both read it: the live count of the current
# bucket and the kept rows before it must meet at the same instant.
BUCKET_SECONDS = 3600

# A transaction-local setting: a writer that rewrites every case whose clocks it is about to
# change (set-based registration) turns it on meanwhile, so the clocks do not touch each case
# once more before that rewrite recomputes its deadlines anyway (every touch is a new version of
# the case row in each of its indexes).
CASE_REWRITE_FOLLOWS = "complaints.case_rewrite_follows"

OPEN = "('dispatched', 'handling')"
COUNTING = "stopped_at IS NULL AND paused_at IS NULL AND due_at IS NOT NULL"

INSTALL = f"""
CREATE OR REPLACE FUNCTION complaints_inbox_hour(t timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_timestamp(floor(extract(epoch FROM t) / {BUCKET_SECONDS}) * {BUCKET_SECONDS}) $$;

CREATE OR REPLACE FUNCTION complaints_inbox_memberships(c complaints_case)
RETURNS TABLE (unit_id bigint, tab text, bucket timestamptz) LANGUAGE sql STABLE AS $$
    SELECT c.handling_unit_id::bigint, m.tab, m.bucket FROM (VALUES
        ('all', to_timestamp(0), true),
        ('sign', to_timestamp(0), c.state = 'dispatched'),
        ('handling', to_timestamp(0), c.state = 'handling'),
        ('contact', to_timestamp(0), c.state = 'handling' AND c.contacted_at IS NULL),
        ('redo', to_timestamp(0), c.state = 'handling' AND c.redo_count > 0),
        ('due', complaints_inbox_hour(c.next_due_at), c.next_due_at IS NOT NULL),
        ('warn', complaints_inbox_hour(c.next_warn_at), c.next_warn_at IS NOT NULL)
    ) AS m (tab, bucket, member)
    WHERE m.member AND c.handling_unit_id IS NOT NULL AND c.state IN {OPEN}
    UNION ALL
    SELECT a.unit_id::bigint, 'cohandling', to_timestamp(0) FROM complaints_caseassignment a
    WHERE a.case_id = c.id AND a.role = 'co_handler' AND c.state IN {OPEN}
$$;

CREATE OR REPLACE FUNCTION complaints_case_next_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT min(due_at), min(coalesce(warn_at, due_at)) INTO NEW.next_due_at, NEW.next_warn_at
    FROM complaints_caseclock WHERE case_id = NEW.id AND {COUNTING};
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION complaints_case_inbox_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO complaints_inboxtally (unit_id, tab, bucket, count)
    SELECT d.unit_id, d.tab, d.bucket, sum(d.delta) FROM (
        SELECT m.unit_id, m.tab, m.bucket, -1 AS delta FROM complaints_inbox_memberships(OLD) m
        WHERE TG_OP <> 'INSERT'
        UNION ALL
        SELECT m.unit_id, m.tab, m.bucket, 1 FROM complaints_inbox_memberships(NEW) m
        WHERE TG_OP <> 'DELETE'
    ) d GROUP BY d.unit_id, d.tab, d.bucket HAVING sum(d.delta) <> 0
    ORDER BY d.unit_id, d.tab, d.bucket
    ON CONFLICT (unit_id, tab, bucket) DO UPDATE SET count = complaints_inboxtally.count + EXCLUDED.count;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION complaints_clock_touch_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{CASE_REWRITE_FOLLOWS}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE complaints_case SET next_due_at = next_due_at WHERE id = OLD.case_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
        UPDATE complaints_case SET next_due_at = next_due_at WHERE id = NEW.case_id;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION complaints_assignment_inbox_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.role = 'co_handler' AND EXISTS (
            SELECT 1 FROM complaints_case WHERE id = OLD.case_id AND state IN {OPEN}) THEN
        INSERT INTO complaints_inboxtally (unit_id, tab, bucket, count)
        VALUES (OLD.unit_id, 'cohandling', to_timestamp(0), -1)
        ON CONFLICT (unit_id, tab, bucket) DO UPDATE SET count = complaints_inboxtally.count - 1;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.role = 'co_handler' AND EXISTS (
            SELECT 1 FROM complaints_case WHERE id = NEW.case_id AND state IN {OPEN}) THEN
        INSERT INTO complaints_inboxtally (unit_id, tab, bucket, count)
        VALUES (NEW.unit_id, 'cohandling', to_timestamp(0), 1)
        ON CONFLICT (unit_id, tab, bucket) DO UPDATE SET count = complaints_inboxtally.count + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION complaints_inbox_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Writers wait while the counts are rebuilt, so none is counted twice or lost.
    LOCK TABLE complaints_inboxtally IN SHARE ROW EXCLUSIVE MODE;
    WITH x AS (
        SELECT case_id, min(due_at) AS d, min(coalesce(warn_at, due_at)) AS w
        FROM complaints_caseclock WHERE {COUNTING} GROUP BY case_id
    )
    UPDATE complaints_case c SET next_due_at = x.d, next_warn_at = x.w FROM x
    WHERE x.case_id = c.id AND (c.next_due_at IS DISTINCT FROM x.d OR c.next_warn_at IS DISTINCT FROM x.w);
    UPDATE complaints_case c SET next_due_at = NULL, next_warn_at = NULL
    WHERE (c.next_due_at IS NOT NULL OR c.next_warn_at IS NOT NULL) AND NOT EXISTS (
        SELECT 1 FROM complaints_caseclock k WHERE k.case_id = c.id AND k.{COUNTING.replace(" AND ", " AND k.")});
    DELETE FROM complaints_inboxtally;
    INSERT INTO complaints_inboxtally (unit_id, tab, bucket, count)
    SELECT m.unit_id, m.tab, m.bucket, count(*)
    FROM complaints_case c CROSS JOIN LATERAL complaints_inbox_memberships(c) m
    WHERE c.state IN {OPEN} GROUP BY m.unit_id, m.tab, m.bucket;
    -- The dashboard's kept counts (complaints/open_tally_sql.py) read the nearest times just rebuilt;
    -- absent before its migration has run.
    IF to_regprocedure('complaints_open_tally_rebuild()') IS NOT NULL THEN
        PERFORM complaints_open_tally_rebuild();
    END IF;
END $$;

DROP TRIGGER IF EXISTS complaints_case_next_deadline ON complaints_case;
CREATE TRIGGER complaints_case_next_deadline BEFORE INSERT OR UPDATE ON complaints_case
    FOR EACH ROW EXECUTE FUNCTION complaints_case_next_deadline();

DROP TRIGGER IF EXISTS complaints_case_inbox_tally_write ON complaints_case;
CREATE TRIGGER complaints_case_inbox_tally_write AFTER INSERT OR DELETE ON complaints_case
    FOR EACH ROW EXECUTE FUNCTION complaints_case_inbox_tally();
DROP TRIGGER IF EXISTS complaints_case_inbox_tally_move ON complaints_case;
CREATE TRIGGER complaints_case_inbox_tally_move AFTER UPDATE ON complaints_case FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.handling_unit_id IS DISTINCT FROM NEW.handling_unit_id
          OR (OLD.contacted_at IS NULL) <> (NEW.contacted_at IS NULL) OR OLD.redo_count <> NEW.redo_count
          OR OLD.next_due_at IS DISTINCT FROM NEW.next_due_at OR OLD.next_warn_at IS DISTINCT FROM NEW.next_warn_at)
    EXECUTE FUNCTION complaints_case_inbox_tally();

DROP TRIGGER IF EXISTS complaints_clock_touch_case_write ON complaints_caseclock;
CREATE TRIGGER complaints_clock_touch_case_write AFTER INSERT OR DELETE ON complaints_caseclock
    FOR EACH ROW EXECUTE FUNCTION complaints_clock_touch_case();
DROP TRIGGER IF EXISTS complaints_clock_touch_case_move ON complaints_caseclock;
CREATE TRIGGER complaints_clock_touch_case_move AFTER UPDATE ON complaints_caseclock FOR EACH ROW
    WHEN (OLD.due_at IS DISTINCT FROM NEW.due_at OR OLD.warn_at IS DISTINCT FROM NEW.warn_at
          OR OLD.stopped_at IS DISTINCT FROM NEW.stopped_at OR OLD.paused_at IS DISTINCT FROM NEW.paused_at
          OR OLD.case_id IS DISTINCT FROM NEW.case_id)
    EXECUTE FUNCTION complaints_clock_touch_case();

DROP TRIGGER IF EXISTS complaints_assignment_inbox_tally ON complaints_caseassignment;
CREATE TRIGGER complaints_assignment_inbox_tally AFTER INSERT OR UPDATE OR DELETE ON complaints_caseassignment
    FOR EACH ROW EXECUTE FUNCTION complaints_assignment_inbox_tally();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS complaints_assignment_inbox_tally ON complaints_caseassignment;
DROP TRIGGER IF EXISTS complaints_clock_touch_case_move ON complaints_caseclock;
DROP TRIGGER IF EXISTS complaints_clock_touch_case_write ON complaints_caseclock;
DROP TRIGGER IF EXISTS complaints_case_inbox_tally_move ON complaints_case;
DROP TRIGGER IF EXISTS complaints_case_inbox_tally_write ON complaints_case;
DROP TRIGGER IF EXISTS complaints_case_next_deadline ON complaints_case;
DROP FUNCTION IF EXISTS complaints_inbox_rebuild();
DROP FUNCTION IF EXISTS complaints_assignment_inbox_tally();
DROP FUNCTION IF EXISTS complaints_clock_touch_case();
DROP FUNCTION IF EXISTS complaints_case_inbox_tally();
DROP FUNCTION IF EXISTS complaints_case_next_deadline();
DROP FUNCTION IF EXISTS complaints_inbox_memberships(complaints_case);
DROP FUNCTION IF EXISTS complaints_inbox_hour(timestamptz);
"""

# Search (complaints/selectors.py case_search_filter): substrings of three characters or more
# through trigram GIN indexes; one or two characters through the prefix btrees.
SEARCH_INDEXES = [
    ("case_respondent_trgm", "USING gin (respondent_name gin_trgm_ops)"),
    ("case_complainant_trgm", "USING gin (complainant_name gin_trgm_ops)"),
    ("case_credit_code_trgm", "USING gin (respondent_credit_code gin_trgm_ops)"),
    ("case_respondent_prefix", "(respondent_name varchar_pattern_ops)"),
    ("case_complainant_prefix", "(complainant_name varchar_pattern_ops)"),
    ("case_credit_code_prefix", "(respondent_credit_code varchar_pattern_ops)"),
]
