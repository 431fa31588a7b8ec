"""The PL/pgSQL functions behind the rules' history on PostgreSQL (audit/triggers.py says why triggers,
and why these rather than a library). They are attached to the tracked tables after `migrate`.

SECURITY DEFINER: the history is written as the owner of the tables, so the application's role
(complaints/db_roles.py) needs nothing more; session_user still names the role that wrote."""
from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION audit_rule_change_write(
    app_label text, model text, object_id text, object_repr text, action text,
    before jsonb, after jsonb, changed jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    actor text := nullif(current_setting('app.actor', true), '');
    source text := nullif(current_setting('app.source', true), '');
    type_id integer;
BEGIN
    SELECT id INTO type_id FROM django_content_type t WHERE t.app_label = $1 AND t.model = $2;
    IF type_id IS NULL THEN
        RETURN;  -- see audit_rule_change_rows
    END IF;
    INSERT INTO audit_rulechange (at, actor_id, source, content_type_id, object_id, object_repr, action,
                                  before, after, changed)
    VALUES (clock_timestamp(), actor::bigint,
            CASE WHEN actor IS NULL THEN left(coalesce(source, 'database: ' || session_user), 200) ELSE '' END,
            type_id, object_id, left(object_repr, 200), action, before, after, changed);
END $$;

-- The rows one statement wrote to a rule table, in one INSERT ... SELECT (statement-level, with
-- transition tables: an import's bulk_create of thousands of areas costs one statement, not one
-- per row). TG_ARGV: app label, model, pk column, the column shown as the record ('' for none),
-- {"column": "field name"} of the columns that are rules.
CREATE OR REPLACE FUNCTION audit_rule_change_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    actor text := nullif(current_setting('app.actor', true), '');
    source text := nullif(current_setting('app.source', true), '');
    type_id integer;
    old_rows text := CASE WHEN TG_OP <> 'INSERT' THEN 'SELECT to_jsonb(o) AS j FROM old_rows o' END;
    new_rows text := CASE WHEN TG_OP <> 'DELETE' THEN 'SELECT to_jsonb(n) AS j FROM new_rows n' END;
    pairs text;
BEGIN
    SELECT id INTO type_id FROM django_content_type WHERE app_label = TG_ARGV[0] AND model = TG_ARGV[1];
    IF type_id IS NULL THEN
        -- No content type for the model yet: a database between two migrations (a model moving
        -- between apps renames its content type; one made here would block that). Every database
        -- in service has them: post_migrate creates them before anyone edits a rule.
        RETURN NULL;
    END IF;
    -- (before, after) pairs of row images: an update pairs old and new rows by primary key.
    pairs := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT NULL::jsonb AS b, n.j AS a FROM (%s) n', new_rows)
        WHEN 'DELETE' THEN format('SELECT o.j AS b, NULL::jsonb AS a FROM (%s) o', old_rows)
        ELSE format('SELECT o.j AS b, n.j AS a FROM (%s) o JOIN (%s) n ON o.j -> %L = n.j -> %L',
                    old_rows, new_rows, TG_ARGV[2], TG_ARGV[2]) END;
    EXECUTE format($q$
        INSERT INTO audit_rulechange (at, actor_id, source, content_type_id, object_id, object_repr, action,
                                      before, after, changed)
        SELECT clock_timestamp(), $1::bigint, $2, $3, coalesce(p.a, p.b) ->> %L,
               left(coalesce(coalesce(p.a, p.b) ->> nullif(%L, ''), %L || ' ' || (coalesce(p.a, p.b) ->> %L)), 200),
               $4,
               CASE WHEN p.b IS NOT NULL THEN (SELECT jsonb_object_agg(f.value, p.b -> f.key) FROM jsonb_each_text($5) f) END,
               CASE WHEN p.a IS NOT NULL THEN (SELECT jsonb_object_agg(f.value, p.a -> f.key) FROM jsonb_each_text($5) f) END,
               d.changed
          FROM (%s) p
         CROSS JOIN LATERAL (
               SELECT coalesce(jsonb_agg(f.value ORDER BY f.value), '[]'::jsonb) AS changed
                 FROM jsonb_each_text($5) f
                WHERE coalesce(p.b -> f.key, 'null') IS DISTINCT FROM coalesce(p.a -> f.key, 'null')) d
         WHERE p.b IS NULL OR p.a IS NULL OR d.changed <> '[]'::jsonb  -- an update of no rule column: none
        $q$, TG_ARGV[2], TG_ARGV[3], TG_ARGV[1], TG_ARGV[2], pairs)
    USING actor,
          CASE WHEN actor IS NULL THEN left(coalesce(source, 'database: ' || session_user), 200) ELSE '' END,
          type_id,
          CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
          TG_ARGV[4]::jsonb;
    RETURN NULL;
END $$;

-- Link rows of a many-to-many rule (a role's permissions), one history row per owner per statement.
-- TG_ARGV: app label, model, owner table, owner's shown column, owner column in the link table,
-- field name, target table, target column in the link table, target's label column.
CREATE OR REPLACE FUNCTION audit_rule_change_links() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    owner_id text;
    shown text;
    now_list jsonb;
    moved jsonb;
    before jsonb;
BEGIN
    FOR owner_id IN EXECUTE format('SELECT DISTINCT %I::text FROM changed_links', TG_ARGV[4]) LOOP
        EXECUTE format('SELECT coalesce(jsonb_agg(t.%I ORDER BY t.%I), ''[]'') FROM %I l JOIN %I t ON t.id = l.%I '
                       'WHERE l.%I::text = $1', TG_ARGV[8], TG_ARGV[8], TG_TABLE_NAME, TG_ARGV[6], TG_ARGV[7],
                       TG_ARGV[4]) INTO now_list USING owner_id;
        EXECUTE format('SELECT coalesce(jsonb_agg(t.%I), ''[]'') FROM changed_links l JOIN %I t ON t.id = l.%I '
                       'WHERE l.%I::text = $1', TG_ARGV[8], TG_ARGV[6], TG_ARGV[7], TG_ARGV[4])
            INTO moved USING owner_id;
        IF TG_OP = 'INSERT' THEN
            SELECT coalesce(jsonb_agg(v ORDER BY v), '[]') INTO before
              FROM jsonb_array_elements_text(now_list) v WHERE NOT moved ? v;
        ELSE
            SELECT coalesce(jsonb_agg(v ORDER BY v), '[]') INTO before
              FROM (SELECT jsonb_array_elements_text(now_list) UNION ALL
                    SELECT jsonb_array_elements_text(moved)) AS s(v);
        END IF;
        shown := NULL;
        IF TG_ARGV[3] <> '' THEN
            EXECUTE format('SELECT %I::text FROM %I WHERE id::text = $1', TG_ARGV[3], TG_ARGV[2])
                INTO shown USING owner_id;
        END IF;
        PERFORM audit_rule_change_write(
            TG_ARGV[0], TG_ARGV[1], owner_id, coalesce(shown, TG_ARGV[1] || ' ' || owner_id), 'update',
            jsonb_build_object(TG_ARGV[5], before), jsonb_build_object(TG_ARGV[5], now_list),
            jsonb_build_array(TG_ARGV[5]));
    END LOOP;
    RETURN NULL;
END $$;
-- Only the triggers (running as the owner) write through it: no role may call it to add a row.
REVOKE EXECUTE ON FUNCTION audit_rule_change_write(text, text, text, text, text, jsonb, jsonb, jsonb) FROM PUBLIC;
"""

DROP = """
DROP FUNCTION IF EXISTS audit_rule_change_links() CASCADE;
DROP FUNCTION IF EXISTS audit_rule_change_rows() CASCADE;
DROP FUNCTION IF EXISTS audit_rule_change_write(text, text, text, text, text, jsonb, jsonb, jsonb);
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)  # None: the SQL's %I are format()'s, not parameters
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_rule_changes"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(FUNCTIONS), _on_postgresql(DROP), elidable=False),
    ]
