"""Benchmark the deadline sweep on PostgreSQL.

    DATABASE_URL=postgres://... python -m bench.sweep --size 1000000

Loads `size` open cases, each with a running handling clock (generate_series, no ORM per row), of
which about 1% cross a threshold now (half turn red and get a supervision order, half turn yellow),
then times one sweep, and a second sweep that has nothing to do.
The database named by DATABASE_URL is migrated and its case tables are emptied first.
"""
import argparse
import os
import sys
import time
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=200)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        sys.exit("bench.sweep needs PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    now = timezone.now()
    started = time.perf_counter()
    _load(connection, size=args.size, units=args.units, now=now)
    print(f"loaded {args.size} open cases in {time.perf_counter() - started:.1f} s", flush=True)

    from deadlines.models import CaseClock
    from supervision.sweep import deadlines_sweep

    started = time.perf_counter()
    result = deadlines_sweep(now=now)
    first = time.perf_counter() - started
    started = time.perf_counter()
    idle = deadlines_sweep(now=now + timedelta(seconds=1))
    second = time.perf_counter() - started
    red = CaseClock.objects.filter(warning="red").count()
    yellow = CaseClock.objects.filter(warning="yellow").count()
    plain = _plain_update_seconds(connection, CaseClock)
    print(f"first sweep: {result}")
    print(f"second sweep: {idle}")
    print(f"clocks red={red} yellow={yellow} of {args.size}")
    print(f"RESULT sweep_seconds {first:.3f} s")
    print(f"RESULT idle_sweep_seconds {second:.3f} s")
    print(f"RESULT plain_update_seconds {plain:.3f} s")
    print(f"RESULT sweep_over_plain_update {first / plain:.1f} x")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")


def _plain_update_seconds(connection, CaseClock) -> float:
    """The floor under the sweep: one UPDATE of as many clock rows as the sweep changed, found by
    their ids, with nothing else (no escalation, history or notice), rolled back afterwards."""
    from django.db import transaction

    ids = list(CaseClock.objects.exclude(warning="none").values_list("pk", flat=True))
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(f"UPDATE {CaseClock._meta.db_table} SET warning = 'none', escalation_level = 0"
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
    with connection.cursor() as cursor:
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
        cursor.execute("ANALYZE")


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
