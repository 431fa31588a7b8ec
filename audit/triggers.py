"""The rules' history on PostgreSQL: database triggers, so that no write path escapes it (the admin,
QuerySet.update, bulk_create, bulk_update, raw SQL, psql).

Our own small PL/pgSQL rather than django-pghistory: pghistory keeps one event table per tracked
model, so the admin's one searchable 规则变更记录 list (and its SQLite twin) would become a dozen
tables, and it records on PostgreSQL only, so `make run`'s SQLite would keep the signals anyway.
One generic function writing the RuleChange rows the signals write on SQLite keeps one shape on
both databases and adds no dependency. The triggers are statement-level (transition tables): an
import's bulk_create of thousands of rows adds one INSERT ... SELECT per statement.

- The functions are created by migration 0002 (PostgreSQL only). Which tables carry the triggers is
  the setting RULE_HISTORY_MODELS, read from the models as they are now, so they are attached after
  every `migrate` (post_migrate): a table a later migration creates or recreates gets them then.
- Who: the application names the actor in transaction-local settings (set_config(..., true)) just
  before each statement that writes a tracked table (`name_actor`, an execute wrapper on every
  connection); a write from outside the application is recorded as `database: <role>`.
"""
import json
import sys
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

# The request being served (RuleChangeActorMiddleware); its user is looked up only when a rule is written.
current_request: ContextVar = ContextVar("rule_change_request", default=None)

ROW_TRIGGERS = ("rule_history_insert", "rule_history_update", "rule_history_delete")
LINK_TRIGGERS = ("rule_history_link_insert", "rule_history_link_delete")
_REPR_COLUMNS = ("name", "username", "title", "code")


def tracked_models() -> dict:
    """{model class: field names, or None for all concrete fields}."""
    found = {}
    for label, names in settings.RULE_HISTORY_MODELS.items():
        try:
            found[apps.get_model(label)] = names
        except LookupError:  # a model retired since the setting was written
            continue
    return found


def _row_arguments(model, names) -> list[str]:
    opts = model._meta
    columns = {f.column: f.name for f in opts.concrete_fields if names is None or f.name in names}
    present = {f.column for f in opts.concrete_fields}
    shown = next((c for c in _REPR_COLUMNS if c in present), "")
    return [opts.app_label, opts.model_name, opts.pk.column, shown, json.dumps(columns)]


def _links() -> list[tuple]:
    """(owner model, m2m field) pairs whose link rows are rules: a role's permissions (routing/auth.py
    gives each role a Group), and any many-to-many field named in RULE_HISTORY_MODELS."""
    found = [(Group, Group._meta.get_field("permissions"))]
    for model, names in tracked_models().items():
        found += [(model, f) for f in model._meta.many_to_many if names is not None and f.name in names]
    return found


def _link_arguments(model, field) -> list[str]:
    through = field.remote_field.through._meta
    target = field.related_model._meta
    owner_column = through.get_field(field.m2m_field_name()).column
    target_column = through.get_field(field.m2m_reverse_field_name()).column
    present = {f.column for f in target.concrete_fields}
    label = "codename" if "codename" in present else next(c for c in _REPR_COLUMNS + (target.pk.column,)
                                                          if c in present)
    shown = next((c for c in _REPR_COLUMNS if c in {f.column for f in model._meta.concrete_fields}), "")
    return [model._meta.app_label, model._meta.model_name, model._meta.db_table, shown, owner_column, field.name,
            target.db_table, target_column, label]


def tracked_tables() -> frozenset[str]:
    return frozenset([m._meta.db_table for m in tracked_models()]
                     + [f.remote_field.through._meta.db_table for _, f in _links()])


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def triggers_install(connection, *, replace: bool = True) -> int:
    """Attach the history triggers to every tracked table that exists. `replace=False` (after a
    flush) only adds those missing. Returns how many were (re)created."""
    if connection.vendor != "postgresql":
        return 0
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regproc('audit_rule_change_rows') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return 0  # the audit app's migrations are not (or no longer) applied
        existing = set(connection.introspection.table_names(cursor))
        cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE 'rule_history_%%'")
        present = {(table.strip('"'), name) for table, name in cursor.fetchall()}
        wanted = []
        for model, names in tracked_models().items():
            table = model._meta.db_table
            arguments = ", ".join(_literal(a) for a in _row_arguments(model, names))
            # One trigger per event: a trigger with transition tables may have only one.
            for name, event, transition in zip(ROW_TRIGGERS, ("INSERT", "UPDATE", "DELETE"),
                                           ("NEW TABLE AS new_rows", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                                            "OLD TABLE AS old_rows"), strict=True):
                wanted.append((table, name, f"AFTER {event} ON {quote(table)} REFERENCING {transition} FOR EACH "
                                            f"STATEMENT EXECUTE FUNCTION audit_rule_change_rows({arguments})"))
        for model, field in _links():
            table = field.remote_field.through._meta.db_table
            arguments = ", ".join(_literal(a) for a in _link_arguments(model, field))
            for name, event, kind in zip(LINK_TRIGGERS, ("INSERT", "DELETE"), ("NEW", "OLD"), strict=True):
                wanted.append((table, name, f"AFTER {event} ON {quote(table)} REFERENCING {kind} TABLE AS "
                                            f"changed_links FOR EACH STATEMENT "
                                            f"EXECUTE FUNCTION audit_rule_change_links({arguments})"))
        made = 0
        for table, name, body in wanted:
            if table not in existing or (not replace and (table, name) in present):
                continue
            # Transition tables cannot be replaced in place (CREATE OR REPLACE): drop and create.
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
            cursor.execute(f"CREATE TRIGGER {name} {body}")
            made += 1
    return made


def install_after_migrate(sender, using="default", plan=None, **kwargs):
    from django.db import connections

    # A flush (TransactionTestCase, `manage.py flush`) sends post_migrate with no plan: add only what
    # is missing, so a test that migrated a table away and back gets its triggers again, cheaply.
    triggers_install(connections[using], replace=plan is not None)


def _actor_and_source() -> tuple[str, str]:
    request = current_request.get()
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False) and getattr(user, "pk", None):
        return str(user.pk), ""
    return "", " ".join(sys.argv[:2])[:200]


def name_actor(execute, sql, params, many, context):
    """Before a statement that may write a tracked table, name who is writing, transaction-locally.
    A statement outside a transaction gets one of its own, so the setting covers exactly it."""
    connection = context["connection"]
    if (not isinstance(sql, str) or sql.lstrip()[:6].upper() == "SELECT" or "app.actor" in sql
            or not any(t in sql for t in _tables_for(connection))):
        return execute(sql, params, many, context)
    actor, source = _actor_and_source()
    with transaction.atomic(using=connection.alias, savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.actor', %s, true), set_config('app.source', %s, true)",
                           [actor, source])
        return execute(sql, params, many, context)


_tables: dict = {}


def _tables_for(connection) -> frozenset[str]:
    if "all" not in _tables:
        _tables["all"] = tracked_tables()
    return _tables["all"]


def connect_wrapper(sender, connection, **kwargs):
    if connection.vendor == "postgresql" and name_actor not in connection.execute_wrappers:
        # First, so outermost: a `with connection.execute_wrapper(...)` opened before this connection
        # was made pops its own wrapper (the last one) when it closes, not this one.
        connection.execute_wrappers.insert(0, name_actor)
