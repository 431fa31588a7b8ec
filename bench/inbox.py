"""Inbox and dashboard speed with many open cases in one unit.

    python -m bench.inbox --size 10000

Builds a throw-away test database on DATABASE_URL's server, fills one station with `size` open
cases (half signed for, each with running contact and handling clocks spread around today: some
overdue, some due soon), then times the pages a unit and the center open all day.
"""

import argparse
import os
import random
import statistics
import time
from datetime import timedelta

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--verbose", action="store_true", help="print each query's time for every page")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    # No setup_test_environment(): its template instrumentation would slow rendering down.
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.size, args.repeat, args.verbose)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def populate(size: int):
    from django.utils import timezone

    from complaints.models import Case
    from deadlines.models import CaseClock
    from routing.models import Unit, User

    center = Unit.objects.create(code="C", name="市12315指挥中心", kind="center")
    district = Unit.objects.create(
        code="D01", name="蓬江区12315受理中心", kind="district_center", parent=center
    )
    station = Unit.objects.create(code="S0101", name="白沙市场监管所", kind="station", parent=district)
    users = {}
    for username, unit, role in [
        ("leader", station, "unit_leader"),
        ("handler", station, "handler"),
        ("center", center, "supervisor"),
    ]:
        users[username] = User.objects.create_user(username=username, password="x", unit=unit, role=role)
    now = timezone.now()
    rng = random.Random(12315)
    cases = []
    for i in range(size):
        signed = i % 2 == 0
        cases.append(
            Case(
                number=f"2026112{i:06d}",
                query_code="ABCDEFGH",
                kind="complaint",
                channel="phone",
                state="handling" if signed else "dispatched",
                complainant_name="张三",
                complainant_phone=f"139{i:08d}",
                respondent_name=f"某商户{i % 500}",
                facts="预付卡",
                demand="退款",
                received_at=now - timedelta(days=rng.randint(0, 20), minutes=i),
                registering_unit=center,
                dispatching_unit=center,
                handling_unit=station,
                handler=users["handler"] if signed else None,
                contacted_at=now if signed and i % 4 == 0 else None,
                redo_count=1 if i % 50 == 0 else 0,
            )
        )
    Case.objects.bulk_create(cases, batch_size=2000)
    clocks = []
    # values_list, not only(): a deferred FSM state field would reload each row.
    for case_id, received_at in Case.objects.values_list("pk", "received_at"):
        for clock, spread in (("contact", 3), ("handling", 12)):
            due_at = now + timedelta(hours=rng.randint(-24 * spread, 24 * spread))
            clocks.append(
                CaseClock(
                    case_id=case_id,
                    clock=clock,
                    started_at=received_at,
                    due_at=due_at,
                    due_date=timezone.localdate(due_at),
                    limit_amount=10,
                    limit_unit="working_days",
                )
            )
    CaseClock.objects.bulk_create(clocks, batch_size=5000)
    with connection_cursor() as cursor:
        cursor.execute("ANALYZE")
    return users


def connection_cursor():
    from django.db import connection

    return connection.cursor()


def timed(client, url: str, repeat: int, verbose: bool = False) -> tuple[float, int]:
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
    return statistics.median(samples), queries


def run(size: int, repeat: int, verbose: bool = False) -> None:
    from django.conf import settings
    from django.test import Client

    settings.DEBUG = True  # to count queries
    users = populate(size)
    leader = Client()
    leader.force_login(users["leader"])
    center = Client()
    center.force_login(users["center"])
    pages = [
        ("inbox_all", leader, "/inbox/"),
        ("inbox_overdue", leader, "/inbox/?tab=overdue"),
        ("inbox_due_soon", leader, "/inbox/?tab=due_soon"),
        ("inbox_search_phone", leader, f"/inbox/?q=139{size // 2:08d}"),
        ("inbox_search_respondent", leader, "/inbox/?q=某商户42"),
        ("inbox_last_page", leader, "/inbox/?page=400"),
        ("dashboard", center, "/dashboard/"),
        ("dashboard_drill_overdue", center, "/dashboard/cases/?metric=overdue"),
    ]
    print(f"open cases in one unit: {size}")
    for name, client, url in pages:
        ms, queries = timed(client, url, repeat, verbose)
        print(f"RESULT {name}_ms {ms:.1f} ms")
        print(f"RESULT {name}_queries {queries} queries")


if __name__ == "__main__":
    main()
