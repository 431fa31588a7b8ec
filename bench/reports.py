"""Dashboard and monthly ranking speed over many cases, counted live and read from the daily rollups.

    python -m bench.reports --size 100000

Builds a throw-away test database on DATABASE_URL's server, bulk-loads `size` cases received over
the last year (COPY, core/bulk_copy.copy_rows) across 24 handling units, 12 categories, 3 channels
and 6 areas, each with contact and handling clocks, most replied and followed up, then times the
center's dashboard for 30 days and for a year and the last month's ranking: first counted live (no
day closed), then after the rollup backfill (reports.services_rollups), timed too. Prints RESULT
lines (median and p95 of repeated requests) and the machine load.
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
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--live-repeat", type=int, default=3, help="repeats of the (slow) live pages")
    parser.add_argument("--verbose", action="store_true", help="print each query's time of the rolled pages")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    # Not test_<name>: a test run may be using that one.
    connection.settings_dict["TEST"]["NAME"] = f"bench_reports_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.size, args.repeat, args.live_repeat, args.verbose)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _model_rows(model, rows, overrides_of):
    """Every concrete column of `model` (its defaults computed once), with each row's overrides."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    base = {f.attname: (None if f.null and not f.has_default() else f.get_default()) for f in fields}
    columns = [f.column for f in fields]
    names = [f.attname for f in fields]

    def generate():
        for row in rows:
            values = {**base, **overrides_of(row)}
            yield [values[name] for name in names]
    return columns, generate()



def world():
    """Units, categories, areas and the users the pages are opened as."""
    from routing.models import Area, Category, Unit, User

    center = Unit.objects.create(code="C", name="市12315指挥中心", kind="center")
    stations = []
    for d in range(3):
        district = Unit.objects.create(code=f"D{d}", name=f"第{d}区受理中心", kind="district_center", parent=center)
        stations += [Unit.objects.create(code=f"S{d}{s:02d}", name=f"第{d}区第{s}所", kind="station",
                                         parent=district) for s in range(8)]
    tops = [Category.objects.create(code=f"{c:02d}", name=f"分类{c}") for c in range(4)]
    categories = tops + [Category.objects.create(code=f"{t.code}{c:02d}", name=f"{t.name}-{c}", parent=t)
                         for t in tops for c in range(2)]
    city = Area.objects.create(code="4407", name="江门市", level="city")
    areas = [city] + [Area.objects.create(code=f"44070{a}", name=f"区{a}", level="district", parent=city)
                      for a in range(5)]
    users = {
        "center": User.objects.create_user(username="center", password="x", unit=center, role="supervisor"),
        "leader": User.objects.create_user(username="leader", password="x", unit=stations[0], role="unit_leader"),
        "handler": User.objects.create_user(username="handler", password="x", unit=stations[0], role="handler"),
    }
    return {"center": center, "stations": stations, "categories": categories, "areas": areas, "users": users}


def populate(size: int):
    from django.utils import timezone

    from complaints.models import Case
    from core.bulk_copy import copy_rows
    from deadlines.models import CaseClock
    from deadlines.workdays import local_date

    reference = world()
    center, units = reference["center"], reference["stations"]
    categories, areas, user = reference["categories"], reference["areas"], reference["users"]["center"]
    now = timezone.now()
    rng = random.Random(12315)
    plans = []
    for i in range(size):
        received = now - timedelta(seconds=rng.randint(0, 365 * 86400))
        done = i % 10 < 8 and received + timedelta(days=8) < now
        plans.append((i, received, done, rng.random()))

    def case(plan):
        i, received, done, r = plan
        dispatched = received + timedelta(hours=2)
        replied = received + timedelta(days=3 + int(r * 10)) if done else None
        return {
            "number": f"R{i:012d}", "query_code": "ABCDEFGH", "kind": "complaint",
            "channel": ("phone", "web", "wechat")[i % 3], "state": "archived" if done else "handling",
            "complainant_name": "张三", "complainant_phone": f"139{i:08d}", "respondent_name": f"某商户{i % 997}",
            "facts": "预付卡", "demand": "退款", "received_at": received, "registered_at": received,
            "dispatched_at": dispatched, "replied_at": replied,
            "followed_up_at": replied + timedelta(days=1) if replied else None,
            "archived_at": replied + timedelta(days=1) if replied else None,
            "satisfaction": ("satisfied", "basically_satisfied", "dissatisfied")[i % 3] if replied else "",
            "resolved": (i % 4 != 0) if replied else None, "is_repeat": i % 17 == 0,
            "registering_unit_id": center.pk, "dispatching_unit_id": center.pk,
            "handling_unit_id": units[i % len(units)].pk, "category_id": categories[i % len(categories)].pk,
            "respondent_area_id": areas[i % len(areas)].pk,
        }

    start = time.perf_counter()
    columns, rows = _model_rows(Case, plans, case)
    copy_rows(table=Case._meta.db_table, columns=columns, rows=rows)
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))

    def clocks():
        for case_id, (_, received, done, r) in zip(ids, plans, strict=True):
            for kind, days, stop in (("contact", 1, received + timedelta(hours=5 + r * 40)),
                                     ("handling", 10, received + timedelta(days=3 + int(r * 10)) if done else None)):
                due = received + timedelta(days=days)
                yield case_id, kind, received, due, stop

    columns, rows = _model_rows(CaseClock, clocks(), lambda c: {
        "case_id": c[0], "clock": c[1], "started_at": c[2], "due_at": c[3], "due_date": local_date(c[3]),
        "stopped_at": c[4], "limit_amount": 10, "limit_unit": "working_days"})
    copy_rows(table=CaseClock._meta.db_table, columns=columns, rows=rows)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {size} cases and {2 * size} clocks in {time.perf_counter() - start:.1f} s")
    return user


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    client.get(url)  # warm caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def run(size: int, repeat: int, live_repeat: int, verbose: bool = False) -> None:
    from django.test import Client
    from django.utils import timezone

    from deadlines.workdays import local_date
    from reports.services_rollups import report_rollups_refresh

    user = populate(size)
    client = Client()
    client.force_login(user)
    today = local_date(timezone.now())
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    pages = [
        ("dashboard_30d", f"/dashboard/?start={today - timedelta(days=29)}&end={today}"),
        ("dashboard_1y", f"/dashboard/?start={today - timedelta(days=364)}&end={today}"),
        ("ranking_month", f"/dashboard/ranking/?month={last_month}"),
    ]
    for name, url in pages:
        median, p95 = timed(client, url, live_repeat)
        print(f"RESULT {name}_live_{size}_median {median:.1f} ms")
        print(f"RESULT {name}_live_{size}_p95 {p95:.1f} ms")
    start = time.perf_counter()
    days = report_rollups_refresh(days_per_run=400)
    print(f"RESULT rollup_backfill_{size} {time.perf_counter() - start:.1f} s ({days} days)")
    from reports.models import DailyFigures

    print(f"rollup rows: {DailyFigures.objects.count()}")
    for name, url in pages:
        median, p95 = timed(client, url, repeat)
        print(f"RESULT {name}_rolled_{size}_median {median:.1f} ms")
        print(f"RESULT {name}_rolled_{size}_p95 {p95:.1f} ms")
        if verbose:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:8]:
                print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
