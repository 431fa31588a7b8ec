"""Monthly range partitions on PostgreSQL for the tables that only grow: the case history, the
notifications and the webhook deliveries (issue 17, item 5). SQLite keeps plain tables.

Converting a table (`table_partition`, run by the migrations) copies nothing: the existing table
becomes the partition of everything before a month boundary B. A CHECK (key < B) is validated first
under a lock that lets inserts go on, so ATTACH PARTITION needs no scan; the renames, the identity
hand-over and the attach then run in one short transaction. The parent gets the table's indexes,
foreign keys, triggers and grants, so every partition made afterwards has them too.

Keys. PostgreSQL wants the partition key in every unique constraint, so the database's primary
key is (id, key) while Django keeps `id` as its pk: ids still come from one sequence, which is what
keeps them unique, and each partition's index on (id, key) still finds a row by id. Nothing points
into these tables (no foreign key names CaseEvent, Notification or WebhookDelivery); a future one
would have to carry the key column too, or be a plain id without a database constraint.

New partitions come from `partitions_ensure()`, a SECURITY DEFINER function owned by the tables'
owner (complaints/migrations/0031): the beat task runs as the application's role, which must own
nothing (complaints/db_roles.py), so the partitions it asks for are the owner's, with the parent's
grants and, on the history, the TRUNCATE guard (a statement trigger, which PostgreSQL does not
clone to partitions; row triggers it does clone)."""
import re
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from core.partitions_sql import PARTITIONED, functions_create, functions_drop  # noqa: F401 (migrations use them)

# The swap waits this long for the table at most (inserts queue behind it meanwhile), then gives
# everything up and tries again, SWAP_ATTEMPTS times; ENSURE_ATTEMPTS for a month found "busy".
SWAP_LOCK_TIMEOUT = "2s"
SWAP_ATTEMPTS = 30
ENSURE_ATTEMPTS = 5
BOUND = re.compile(r"FROM \((MINVALUE|'[^']+')\) TO \((MAXVALUE|'[^']+')\)")


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(moment: datetime, months: int = 0) -> datetime:
    """The first instant of the month `months` after the one holding `moment`, in the site's zone."""
    local = moment.astimezone(zone())
    index = local.year * 12 + local.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=zone())


def is_partitioned(table: str) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _short(name: str, suffix: str) -> str:
    return name[: 63 - len(suffix)] + suffix


def table_partition(table: str, key: str, *, now: datetime | None = None) -> str:
    """Turn `table` into a table partitioned by month on `key`; returns the old table's new name
    (its partition for everything before the boundary). Must run outside a transaction."""
    now = now or timezone.now()
    # A boundary at least a week away, so inserts made while this runs still fall before it.
    boundary = month_start(now + (month_start(now, 1) - month_start(now)) / 4, 1)
    legacy = _short(table, f"_p_before_{boundary:%Y%m}")
    check = _short(table, "_before_partitioning")
    unique = _short(table, "_id_key_uniq")
    with connection.cursor() as cursor:
        # Outside the swap, without blocking inserts: the unique key the parent's primary key will
        # adopt, and the proof that every row lies before the boundary.
        cursor.execute(f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {_q(unique)} ON {_q(table)} (id, {_q(key)})")
        cursor.execute(f"ALTER TABLE {_q(table)} DROP CONSTRAINT IF EXISTS {_q(check)}")  # from a stopped run
        cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(check)} CHECK ({_q(key)} < %s) NOT VALID",
                       [boundary])
        cursor.execute(f"ALTER TABLE {_q(table)} VALIDATE CONSTRAINT {_q(check)}")
    _retried(lambda: _swap(table, key, boundary=boundary, legacy=legacy, check=check, unique=unique))
    partitions_ensure(table, months_ahead=settings.PARTITIONS_AHEAD_MONTHS)
    return legacy


def _swap(table: str, key: str, *, boundary, legacy: str, check: str, unique: str) -> None:
    """The short transaction: rename, hand the id sequence over, attach. The table is locked first
    (writers queue behind for at most SWAP_LOCK_TIMEOUT), then the tables its foreign keys point to,
    which the attach takes exclusively (it drops the old table's action triggers there). A writer
    that changed a case and then waits for the history would close a deadlock with that second
    wait, so the swap waits less than deadlock_timeout for it: it gives up before PostgreSQL could
    pick the writer as the victim, and is tried again (both found by the migration test, which
    writes all along). Reads of cases, units and users pause for the swap's milliseconds."""
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_in_order(cursor, table, referenced_mode="ACCESS EXCLUSIVE")
        parts = _definition(cursor, table, skip_constraints={check, f"{table}_pkey", unique})
        cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(unique)} UNIQUE USING INDEX {_q(unique)}")
        cursor.execute(f"ALTER TABLE {_q(table)} RENAME TO {_q(legacy)}")
        for index in [f"{table}_pkey", *parts["index_names"]]:
            cursor.execute(f"ALTER INDEX {_q(index)} RENAME TO {_q(_short(index, '_old'))}")
        cursor.execute(f"CREATE TABLE {_q(table)} (LIKE {_q(legacy)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                       f"INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({_q(key)})")
        cursor.execute(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(check)}")
        cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(table + '_pkey')} PRIMARY KEY (id, {_q(key)})")
        _apply_definition(cursor, table, parts)
        # The same id sequence, so ids keep growing across the swap (no insert can run meanwhile).
        _identity_move(cursor, source=legacy, target=table, sequence=_short(table, "_id_seq"))
        # Row triggers are cloned to partitions on attach; the old table's own copy would clash.
        for name in parts["row_triggers"]:
            cursor.execute(f"DROP TRIGGER {_q(name)} ON {_q(legacy)}")
        cursor.execute("SELECT partitions_copy_acl(%s, %s)", [legacy, table])
        cursor.execute(f"ALTER TABLE {_q(table)} ATTACH PARTITION {_q(legacy)} FOR VALUES FROM (MINVALUE) TO (%s)",
                       [boundary])
        cursor.execute(f"ALTER TABLE {_q(legacy)} DROP CONSTRAINT {_q(check)}")
        default = _short(table, "_default")
        cursor.execute(f"CREATE TABLE {_q(default)} PARTITION OF {_q(table)} DEFAULT")
        cursor.execute("SELECT partitions_guard(%s, %s)", [table, default])


def table_unpartition(table: str) -> None:
    """Back to one plain table (the migration's reverse): copies every row, under a lock."""
    plain = _short(table, "_unpartitioned")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_q(table)} IN ACCESS EXCLUSIVE MODE")
        parts = _definition(cursor, table, skip_constraints={f"{table}_pkey"})
        cursor.execute(f"CREATE TABLE {_q(plain)} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                       f"INCLUDING STORAGE INCLUDING COMMENTS)")
        cursor.execute(f"INSERT INTO {_q(plain)} SELECT * FROM {_q(table)}")
        cursor.execute("SELECT partitions_copy_acl(%s, %s)", [table, plain])
        _identity_move(cursor, source=table, target=plain, sequence=_short(table, "_id_seq"))
        cursor.execute(f"DROP TABLE {_q(table)} CASCADE")
        cursor.execute(f"ALTER TABLE {_q(plain)} RENAME TO {_q(table)}")
        cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(table + '_pkey')} PRIMARY KEY (id)")
        _apply_definition(cursor, table, parts)


def _sqlstate(error) -> str | None:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)  # psycopg 3 or 2


def _lock_in_order(cursor, table: str, *, referenced_mode: str) -> None:
    """The table, then what its foreign keys point to, the second wait shorter than the deadlock
    check (_swap says why); a lock not had raises LockNotAvailable, for the caller to try again."""
    cursor.execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
    cursor.execute(f"LOCK TABLE {_q(table)} IN ACCESS EXCLUSIVE MODE")
    cursor.execute("SELECT greatest(setting::int / 2, 10) FROM pg_settings WHERE name = 'deadlock_timeout'")
    cursor.execute(f"SET LOCAL lock_timeout = {int(cursor.fetchone()[0])}")
    cursor.execute("SELECT DISTINCT confrelid::regclass::text FROM pg_constraint WHERE conrelid = %s::regclass "
                   "AND contype = 'f' ORDER BY 1", [table])
    for (referenced,) in cursor.fetchall():
        cursor.execute(f"LOCK TABLE {referenced} IN {referenced_mode} MODE")


def _retried(work) -> None:
    for attempt in range(SWAP_ATTEMPTS):
        try:
            return work()
        except OperationalError as error:
            if _sqlstate(error) != "55P03" or attempt == SWAP_ATTEMPTS - 1:
                raise
            time.sleep(0.2 + 0.1 * attempt)  # a lock not had in time: everything released, try again


def _definition(cursor, table: str, *, skip_constraints: set[str]) -> dict:
    """What the parent must repeat of `table`: its other indexes, foreign keys and triggers, as SQL
    that names `table` (so it applies to whichever table carries the name later)."""
    cursor.execute("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                   "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND i.relname <> ALL(%s) ORDER BY 1",
                   [table, list(skip_constraints)])
    indexes = cursor.fetchall()
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                   "AND contype = 'f' AND conparentid = 0 ORDER BY 1", [table])
    foreign_keys = cursor.fetchall()
    # tgtype bit 0 set: a row trigger. Only the table's own, not ones cloned from a parent.
    cursor.execute("SELECT tgname, pg_get_triggerdef(oid), tgtype & 1 = 1 FROM pg_trigger "
                   "WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgparentid = 0 ORDER BY 1", [table])
    triggers = cursor.fetchall()
    return {"index_names": [name for name, _ in indexes], "indexes": [sql for _, sql in indexes],
            "foreign_keys": foreign_keys, "triggers": [sql for _, sql, _ in triggers],
            "row_triggers": [name for name, _, row in triggers if row]}


def _apply_definition(cursor, table: str, parts: dict) -> None:
    for sql in parts["indexes"]:
        # A partitioned table's own index reads "ON ONLY"; on the plain table it is simply "ON".
        cursor.execute(sql.replace(" ON ONLY ", " ON "))
    for name, sql in parts["foreign_keys"]:
        cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {sql}")
    for sql in parts["triggers"]:
        cursor.execute(sql)


def _identity_move(cursor, *, source: str, target: str, sequence: str) -> None:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [source])
    cursor.execute(f"SELECT last_value, is_called FROM {cursor.fetchone()[0]}")
    last_value, is_called = cursor.fetchone()
    name = sequence  # dropped with the source's identity just below, so the name is free again
    cursor.execute(f"ALTER TABLE {_q(source)} ALTER COLUMN id DROP IDENTITY")
    cursor.execute(f"ALTER TABLE {_q(target)} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY "
                   f"(SEQUENCE NAME {_q(name)})")
    cursor.execute("SELECT setval(%s, %s, %s)", [name, last_value, is_called])


def partitions_ensure(table: str, *, months_ahead: int, now: datetime | None = None) -> list[str]:
    """Create the monthly partitions of `table` from this month to `months_ahead` months ahead and
    the default partition, those missing; returns what was done, one line each ("blocked" when the
    default partition already holds rows of that month: they stay there, readable and guarded)."""
    if not is_partitioned(table):
        return []
    now = now or timezone.now()
    done = []
    for attempt in range(ENSURE_ATTEMPTS):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT partitions_ensure(%s, %s, %s, %s)",
                           [table, settings.TIME_ZONE, month_start(now).date(), months_ahead])
            lines = [line for (line,) in cursor.fetchall()]
        done += [line for line in lines if not line.startswith("busy") or attempt == ENSURE_ATTEMPTS - 1]
        if not any(line.startswith("busy") for line in lines):
            break
        time.sleep(0.5 * (attempt + 1))
    return done


def partitions_list(table: str) -> list[dict]:
    """The partitions of `table`, oldest first, with their bounds (None: open) and estimated rows."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples FROM pg_inherits i "
                       "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass", [table])
        rows = cursor.fetchall()
    found = []
    for name, bound, tuples in rows:
        match = BOUND.search(bound)
        lower, upper = (_bound(match.group(1)), _bound(match.group(2))) if match else (None, None)
        found.append({"name": name, "lower": lower, "upper": upper, "default": not match,
                      "rows": max(int(tuples), 0)})
    return sorted(found, key=lambda p: (p["default"], p["upper"] or datetime.max.replace(tzinfo=UTC)))


def _bound(text: str) -> datetime | None:
    if text in ("MINVALUE", "MAXVALUE"):
        return None
    return datetime.fromisoformat(text.strip("'"))


def partition_detach(table: str, partition: str) -> None:
    """Detach one partition: it stays in the database as a table of its own, to dump and drop."""
    def detach():
        with transaction.atomic(), connection.cursor() as cursor:
            # Detaching gives the partition's foreign keys their own triggers on the tables they point to.
            _lock_in_order(cursor, table, referenced_mode="SHARE ROW EXCLUSIVE")
            cursor.execute(f"ALTER TABLE {_q(table)} DETACH PARTITION {_q(partition)}")

    _retried(detach)
