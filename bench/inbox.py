"""Inbox speed as one unit's open cases grow: 10 k, 100 k and 1 M in one run.

    DEBUG=1 python -m bench.inbox                       # 10000,100000,1000000
    DEBUG=1 python -m bench.inbox --sizes 10000,100000  # on a busy machine
    DEBUG=1 python -m bench.inbox --keep                # leave the seeded database behind
    DEBUG=1 python -m bench.inbox --reuse --sizes 1000000  # re-measure it without seeding again

Builds a throw-away test database on DATABASE_URL's server and grows one station's open cases
stage by stage (half signed for, each with running contact and handling clocks spread around now:
some overdue, some due soon), loaded with COPY (core/bulk_copy.py) with triggers off
(session_replication_role), then counted once by complaints_inbox_rebuild(). After each stage it
times the pages a unit opens all day and prints RESULT lines (median and p95); the target is every figure within 1.5x of
its 10 k figure (issue 17). The machine's load is printed with them.
"""

import argparse
import json
import os
import random
import statistics
import time
from datetime import timedelta

import django

from bench.database import bench_database

PAGES = [
    ("inbox_all", "/inbox/"),
    ("inbox_overdue", "/inbox/?tab=overdue"),
    ("inbox_due_soon", "/inbox/?tab=due_soon"),
    ("inbox_search_respondent3", "/inbox/?q=某商户42"),
    ("inbox_search_phone", "/inbox/?q=13900000042"),
    ("case_list", "/cases/"),
]
# The center's pages over the same cases (issue 17 item 3 moves them to rollups): --dashboard.
CENTER_PAGES = [
    ("dashboard", "/dashboard/"),
    ("dashboard_drill_overdue", "/dashboard/cases/?metric=overdue"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--verbose", action="store_true", help="print each query's time for every page")
    parser.add_argument("--only", default="", help="time only the pages whose names contain this")
    parser.add_argument("--dashboard", action="store_true", help="time the center's dashboard pages too")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database for --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="measure a database kept by --keep (migrated, grown only past what it holds)")
    args = parser.parse_args()
    PAGES[:] = [(*page, "leader") for page in PAGES if args.only in page[0]]
    if args.dashboard:
        PAGES.extend((*page, "center") for page in CENTER_PAGES if args.only in page[0])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    # No setup_test_environment(): its template instrumentation would slow rendering down.
    with bench_database(name=f"bench_inbox_{connection.settings_dict['NAME']}", keep=args.keep, reuse=args.reuse):
        run([int(s) for s in args.sizes.split(",")], args.repeat, args.verbose, reuse=args.reuse)


def world(*, reuse: bool = False):
    """The units and users, and one case with its clocks made by the ORM: the templates of the
    rows COPY writes (every column, defaults included, as Django writes them). With `reuse`, those
    of a kept database, and how many cases it holds."""
    from django.utils import timezone

    from complaints.models import Case
    from deadlines.models import CaseClock
    from routing.models import Unit, User

    if reuse and (template := Case.objects.filter(number="2026000000000").first()):
        users = {user.username: user for user in User.objects.filter(username__in=["leader", "handler", "center"])}
        clock = CaseClock.objects.filter(case=template).first()
        return users, template, clock, Case.objects.count()

    center = Unit.objects.create(code="C", name="市12315指挥中心", kind="center")
    district = Unit.objects.create(code="D01", name="蓬江区12315受理中心", kind="district_center", parent=center)
    station = Unit.objects.create(code="S0101", name="白沙市场监管所", kind="station", parent=district)
    users = {}
    for username, unit, role in [("leader", station, "unit_leader"), ("handler", station, "handler"),
                                 ("center", center, "supervisor")]:
        users[username] = User.objects.create_user(username=username, password="x", unit=unit, role=role)
    now = timezone.now()
    template = Case.objects.create(
        number="2026000000000", query_code="ABCDEFGH", kind="complaint", channel="phone", state="handling",
        complainant_name="张三", complainant_phone="13800000000", respondent_name="某商户", facts="预付卡",
        demand="退款", received_at=now, registering_unit=center, dispatching_unit=center, handling_unit=station,
    )
    clock = CaseClock.objects.create(case=template, clock="handling", started_at=now, due_at=now,
                                     due_date=timezone.localdate(now), limit_amount=10, limit_unit="working_days")
    return users, template, clock, 1


def _row_of(obj) -> dict:
    from django.db import connection

    table = obj._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [obj.pk])
        names = [column.name for column in cursor.description]
        values = [json.dumps(v) if isinstance(v, dict | list) else v for v in cursor.fetchone()]  # JSON columns
        return dict(zip(names, values, strict=True))


def grow(*, start: int, stop: int, template, clock, users) -> float:
    """Add cases start..stop-1 (and two clocks each) with COPY; returns the seconds it took."""
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints.inbox_tally_sql import SEARCH_INDEXES
    from core.bulk_copy import copy_rows

    began = time.perf_counter()
    case_row, clock_row = _row_of(template), _row_of(clock)
    case_row.pop("search_vector", None)
    case_columns, clock_columns = list(case_row), [c for c in clock_row if c != "id"]
    now = timezone.now()
    rng = random.Random(12315 + start)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('complaints_case', 'id'))")
        first_id = cursor.fetchone()[0] + 1
        cursor.execute("SELECT setval(pg_get_serial_sequence('complaints_case', 'id'), %s)",
                       [first_id + (stop - start)])
    handler_id = users["handler"].pk
    ids = range(first_id, first_id + (stop - start))

    def cases():
        for offset, case_id in enumerate(ids):
            i = start + offset
            signed = i % 2 == 0
            row = dict(case_row)
            row.update(
                id=case_id, number=f"2026{i:09d}", state="handling" if signed else "dispatched",
                complainant_phone=f"139{i:08d}", respondent_name=f"某商户{i % 500}",
                received_at=now - timedelta(days=rng.randint(0, 20), minutes=i % 10_000),
                handler_id=handler_id if signed else None,
                contacted_at=now if signed and i % 4 == 0 else None, redo_count=1 if i % 50 == 0 else 0,
                next_due_at=None, next_warn_at=None,
            )
            yield [row[c] for c in case_columns]

    def clocks():
        for case_id in ids:
            for name, spread in (("contact", 3), ("handling", 12)):
                due_at = now + timedelta(minutes=rng.randint(-24 * 60 * spread, 24 * 60 * spread))
                row = dict(clock_row)
                row.update(case_id=case_id, clock=name, started_at=now - timedelta(days=spread), due_at=due_at,
                           due_date=timezone.localdate(due_at), warn_at=due_at - timedelta(days=1))
                yield [row[c] for c in clock_columns]

    with transaction.atomic(), connection.cursor() as cursor:
        # No trigger while loading (neither the inbox's nor the foreign keys' checks: the rows are
        # made consistent here); the rebuild then computes the nearest deadlines and counts at once.
        cursor.execute("SET LOCAL session_replication_role = replica")
        # The search indexes are built once after the load, faster than row by row.
        for name, _definition in SEARCH_INDEXES:
            cursor.execute(f"DROP INDEX {name}")
        copy_rows(table="complaints_case", columns=case_columns, rows=cases())
        copy_rows(table="complaints_caseclock", columns=clock_columns, rows=clocks())
        cursor.execute("SELECT complaints_inbox_rebuild()")
        for name, definition in SEARCH_INDEXES:
            cursor.execute(f"CREATE INDEX {name} ON complaints_case {definition}")
    with connection.cursor() as cursor:
        # VACUUM, not only ANALYZE: each case went in without its nearest deadline and the rebuild
        # set it, leaving a dead entry per case in the empty-deadline part of case_inbox_due. A
        # search's second keyset query (the cases without a deadline) walked a million of them,
        # 200+ ms, which autovacuum spares a running system but no page would show right after a load.
        for table in ("complaints_case", "complaints_caseclock", "complaints_inboxtally"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - began


def timed(client, url: str, repeat: int, verbose: bool = False) -> tuple[float, float, int]:
    from django.db import connection, reset_queries

    client.get(url)  # warm caches
    samples, queries = [], 0
    for _ in range(repeat):
        reset_queries()
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(connection.queries)
    if verbose:
        for query in connection.queries:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, queries


def run(sizes: list[int], repeat: int, verbose: bool = False, reuse: bool = False) -> None:
    from django.conf import settings
    from django.test import Client

    settings.DEBUG = True  # to count queries
    users, template, clock, have = world(reuse=reuse)
    clients = {name: Client() for name in ("leader", "center")}
    for name, client in clients.items():
        client.force_login(users[name])
    first: dict[str, float] = {}
    for size in sizes:
        seconds = 0.0
        if size > have:
            seconds = grow(start=have, stop=size, template=template, clock=clock, users=users)
            have = size
        print(f"open cases in one unit: {max(size, have)} (seeded in {seconds:.1f} s)  load: {os.getloadavg()}")
        tag = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}M"
        for name, url, who in PAGES:
            median, p95, queries = timed(clients[who], url, repeat, verbose)
            first.setdefault(name, median)
            print(f"RESULT {name}_{tag}_median_ms {median:.1f} ms")
            print(f"RESULT {name}_{tag}_p95_ms {p95:.1f} ms")
            print(f"RESULT {name}_{tag}_vs_first {median / first[name]:.2f} x ({queries} queries)")
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
