"""The owner's functions for month partitions (core/partitions.py), created by
complaints/migrations/0031. partitions_copy_acl and partitions_guard run with the caller's rights,
so only an owner can use them; partitions_ensure runs with the owner's (SECURITY DEFINER), for the
beat task that connects as the application's role, and does nothing but add the missing month
partitions of the tables of PARTITIONED, within two years of today."""
from django.db import connection

# Table -> its partition key (their models' Meta say so too); the only tables partitions_ensure touches.
PARTITIONED = {
    "complaints_caseevent": "at",
    "complaints_notification": "created_at",
    "complaints_webhookdelivery": "created_at",
}

FUNCTIONS_SQL = r"""
CREATE OR REPLACE FUNCTION partitions_copy_acl(source text, target text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    item record;
    owner_oid oid := (SELECT relowner FROM pg_class WHERE oid = target::regclass);
BEGIN
    FOR item IN SELECT DISTINCT (aclexplode(relacl)).grantee AS grantee FROM pg_class WHERE oid = target::regclass
    LOOP
        CONTINUE WHEN item.grantee = owner_oid;
        EXECUTE format('REVOKE ALL ON %s FROM %s', target::regclass,
                       CASE WHEN item.grantee = 0 THEN 'PUBLIC' ELSE item.grantee::regrole::text END);
    END LOOP;
    FOR item IN SELECT (a).grantee AS grantee, (a).privilege_type AS privilege
                FROM (SELECT aclexplode(relacl) AS a FROM pg_class WHERE oid = source::regclass) acl
    LOOP
        CONTINUE WHEN item.grantee = owner_oid;
        EXECUTE format('GRANT %s ON %s TO %s', item.privilege, target::regclass,
                       CASE WHEN item.grantee = 0 THEN 'PUBLIC' ELSE item.grantee::regrole::text END);
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION partitions_guard(parent text, child text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- The history's TRUNCATE guard is a statement trigger, which partitions do not inherit.
    IF to_regproc(parent || '_no_truncate') IS NOT NULL THEN
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                       parent || '_no_truncate', child, parent || '_no_truncate');
    END IF;
    PERFORM partitions_copy_acl(parent, child);
END $$;

CREATE OR REPLACE FUNCTION partitions_ensure(parent text, zone text, first_month date, months int)
RETURNS SETOF text LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    month_at date;
    child text;
    lower_at timestamptz;
    upper_at timestamptz;
    part_key text;
    wait_ms int;
    saved_timeout text := current_setting('lock_timeout');
BEGIN
    IF parent <> ALL (ARRAY[{tables}]) THEN
        RAISE EXCEPTION 'partitions_ensure: % is not partitioned by month', parent;
    END IF;
    IF months NOT BETWEEN 0 AND 24 OR abs(first_month - current_date) > 800 THEN
        RAISE EXCEPTION 'partitions_ensure: % months from % is out of range', months, first_month;
    END IF;
    part_key := substring(pg_get_partkeydef(parent::regclass) FROM '^RANGE \((.*)\)$');
    -- Made apart and attached, which leaves the parent open to writers (CREATE ... PARTITION OF
    -- would take it exclusively). Attaching still takes the default partition and the tables the
    -- foreign keys point to; waiting for those while holding the rest must end before the deadlock
    -- check would pick a writer as its victim: then this month is "busy", to be tried again.
    wait_ms := greatest((SELECT setting::int FROM pg_settings WHERE name = 'deadlock_timeout') / 2, 10);
    FOR i IN -1..months LOOP
        IF i < 0 THEN
            child := parent || '_default';
        ELSE
            month_at := (date_trunc('month', first_month) + make_interval(months => i))::date;
            child := parent || '_p' || to_char(month_at, 'YYYYMM');
            lower_at := month_at::timestamp AT TIME ZONE zone;
            upper_at := (month_at + interval '1 month')::timestamp AT TIME ZONE zone;
        END IF;
        CONTINUE WHEN to_regclass(child) IS NOT NULL;
        BEGIN
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)',
                           child, parent);
            PERFORM partitions_guard(parent, child);
            PERFORM set_config('lock_timeout', wait_ms::text, true);
            IF i < 0 THEN
                EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I DEFAULT', parent, child);
            ELSE
                -- The proof that the new table fits its range, so the attach need not look.
                EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%s >= %L AND %s < %L)', child,
                               child || '_range', part_key, lower_at, part_key, upper_at);
                EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, child,
                               lower_at, upper_at);
                EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', child, child || '_range');
            END IF;
            PERFORM set_config('lock_timeout', saved_timeout, true);
        EXCEPTION
            -- Overlaps a partition: the month is covered already (the table from before partitioning).
            WHEN invalid_object_definition THEN CONTINUE;
            -- The default partition holds rows of the month: they stay there, readable and guarded.
            WHEN check_violation THEN RETURN NEXT 'blocked ' || child; CONTINUE;
            WHEN lock_not_available THEN RETURN NEXT 'busy ' || child; CONTINUE;
        END;
        RETURN NEXT 'created ' || child;
    END LOOP;
END $$;
"""
FUNCTIONS_DROP_SQL = """
DROP FUNCTION IF EXISTS partitions_ensure(text, text, date, int);
DROP FUNCTION IF EXISTS partitions_guard(text, text);
DROP FUNCTION IF EXISTS partitions_copy_acl(text, text);
"""


def functions_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
        tables = ", ".join(f"'{name}'" for name in PARTITIONED)
        cursor.execute(FUNCTIONS_SQL.replace("{schema}", schema).replace("{tables}", tables))


def functions_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(FUNCTIONS_DROP_SQL)


