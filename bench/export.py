"""Benchmark the month's case export (reports/services_exports.py) on PostgreSQL.

    DEBUG=1 DATABASE_URL=postgres://... [DATABASE_REPLICA_URL=postgres://...:5433/...] \
        python -m bench.export --size 100000

Loads `size` cases received this month (COPY, core/bulk_copy.copy_rows), every one of them with a
named complainant, so the export writes an access-log note per row as well; then runs one export
job as the worker does (read from the replica when DATABASE_REPLICA_URL is set, after it has
replayed the load) and prints its time and the process's peak resident set (ru_maxrss: Django,
the rows in flight and openpyxl's buffers together). Targets (issue 17): 100,000 rows under 60 s
and 300 MB. The database named by DATABASE_URL is migrated and its case tables are emptied first.
"""
import argparse
import os
import resource
import sys
import time
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=50)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        sys.exit("bench.export needs PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    director = _load(size=args.size, units=args.units)
    print(f"loaded {args.size} cases in {time.perf_counter() - started:.1f} s", flush=True)
    from core.replica import REPLICA, replica_configured

    if replica_configured():
        _wait_replayed(connection, connections[REPLICA])

    from reports.exports import CaseExport
    from reports.services_exports import case_export_run

    export = CaseExport.objects.create(requested_by=director, scope=director.unit, month=_this_month())
    before = resource.getrusage(resource.RUSAGE_SELF)
    baseline_mb = before.ru_maxrss / 1024
    started = time.perf_counter()
    export = case_export_run(export_id=export.pk)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    # This process's own CPU: on a loaded machine the wall time mostly measures the other processes.
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = export.file.size / 1024 / 1024
    export.file.delete(save=False)
    print(f"exported {export.rows_done} rows ({size_mb:.1f} MB file) from "
          f"{'the replica' if replica_configured() else 'the primary'}; peak RSS before the export "
          f"{baseline_mb:.0f} MB; load average {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"RESULT export_seconds {seconds:.1f} s")
    print(f"RESULT export_cpu_seconds {cpu:.1f} s")
    print(f"RESULT export_peak_rss_mb {peak_mb:.0f} MB")
    print(f"RESULT export_rows_per_second {export.rows_done / seconds:.0f} rows/s")


def _this_month():
    from django.utils import timezone

    return timezone.localdate().replace(day=1)


def _load(*, size: int, units: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints.models import Case, CaseEvent, Notification, PersonalDataAccess
    from core.bulk_copy import copy_rows
    from deadlines.models import CaseClock
    from reports.exports import CaseExport
    from routing.models import Unit, User
    from supervision.models import Escalation, RedLineItem

    tables = [PersonalDataAccess, CaseExport, Escalation, RedLineItem, Notification, CaseEvent, CaseClock, Case]
    # The history refuses TRUNCATE (complaints/migrations/0020); the benchmark's own database is
    # emptied as a superuser, with triggers off for this transaction only.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in tables) + " CASCADE")
    center, _ = Unit.objects.get_or_create(code="BENCH", defaults={"name": "基准中心", "kind": "center"})
    stations = [Unit.objects.get_or_create(code=f"BENCH{n:04d}",
                                           defaults={"name": f"基准所{n}", "kind": "station", "parent": center})[0]
                for n in range(units)]
    director, _ = User.objects.get_or_create(username="bench_director", defaults={"unit": center, "role": "director"})
    start = timezone.now().replace(day=1, hour=0, minute=0) + timedelta(days=1)  # inside the month in Beijing too
    span = max(timezone.now() - start, timedelta(hours=1))
    columns, make = _case_row(Case)
    with transaction.atomic():
        copy_rows(table=Case._meta.db_table, columns=columns,
                  rows=(make(i, stations[i % units].pk, start + span * i / size) for i in range(size)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return director


def _case_row(Case):
    """The case table's NOT NULL columns and a function making one row of them for case `i`."""
    special = {
        "number": lambda i, unit, at: f"B{i:012d}", "query_code": lambda i, unit, at: "BENCHXYZ",
        "state": lambda i, unit, at: "handling", "kind": lambda i, unit, at: "complaint",
        "channel": lambda i, unit, at: "phone", "grade": lambda i, unit, at: "general",
        "complainant_type": lambda i, unit, at: "individual",
        "complainant_name": lambda i, unit, at: f"投诉人{i % 9973}",
        "complainant_phone": lambda i, unit, at: f"138{i % 100_000_000:08d}",
        # One in a thousand respondent names reads like a formula: written as text all the same.
        "respondent_name": lambda i, unit, at: f"=商户{i}" if i % 1000 == 0 else f"商户{i % 50_000}有限公司",
        "registering_unit_id": lambda i, unit, at: unit, "handling_unit_id": lambda i, unit, at: unit,
        "received_at": lambda i, unit, at: at,
    }
    columns, makers = [], []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        kind = field.get_internal_type()
        if field.column in special:
            maker = special[field.column]
        elif field.null:
            continue
        elif kind == "DateTimeField":
            maker = special["received_at"]
        elif kind == "BooleanField":
            maker = lambda i, unit, at: False  # noqa: E731
        elif "Integer" in kind:
            maker = lambda i, unit, at: 0  # noqa: E731
        elif kind == "JSONField":
            maker = lambda i, unit, at: "{}"  # noqa: E731
        else:
            maker = lambda i, unit, at: ""  # noqa: E731
        columns.append(field.column)
        makers.append(maker)
    return columns, lambda i, unit, at: tuple(maker(i, unit, at) for maker in makers)


def _wait_replayed(primary, replica) -> None:
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    started = time.perf_counter()
    while True:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                break
        time.sleep(0.2)
    print(f"replica replayed the load in {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
