"""Benchmark the deadline sweep on PostgreSQL.

    DEBUG=1 python -m bench.sweep --size 1000000            # seed, time one sweep, drop the database
    DEBUG=1 python -m bench.sweep --size 1000000 --keep     # leave the seeded database behind
    DEBUG=1 python -m bench.sweep --size 1000000 --reuse --repeat 5   # re-time it without seeding
    DEBUG=1 python -m bench.sweep --reuse --explain         # EXPLAIN (ANALYZE, BUFFERS) of each statement

Builds a throw-away database next to DATABASE_URL's (bench_sweep_<name>) and loads `size` open
cases, each with a running handling clock (generate_series, no ORM per row), of which about 1%
cross a threshold now (half turn red and get a supervision order, half turn yellow), then times a
sweep, and a second sweep that has nothing to do. Every sweep is rolled back, so a kept database
is the same seed each time (`--repeat` sweeps, the first read after a VACUUM, the others warm).
"""
import argparse
import os
import sys
import time
from datetime import timedelta

from bench.database import bench_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="sweeps to time, each rolled back")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="time a database kept by --keep (seeded again "
                                                             "only if it does not hold --size cases)")
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN (ANALYZE, BUFFERS) of each statement of one sweep (rolled back)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench.sweep needs PostgreSQL: set DATABASE_URL=postgres://...")
    with bench_database(name=f"bench_sweep_{connection.settings_dict['NAME']}", keep=args.keep,
                        reuse=args.reuse, serialize=False):
        run(args)


def run(args) -> None:
    from django.db import connection
    from django.utils import timezone

    from complaints.models import Case
    from deadlines.models import CaseClock

    seeded = _seed_time(connection)
    if seeded is None or Case.objects.count() != args.size:
        seeded = timezone.now()
        started = time.perf_counter()
        _load(connection, size=args.size, units=args.units, now=seeded)
        print(f"loaded {args.size} open cases in {time.perf_counter() - started:.1f} s", flush=True)
    # The seed's own moment: the same clocks cross a threshold however long ago it was loaded.
    now = seeded
    with connection.cursor() as cursor:
        for table in ("complaints_caseclock", "complaints_case", "complaints_caseevent",
                      "supervision_escalation", "complaints_notification"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    if args.explain:
        _explained_sweep(connection, now=now)
        return
    timings = []
    for n in range(args.repeat):
        first, second, result, idle, red, yellow = _rolled_back_sweeps(connection, CaseClock, now=now)
        timings.append(first)
        print(f"sweep {n + 1}: {first:.3f} s  idle {second:.3f} s  load {_load_average()}", flush=True)
    plain = _plain_update_seconds(connection, CaseClock, now=now)
    print(f"first sweep: {result}")
    print(f"second sweep: {idle}")
    print(f"clocks red={red} yellow={yellow} of {args.size}")
    print(f"RESULT sweep_seconds {timings[0]:.3f} s")
    if len(timings) > 1:
        print(f"RESULT warm_sweep_seconds_median {sorted(timings[1:])[len(timings[1:]) // 2]:.3f} s")
    print(f"RESULT idle_sweep_seconds {second:.3f} s")
    print(f"RESULT plain_update_seconds {plain:.3f} s")
    print(f"RESULT sweep_over_plain_update {timings[0] / plain:.1f} x")
    print(f"load average {_load_average()} ({os.cpu_count()} cores)")


def _load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _seed_time(connection):
    """When the kept seed was loaded (the started_at of its clocks is that moment less 10 days)."""
    from deadlines.models import CaseClock

    first = CaseClock.objects.filter(case__number="B000000000001").values_list("started_at", flat=True).first()
    return first + timedelta(days=10) if first else None


def _rolled_back_sweeps(connection, CaseClock, *, now):
    """One sweep and an idle one after it, timed, then rolled back (mail would go after commit: the
    bench's users have no address, so nothing is lost by not committing). The foreign keys are
    checked at commit (Django makes them deferred): SET CONSTRAINTS ALL IMMEDIATE runs those checks
    inside the timing, as a commit would."""
    from django.db import transaction

    from supervision.sweep import deadlines_sweep

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            result = deadlines_sweep(now=now)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            first = time.perf_counter() - started
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            started = time.perf_counter()
            idle = deadlines_sweep(now=now + timedelta(seconds=1))
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            second = time.perf_counter() - started
            red = CaseClock.objects.filter(warning="red").count()
            yellow = CaseClock.objects.filter(warning="yellow").count()
            raise _RolledBack
    except _RolledBack:
        pass
    return first, second, result, idle, red, yellow


def _explained_sweep(connection, *, now) -> None:
    """Each statement of one sweep run twice in a savepoint: under EXPLAIN (ANALYZE, BUFFERS), printed,
    rolled back to the savepoint, then for real (so the sweep goes on as it would). The explained run
    reads cold what the real one then reads warm; all of it is rolled back at the end."""
    from django.db import transaction

    from supervision.sweep import deadlines_sweep

    def explain(execute, sql, params, many, context):
        cursor = context["cursor"]
        if many or not sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "WITH", "DELETE")):
            return execute(sql, params, many, context)
        cursor.execute("SAVEPOINT bench_explain")
        started = time.perf_counter()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        seconds = time.perf_counter() - started
        cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")
        print(f"---- {seconds * 1000:.1f} ms  {' '.join(sql.split())[:300]}\n{plan}", flush=True)
        return execute(sql, params, many, context)

    try:
        with transaction.atomic(), connection.execute_wrapper(explain), connection.cursor() as cursor:
            deadlines_sweep(now=now)
            started = time.perf_counter()
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign key checks a commit runs
            print(f"---- {(time.perf_counter() - started) * 1000:.1f} ms  the deferred foreign key checks")
            raise _RolledBack
    except _RolledBack:
        pass
    print(f"load average {_load_average()} ({os.cpu_count()} cores)")


def _plain_update_seconds(connection, CaseClock, *, now) -> float:
    """The floor under the sweep: one UPDATE of as many clock rows as the sweep changes, found by
    their ids, with nothing else (no escalation, history or notice), rolled back afterwards."""
    from django.db import transaction

    # The clocks the sweep colours: inside the warning lead or past the deadline, still uncoloured.
    ids = list(CaseClock.objects.filter(stopped_at__isnull=True, warning="none", warn_at__lte=now)
               .values_list("pk", flat=True))
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(f"UPDATE {CaseClock._meta.db_table} SET warning = 'red', escalation_level = 1"
                           " WHERE id = ANY(%s)", [ids])
            seconds = time.perf_counter() - started
            raise _RolledBack
    except _RolledBack:
        pass
    return max(seconds, 1e-9)


class _RolledBack(Exception):
    """Leaves the plain UPDATE's transaction without keeping its rows."""


def _load(connection, *, size: int, units: int, now) -> None:
    from django.db import transaction

    from complaints.history_chain import LINK_SQL
    from complaints.inbox_tally_sql import SEARCH_INDEXES
    from complaints.models import Case, CaseEvent, Notification
    from deadlines.models import CaseClock
    from routing.models import Unit, User
    from supervision.models import Escalation, RedLineItem

    tables = [Escalation, RedLineItem, Notification, CaseEvent, CaseClock, Case]
    # The history refuses TRUNCATE (complaints/migrations/0020); the benchmark's own database is
    # emptied as a superuser, with triggers off for this transaction only.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in tables) + " CASCADE")
    center, _ = Unit.objects.get_or_create(code="BENCH", defaults={"name": "基准中心", "kind": "center"})
    stations = []
    for n in range(units):
        station, _ = Unit.objects.get_or_create(
            code=f"BENCH{n:04d}", defaults={"name": f"基准所{n}", "kind": "station", "parent": center}
        )
        stations.append(station)
        User.objects.get_or_create(username=f"bench_lead{n}", defaults={"unit": station, "role": "unit_leader"})
    User.objects.get_or_create(username="bench_director", defaults={"unit": center, "role": "director"})
    first_unit = stations[0].pk

    columns, values = _case_columns(Case, unit_sql=f"{first_unit} + mod(i, {units})")
    with transaction.atomic(), connection.cursor() as cursor:
        # No trigger while loading (row by row, the inbox's kept counts took over 10 minutes for
        # the cases alone): the rebuild then computes the nearest deadlines and counts at once, and
        # the search indexes are built once after the load.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for name, _definition in SEARCH_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(
            f"INSERT INTO {Case._meta.db_table} ({', '.join(columns)})"
            f" SELECT {', '.join(values)} FROM generate_series(1, %s) AS i",
            [now] * values.count("%s") + [size],
        )
        # One running handling clock per case: 0.5% overdue, 0.5% inside the warning lead, the
        # rest due in 2-11 days.
        cursor.execute(
            f"INSERT INTO {CaseClock._meta.db_table} (case_id, clock, started_at, due_date, due_at, pending_reason,"
            " limit_amount, limit_unit, basis, extended_days, pause_reason, paused_working_days, warning, warn_at,"
            " escalation_level)"
            " SELECT c.id, 'handling', %s - interval '10 days', (t.due AT TIME ZONE 'Asia/Shanghai')::date, t.due,"
            " '', 10, 'working_days', '', 0, '', 0, 'none', t.due - interval '1 day', 0"
            f" FROM {Case._meta.db_table} c CROSS JOIN LATERAL (SELECT CASE"
            "   WHEN mod(c.id, 200) = 0 THEN %s - interval '1 hour'"
            "   WHEN mod(c.id, 200) = 1 THEN %s + interval '5 hours'"
            "   ELSE %s + (2 + mod(c.id, 10)) * interval '1 day' END AS due) t",
            [now, now, now, now],
        )
        # Each case's receipt in its history, linked as the first row of its chain (over a placeholder
        # digest: the bench never verifies the chain): the sweep's own rows look up their case's last
        # row, which a case always has (without any, the planner took the history for empty and
        # scanned it once per case, growing with each rolled-back sweep).
        link = LINK_SQL.format(prev="''", case="c.id", digest="%s")
        cursor.execute(
            f"INSERT INTO {CaseEvent._meta.db_table} (case_id, at, actor_id, actor_unit_id, action, source_state,"
            " target_state, note, internal, data, chain_hash)"
            f" SELECT c.id, c.received_at, NULL, NULL, 'receive', '', 'received', '', false, '{{}}', {link}"
            f" FROM {Case._meta.db_table} c", ["0" * 64])
        cursor.execute("SELECT complaints_inbox_rebuild()")
        for name, definition in SEARCH_INDEXES:
            cursor.execute(f"CREATE INDEX {name} ON complaints_case {definition}")


def _case_columns(Case, *, unit_sql: str) -> tuple[list[str], list[str]]:
    """Every NOT NULL column of the case table with a value built from the series number `i`."""
    special = {
        "number": "'B' || lpad(i::text, 12, '0')",
        "query_code": "'BENCHXYZ'",
        "state": "'handling'",
        "kind": "'complaint'",
        "channel": "'phone'",
        "grade": "'general'",
        "complainant_type": "'individual'",
        "complainant_phone": "'138' || lpad(mod(i, 100000000)::text, 8, '0')",
        "respondent_name": "'商户' || mod(i, 50000)::text",
        "registering_unit_id": unit_sql,
        "handling_unit_id": unit_sql,
    }
    columns, values = [], []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in special:
            columns.append(field.column)
            values.append(special[field.column])
        elif field.null:
            continue
        elif field.get_internal_type() in ("DateTimeField",):
            columns.append(field.column)
            values.append("%s")
        elif field.get_internal_type() == "BooleanField":
            columns.append(field.column)
            values.append("false")
        elif "Integer" in field.get_internal_type():
            columns.append(field.column)
            values.append("0")
        else:
            columns.append(field.column)
            values.append("''")
    return columns, values


if __name__ == "__main__":
    main()
