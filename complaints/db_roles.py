"""Two database roles on PostgreSQL: the owner of the tables (migrations, `db_roles_grant`) and the
application's role, which owns nothing. Owning nothing is the point: only a table's owner (or a
superuser) may ALTER it, disable its triggers or skip its privileges, so the application cannot
switch off the append-only guard on the history, and it is given no UPDATE, DELETE or TRUNCATE
there, nor DELETE on tables it never deletes from.

What the application deletes is read from the code rather than listed by hand: the models the
admin lets a superuser delete, the rows such a delete cascades to, the many-to-many rows of those
models, and the session rows that log-in, log-out and the public look-up replace."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connections, models, transaction
from django.test import RequestFactory

# Tables under the append-only triggers (complaints/migrations/0012 and 0020): read and insert only,
# and so are their month partitions (0031).
APPEND_ONLY_TABLES = frozenset({"complaints_caseevent"})
# Deleted by Django itself, not through a model of ours or the admin.
DJANGO_DELETES = frozenset({"django_session"})


class RoleGrantError(Exception):
    pass


def _admin_deletable_models() -> set[type[models.Model]]:
    request = RequestFactory().get("/admin/")
    request.user = apps.get_model(settings.AUTH_USER_MODEL)(is_superuser=True, is_staff=True, is_active=True)
    return {model for model, model_admin in admin.site._registry.items() if model_admin.has_delete_permission(request)}


def _with_cascades(roots: set[type[models.Model]]) -> set[type[models.Model]]:
    """The models whose rows Django's collector deletes along with `roots`, as it would."""
    found, todo = set(), list(roots)
    while todo:
        model = todo.pop()
        if model in found:
            continue
        found.add(model)
        for relation in model._meta.related_objects:
            if relation.on_delete is models.CASCADE:
                todo.append(relation.related_model)
        for field in model._meta.many_to_many:
            todo.append(field.remote_field.through)  # the link rows go with either end
        for relation in model._meta.related_objects:
            if relation.many_to_many:
                todo.append(relation.through)
    return found


def tables_app_deletes() -> set[str]:
    """Tables the application deletes rows from, never one of the append-only ones."""
    tables = {model._meta.db_table for model in _with_cascades(_admin_deletable_models())} | DJANGO_DELETES
    return tables - APPEND_ONLY_TABLES


def _quoted(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def role_grants_apply(*, role: str, using: str = "default") -> dict[str, int]:
    """Give `role` exactly what the application needs on every table and sequence of the schema,
    and the same on tables the current user (the owner) creates later. Run as the owner; running it
    again sets the same grants (all are revoked and given again in one transaction, so the
    application never sees them missing). Returns how many tables got which privileges."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise RoleGrantError("database roles are a PostgreSQL matter; this database is " + connection.vendor)
    deletes = tables_app_deletes()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        owner, schema = cursor.fetchone()
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            raise RoleGrantError(f"role {role!r} does not exist (CREATE ROLE {role} LOGIN PASSWORD '...')")
        if row[0]:
            raise RoleGrantError(f"role {role!r} is a superuser: it could disable the history's triggers")
        if role == owner:
            raise RoleGrantError(f"role {role!r} is the one connected: run this as the owner of the tables")
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tableowner = %s ORDER BY 1", [schema, role]
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise RoleGrantError(
                f"role {role!r} owns {', '.join(owned)}: an owner may disable triggers "
                f"(REASSIGN OWNED BY {role} TO {owner}, as a superuser)"
            )
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tableowner = %s ORDER BY 1", [schema, owner]
        )
        tables = [name for (name,) in cursor.fetchall()]
        # A month partition (core/partitions.py) gets what its table gets: the history's partitions
        # are read and insert only too.
        cursor.execute(
            "SELECT c.relname, p.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_class p ON p.oid = pg_partition_root(c.oid) WHERE n.nspname = %s AND c.relispartition",
            [schema],
        )
        root_of = dict(cursor.fetchall())

        r, s = _quoted(connection, role), _quoted(connection, schema)
        cursor.execute(f"GRANT USAGE ON SCHEMA {s} TO {r}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}")
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}")
        counts = {"SELECT, INSERT": 0, "SELECT, INSERT, UPDATE": 0, "SELECT, INSERT, UPDATE, DELETE": 0}
        for table in tables:
            # A partition detached for archive keeps its table's name as its prefix (history_partitions).
            root = root_of.get(table) or next((t for t in APPEND_ONLY_TABLES if table.startswith(t + "_p")), table)
            if root in APPEND_ONLY_TABLES:
                privileges = "SELECT, INSERT"
            elif root in deletes:
                privileges = "SELECT, INSERT, UPDATE, DELETE"
            else:
                privileges = "SELECT, INSERT, UPDATE"
            cursor.execute(f"GRANT {privileges} ON {s}.{_quoted(connection, table)} TO {r}")
            counts[privileges] += 1
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}")
        # Tables of later migrations get the common case at once; one with deletes or under the
        # append-only guard is set right by the grants that `migrate` applies after migrating.
        default = f"ALTER DEFAULT PRIVILEGES FOR ROLE {_quoted(connection, owner)} IN SCHEMA {s}"
        cursor.execute(f"{default} REVOKE ALL ON TABLES FROM {r}")
        cursor.execute(f"{default} GRANT SELECT, INSERT, UPDATE ON TABLES TO {r}")
        cursor.execute(f"{default} GRANT USAGE, SELECT ON SEQUENCES TO {r}")
    return counts


def owner_settings() -> dict | None:
    """The owner's connection settings (MIGRATION_DATABASE_URL), or None when the application
    itself connects as the owner (development, the test suite)."""
    return settings.DATABASE_OWNER or None


class owner_connection:  # noqa: N801 (used like a function: `with owner_connection(): ...`)
    """Within the block the default connection logs in as the owner (MIGRATION_DATABASE_URL) to the
    database it uses now (so a test database is migrated as the owner too); afterwards as before."""

    CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")

    def __init__(self, using: str = "default"):
        self.using = using

    def __enter__(self):
        owner = owner_settings()
        connection = connections[self.using]
        self.saved = None
        if owner is not None:
            connection.close()
            self.saved = {key: connection.settings_dict.get(key) for key in self.CREDENTIALS}
            connection.settings_dict.update({key: owner[key] for key in self.CREDENTIALS if key in owner})
        return connection

    def __exit__(self, *exc):
        if self.saved is not None:
            connection = connections[self.using]
            connection.close()
            connection.settings_dict.update(self.saved)
        return False
